-- The on-time verification rate by month of deadline, per reporting unit and for all units
-- together (unit_code null), for the months of the window up to t (the earlier of $now and the
-- end of $until). Months with nothing due are absent. due_n: items due; on_time_n: verified by
-- the deadline; time_unknown_n: verified with no time given (核实时间不详), neither on time nor late:
-- rate_pct = on_time_n / (due_n - time_unknown_n), as in verification_rate_by_unit.
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
        coalesce(verified_at <= verify_due_at and verified_at <= as_of.t, false) as in_time,
        time_unknown(verified_at, verification_result) as is_time_unknown
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
        count(*) filter (where is_time_unknown) as time_unknown_n,
        round(100.0 * count(*) filter (where in_time) / nullif(count(*) filter (where not is_time_unknown), 0), 1)
            as rate_pct
    from due
    group by grouping sets ((unit_code, month), (month))
    order by month, unit_code nulls first
)

select * from final
