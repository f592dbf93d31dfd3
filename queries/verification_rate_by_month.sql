-- The on-time verification rate by month of deadline, per reporting unit and for all units
-- together (unit_code null), for the months of the window up to t (the earlier of $now and the
-- end of $until). Months with nothing due are absent.
-- $since: first day of the window (date)
-- $until: last day of the window (date, inclusive)
-- $units: reporting-unit codes to keep, or null for all
-- $industries: industry section codes to keep, or null for all
-- $now: the current time (timestamp, Asia/Shanghai)
with as_of as (
    select as_of($now, $until) as t
),

due as (
    select
        items.unit_code,
        date_trunc('month', verify_due_at)::date as month,
        verified_at is not null and verified_at <= verify_due_at and verified_at <= as_of.t as in_time
    from items, as_of
    where verify_due_at between $since::timestamp and as_of.t
      -- Deadlines fall days after capture, never 60: this bound lets DuckDB skip old row groups.
      and captured_at >= $since::timestamp - interval 60 day
      and ($units is null or list_contains($units, unit_code))
      and ($industries is null or list_contains($industries, industry))
),

final as (
    select
        unit_code,
        month,
        count(*) as due_n,
        count(*) filter (where in_time) as on_time_n,
        round(100.0 * count(*) filter (where in_time) / count(*), 1) as rate_pct
    from due
    group by grouping sets ((unit_code, month), (month))
    order by month, unit_code nulls first
)

select * from final
