-- Verification within deadline per reporting unit, and for all of them together (the row whose
-- unit_code is null), over the items whose deadline fell in the window, as of t (the earlier of
-- $now and the end of $until). Every unit in scope gets a row, even with nothing due.
-- due_n: items due; on_time_n: verified by the deadline; late_n: verified after it (by t);
-- overdue_n: past the deadline and still not verified at t; rate_pct = on_time_n / due_n;
-- received_n: items captured in the window (by t), each to be verified by its unit;
-- pending_n: items captured in the window, not yet verified at t (overdue or not);
-- median_hours / p90_hours: hours from capture to verification, for items verified by t.
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
        verified_at is not null and verified_at <= as_of.t as is_verified,
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

scoped_units as (
    select unit_code
    from units_in_scope
    where $units is null or list_contains($units, unit_code)
),

counted as (
    select
        u.unit_code,
        count(*) filter (where w.is_captured) as received_n,
        count(*) filter (where w.is_due) as due_n,
        count(*) filter (where w.is_due and w.is_verified and w.in_time) as on_time_n,
        count(*) filter (where w.is_due and w.is_verified and not w.in_time) as late_n,
        count(*) filter (where w.is_due and not w.is_verified) as overdue_n,
        count(*) filter (where w.is_captured and not w.is_verified) as pending_n,
        median(w.hours_to_verify) filter (where w.is_due and w.is_verified) as median_hours,
        quantile_cont(w.hours_to_verify, 0.9) filter (where w.is_due and w.is_verified) as p90_hours
    from scoped_units as u
    left join in_window as w on w.unit_code = u.unit_code
    group by grouping sets ((u.unit_code), ())
),

final as (
    select
        c.unit_code,
        u.name_zh,
        u.name_en,
        c.received_n,
        c.due_n,
        c.on_time_n,
        c.late_n,
        c.overdue_n,
        c.pending_n,
        round(100.0 * c.on_time_n / nullif(c.due_n, 0), 1) as rate_pct,
        round(c.median_hours, 1) as median_hours,
        round(c.p90_hours, 1) as p90_hours
    from counted as c
    left join units as u on u.unit_code = c.unit_code
    order by c.unit_code is not null, u.sort_order
)

select * from final
