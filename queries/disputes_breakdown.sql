-- Collective disputes in the window broken down by one dimension the union studies, beside the
-- window of equal length before it. A dispute with several demands or forms of action counts
-- once under each. Keys are codes ('yes'/'no' for union_present); missing values are 'unknown'.
-- $since: first day of the window (date)
-- $until: last day of the window (date, inclusive)
-- $units: reporting-unit codes to keep, or null for all
-- $industries: industry section codes to keep, or null for all
-- $now: the current time (timestamp, Asia/Shanghai)
-- $dimension: one of 'ownership', 'union_present', 'demands', 'action_forms', 'grade', 'source'
with bounds as (
    select
        $since::timestamp as window_start,
        t,
        $since::timestamp - (t - $since::timestamp) as prev_start
    from (select least($now::timestamp, $until::timestamp + interval 1 day) as t)
),

disputes as (
    select
        captured_at >= bounds.window_start as this_window,
        case $dimension
            when 'ownership' then [ownership]
            when 'union_present' then [case when union_present then 'yes' when not union_present then 'no' end]
            when 'demands' then demands
            when 'action_forms' then action_forms
            when 'grade' then [grade]
            when 'source' then [source]
        end as keys
    from items, bounds
    where is_collective
      -- the lower bound from the parameters alone, so that it is pushed into the Parquet scan
      and captured_at >= $since::timestamp - (as_of($now, $until) - $since::timestamp) and captured_at <= bounds.t
      and ($units is null or list_contains($units, unit_code))
      and ($industries is null or list_contains($industries, industry))
),

unnested as (
    select this_window, coalesce(unnest(case when len(keys) = 0 then [null] else keys end), 'unknown') as key
    from disputes
),

final as (
    select
        key,
        count(*) filter (where this_window) as n,
        count(*) filter (where not this_window) as n_prev
    from unnested
    group by key
    order by n desc, key
)

select * from final
