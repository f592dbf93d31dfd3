-- The month view of verification for the province: per unit, items captured in the month,
-- verified on time, verified late, verified with no time given (time_unknown_n, 核实时间不详: verified,
-- neither on time nor late) and still unverified at the month's end (or now, if the month is not
-- over): the "100% verified" goal as one table. Units without items show zeros; the items whose
-- place is to be determined (属地待定, no unit yet) are the last row, unit_code null, when there are any.
-- $since: first day of the month (date)
-- $until: last day of the month (date)
-- $now: the current time (timestamp, Asia/Shanghai)
with month_end as (
    select least($until::date + 1, $now::timestamp) as t
),

received as (
    select unit_code, verified_at, verify_due_at, verification_result
    from items
    where captured_at >= $since::date and captured_at < $until::date + 1
),

counted as (
    select
        unit_code,
        count(*) as received_n,
        count(*) filter (where verified_at < month_end.t and verified_at <= verify_due_at) as on_time_n,
        count(*) filter (where verified_at < month_end.t and verified_at > verify_due_at) as late_n,
        count(*) filter (where time_unknown(verified_at, verification_result)) as time_unknown_n,
        -- t is the first moment after the month: a verification at t came after it
        count(*) filter (where not is_verified_by(verified_at, verification_result, month_end.t - interval 1 microsecond))
            as open_n
    from received, month_end
    group by unit_code
),

listed as (
    select u.unit_code, u.name_zh, u.name_en, u.sort_order
    from units_in_scope as u
    union all
    select null, '属地待定', 'Place to be determined', null
    where exists (select 1 from counted where unit_code is null)
),

final as (
    select
        l.unit_code,
        l.name_zh,
        l.name_en,
        coalesce(c.received_n, 0) as received_n,
        coalesce(c.on_time_n, 0) as on_time_n,
        coalesce(c.late_n, 0) as late_n,
        coalesce(c.time_unknown_n, 0) as time_unknown_n,
        coalesce(c.open_n, 0) as open_n,
        round(100.0 * coalesce(c.on_time_n + c.late_n + c.time_unknown_n, 0) / nullif(c.received_n, 0), 1)
            as verified_pct
    from listed as l
    left join counted as c on c.unit_code is not distinct from l.unit_code
    order by l.sort_order nulls last
)

select * from final
