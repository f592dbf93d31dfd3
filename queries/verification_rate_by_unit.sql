-- Verification within deadline per reporting unit (level 'unit'), per region of the province
-- (level 'region': 珠三角, 粤东, 粤西, 粤北, unit_code null; its name is geo.region_name) and for all
-- of them together (level 'total', unit_code and region null: the first row; the units and then
-- the regions follow in the union's order), over the items whose deadline fell in the window, as of
-- t (the earlier of $now and the end of $until). Every unit in scope, and every region with a unit
-- in scope, gets a row, even with nothing due.
-- due_n: items due; on_time_n: verified by the deadline; late_n: verified after it (by t);
-- time_unknown_n: verified with no time given (核实时间不详): counted verified, neither on time nor
-- late, so the rate leaves them out: rate_pct = on_time_n / (due_n - time_unknown_n);
-- overdue_n: past the deadline and still not verified at t;
-- received_n: items captured in the window (by t), each to be verified by its unit;
-- pending_n: items captured in the window, not yet verified at t (overdue or not);
-- place_unknown_n: items captured in the window whose place is to be determined (属地待定: no unit
-- yet, waiting for the province to assign them; counted in the total's received_n and pending_n);
-- median_hours / p90_hours: hours from capture to verification, for the unit's items due and verified
-- by t (null on the region and total rows: quantiles do not add up).
-- $since: first day of the window (date)
-- $until: last day of the window (date, inclusive)
-- $units: reporting-unit codes to keep, or null for all
-- $industries: industry section codes to keep, or null for all
-- $now: the current time (timestamp, Asia/Shanghai)
with as_of as (
    select as_of($now, $until) as t
),

in_window as (
    select
        items.unit_code,
        verify_due_at between $since::timestamp and as_of.t as is_due,
        is_verified_by(verified_at, verification_result, as_of.t) as is_verified,
        time_unknown(verified_at, verification_result) as is_time_unknown,
        verified_at <= verify_due_at as in_time,
        captured_at >= $since::timestamp and captured_at <= as_of.t as is_captured,
        date_diff('minute', captured_at, verified_at) / 60.0 as hours_to_verify
    from items, as_of
    where (verify_due_at between $since::timestamp and as_of.t
           or (captured_at >= $since::timestamp and captured_at <= as_of.t))
      -- Deadlines fall days after capture, never 60: this bound lets DuckDB skip old row groups.
      and captured_at >= $since::timestamp - interval 60 day and captured_at <= as_of.t
      and ($units is null or list_contains($units, unit_code))
      and ($industries is null or list_contains($industries, industry))
),

-- Counted per unit in one pass (the items without a unit, 属地待定, make a group of their own);
-- both quantiles from one sort of each unit's hours, not two.
per_unit as (
    select
        unit_code,
        count(*) filter (where is_captured) as received_n,
        count(*) filter (where is_due) as due_n,
        count(*) filter (where is_due and is_verified and in_time) as on_time_n,
        count(*) filter (where is_due and is_verified and not in_time) as late_n,
        count(*) filter (where is_due and is_time_unknown) as time_unknown_n,
        count(*) filter (where is_due and not is_verified) as overdue_n,
        count(*) filter (where is_captured and not is_verified) as pending_n,
        count(*) filter (where is_captured and unit_code is null) as place_unknown_n,
        quantile_cont(hours_to_verify, [0.5, 0.9]) filter (where is_due and is_verified) as hour_quantiles
    from in_window
    group by unit_code
),

scoped_units as (
    select unit_code, region
    from units_in_scope
    where $units is null or list_contains($units, unit_code)
),

-- Every unit in scope with its counts, and the items without a unit, which only the total counts.
placed as (
    select u.unit_code, u.region, p.* exclude (unit_code)
    from scoped_units as u
    left join per_unit as p on p.unit_code = u.unit_code
    union all
    select null, null, p.* exclude (unit_code)
    from per_unit as p
    where p.unit_code is null
),

-- The regions and the total add up their units' counts; quantiles do not add up, so only the
-- units have them.
counted as (
    select
        case when grouping(unit_code) = 0 then 'unit' when grouping(region) = 0 then 'region' else 'total' end
            as level,
        unit_code,
        region,
        coalesce(sum(received_n), 0)::bigint as received_n,
        coalesce(sum(due_n), 0)::bigint as due_n,
        coalesce(sum(on_time_n), 0)::bigint as on_time_n,
        coalesce(sum(late_n), 0)::bigint as late_n,
        coalesce(sum(time_unknown_n), 0)::bigint as time_unknown_n,
        coalesce(sum(overdue_n), 0)::bigint as overdue_n,
        coalesce(sum(pending_n), 0)::bigint as pending_n,
        coalesce(sum(place_unknown_n), 0)::bigint as place_unknown_n,
        case when grouping(unit_code) = 0 then any_value(hour_quantiles) end as hour_quantiles
    from placed
    group by grouping sets ((unit_code, region), (region), ())
),

final as (
    select
        c.level,
        c.unit_code,
        c.region,
        u.name_zh,
        u.name_en,
        c.received_n,
        c.due_n,
        c.on_time_n,
        c.late_n,
        c.time_unknown_n,
        c.overdue_n,
        c.pending_n,
        c.place_unknown_n,
        round(100.0 * c.on_time_n / nullif(c.due_n - c.time_unknown_n, 0), 1) as rate_pct,
        round(c.hour_quantiles[1], 1) as median_hours,
        round(c.hour_quantiles[2], 1) as p90_hours
    from counted as c
    left join units as u on c.level = 'unit' and u.unit_code = c.unit_code
    left join (select region, min(sort_order) as sort_order from units group by region) as r
        on c.level = 'region' and r.region = c.region
    -- the items without a unit make groups of their own under unit and region: the total has them
    where c.level = 'total' or coalesce(c.unit_code, c.region) is not null
    order by c.level = 'total' desc, c.level = 'unit' desc, u.sort_order, r.sort_order
)

select * from final
