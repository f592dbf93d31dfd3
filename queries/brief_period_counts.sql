-- A brief's figures for its period beside the period before it (which may differ in length: a
-- calendar month against the month before), in total (breakdown 'total', key null), per reporting
-- unit ('unit': every unit in scope, zeros included, and key null for the items whose place is to
-- be determined, 属地待定, when there are any) and per industry section ('industry': those with
-- anything to count; key '?' for items without one). The period runs from $since to t, the
-- earlier of $now and the end of $until; the previous one from $prev_since up to $since.
-- n / n_prev: collective disputes captured in the period / the previous one;
-- participants_n / participants_prev_n: their participants (lower bound of the reported range);
-- serious_n / serious_prev_n: those of them graded I or II;
-- overdue_n / overdue_prev_n: items (collective or not) past their verification deadline and not
-- verified at t / at the start of the period, whenever they were captured.
-- $since: first day of the period (date)
-- $until: last day of the period (date, inclusive)
-- $prev_since: first day of the previous period (date); it ends where this one starts
-- $now: the current time (timestamp, Asia/Shanghai)
with bounds as (
    select $since::timestamp as start, as_of($now, $until) as t, $prev_since::timestamp as prev_start
),

marked as (
    select
        items.unit_code,
        coalesce(items.industry, '?') as industry,
        is_collective and captured_at >= start and captured_at <= t as is_new,
        is_collective and captured_at >= prev_start and captured_at < start as is_new_prev,
        coalesce(participants_low, 0) as participants,
        coalesce(grade in ('I', 'II'), false) as is_serious,
        verify_due_at < t and captured_at <= t
            and not is_verified_by(verified_at, verification_result, t) as is_overdue,
        verify_due_at < start and captured_at <= start
            and not is_verified_by(verified_at, verification_result, start) as is_overdue_prev
    from items, bounds
    -- disputes of either period, or items that may still have been unverified at its start
    where captured_at >= prev_start or not is_verified_by(verified_at, verification_result, start)
),

-- One empty row per unit in scope, so that every unit is listed even where nothing happened.
with_every_unit as (
    select * from marked
    union all
    select unit_code, null, false, false, 0, false, false, false
    from units_in_scope
),

counted as (
    select
        case when grouping(unit_code) = 0 then 'unit'
             when grouping(industry) = 0 then 'industry'
             else 'total' end as breakdown,
        case when grouping(unit_code) = 0 then unit_code
             when grouping(industry) = 0 then industry end as key,
        count(*) filter (where is_new) as n,
        count(*) filter (where is_new_prev) as n_prev,
        coalesce(sum(participants) filter (where is_new), 0)::bigint as participants_n,
        coalesce(sum(participants) filter (where is_new_prev), 0)::bigint as participants_prev_n,
        count(*) filter (where is_new and is_serious) as serious_n,
        count(*) filter (where is_new_prev and is_serious) as serious_prev_n,
        count(*) filter (where is_overdue) as overdue_n,
        count(*) filter (where is_overdue_prev) as overdue_prev_n
    from with_every_unit
    group by grouping sets ((), (unit_code), (industry))
),

final as (
    select
        c.breakdown,
        c.key,
        coalesce(u.name_zh, i.name_zh, case c.breakdown when 'industry' then '未知行业' when 'unit' then '属地待定' end)
            as name_zh,
        coalesce(u.name_en, i.name_en,
                 case c.breakdown when 'industry' then 'Unknown industry' when 'unit' then 'Place to be determined' end)
            as name_en,
        c.* exclude (breakdown, key)
    from counted as c
    left join units as u on c.breakdown = 'unit' and u.unit_code = c.key
    left join industries as i on c.breakdown = 'industry' and i.code = c.key
    where c.breakdown = 'total' or (c.breakdown = 'unit' and c.key is not null)
       or c.n + c.n_prev + c.overdue_n + c.overdue_prev_n > 0
    order by c.breakdown = 'total' desc, c.breakdown = 'unit' desc, u.sort_order, c.n desc, c.key
)

select * from final
