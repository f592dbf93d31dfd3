-- Headline figures for a leader's quick look, each beside the figure it is compared with.
-- One row: active_n / active_week_ago_n (collective disputes active at t / seven days before: the
-- active_disputes macro's rule, is_active_at, so the same count as the map's and the wall's),
-- new_7d_n / new_prev_7d_n (collective disputes captured in the last 7 days / the 7 before),
-- due_n / on_time_n / on_time_pct (items due in the window and verified by their deadline; those
-- verified with no time given, time_unknown_n, are neither on time nor late and left out of the
-- rate), prev_due_n / prev_on_time_pct (the same for the window of equal length before it),
-- overdue_n / overdue_week_ago_n (items due in the window and not verified at t / 7 days before:
-- the definition of verification_rate_by_unit and overdue_items), place_unknown_n (items captured in the window whose place is to be determined, 属地待定:
-- no unit yet, waiting for the province to assign them). Everything is computed "as of" t = the earlier of $now and the end of $until, from
-- the timestamps, so a past window shows the figures as they stood then.
-- $since: first day of the window (date)
-- $until: last day of the window (date, inclusive)
-- $units: reporting-unit codes to keep, or null for all
-- $industries: industry section codes to keep, or null for all
-- $now: the current time (timestamp, Asia/Shanghai)
with filtered as (
    select *
    from items
    where ($units is null or list_contains($units, unit_code))
      and ($industries is null or list_contains($industries, industry))
),

bounds as (
    select
        $since::timestamp as window_start,
        t,
        t - interval 7 day as t_week_ago,
        $since::timestamp - (t - $since::timestamp) as prev_start
    from (select least($now::timestamp, $until::timestamp + interval 1 day) as t)
),

counted as (
    select
        count(*) filter (where is_collective and captured_at > t - interval 7 day
                         and captured_at <= t) as new_7d_n,
        count(*) filter (where is_collective and captured_at > t - interval 14 day
                         and captured_at <= t - interval 7 day) as new_prev_7d_n,
        count(*) filter (where verify_due_at between window_start and t) as due_n,
        count(*) filter (where verify_due_at between window_start and t
                         and verified_at <= verify_due_at) as on_time_n,
        count(*) filter (where verify_due_at between window_start and t
                         and time_unknown(verified_at, verification_result)) as time_unknown_n,
        count(*) filter (where verify_due_at >= prev_start and verify_due_at < window_start) as prev_due_n,
        count(*) filter (where verify_due_at >= prev_start and verify_due_at < window_start
                         and verified_at <= verify_due_at) as prev_on_time_n,
        count(*) filter (where verify_due_at >= prev_start and verify_due_at < window_start
                         and time_unknown(verified_at, verification_result)) as prev_time_unknown_n,
        count(*) filter (where verify_due_at between window_start and t
                         and not is_verified_by(verified_at, verification_result, t)) as overdue_n,
        count(*) filter (where verify_due_at between window_start and t_week_ago
                         and not is_verified_by(verified_at, verification_result, t_week_ago)) as overdue_week_ago_n,
        count(*) filter (where captured_at between window_start and t and unit_code is null) as place_unknown_n
    from filtered, bounds
    -- the bound written from the parameters alone, not from `bounds`, so that DuckDB pushes it
    -- into the Parquet scan and skips the row groups before it (a join's column is not pushed)
    where captured_at >= $since::timestamp - (as_of($now, $until) - $since::timestamp) - interval 14 day
),

-- both moments' active disputes in one scan of the open collective items
active as (
    select
        count(*) filter (where is_active_at(is_collective, captured_at, occurred_on, updated_at, closed_at,
                                            $since, as_of($now, $until))) as active_n,
        count(*) filter (where is_active_at(is_collective, captured_at, occurred_on, updated_at, closed_at,
                                            $since, as_of($now::timestamp - interval 7 day, $until))) as active_week_ago_n
    from items  -- not `filtered`: a CTE read twice is materialised with every column
    where is_collective
      and (closed_at is null or closed_at > as_of($now::timestamp - interval 7 day, $until))
      and ($units is null or list_contains($units, unit_code))
      and ($industries is null or list_contains($industries, industry))
),

final as (
    select
        active.*,
        counted.*,
        round(100.0 * on_time_n / nullif(due_n - time_unknown_n, 0), 1) as on_time_pct,
        round(100.0 * prev_on_time_n / nullif(prev_due_n - prev_time_unknown_n, 0), 1) as prev_on_time_pct
    from counted, active
)

select * from final
