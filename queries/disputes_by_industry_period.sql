-- Collective disputes per industry section per week or month in the window (by capture time, up
-- to t = the earlier of $now and the end of $until), beside the count in the same period a year
-- earlier (52 weeks earlier for weeks, so weekdays line up). Periods start on Monday for weeks,
-- on the 1st for months. Only periods with a dispute this year or last year appear.
-- $since: first day of the window (date)
-- $until: last day of the window (date, inclusive)
-- $units: reporting-unit codes to keep, or null for all
-- $industries: industry section codes to keep, or null for all
-- $now: the current time (timestamp, Asia/Shanghai)
-- $grain: 'week' or 'month'
with as_of as (
    select as_of($now, $until) as t
),

shift as (
    select case when $grain = 'week' then interval 364 day else interval 1 year end as one_year
),

disputes as (
    select items.captured_at, items.industry
    from items, as_of, shift
    where is_collective
      -- the lower bound from the parameters alone, so that it is pushed into the Parquet scan
      and captured_at >= $since::timestamp - case when $grain = 'week' then interval 364 day else interval 1 year end
      and captured_at <= as_of.t
      and ($units is null or list_contains($units, unit_code))
      and ($industries is null or list_contains($industries, industry))
),

dated as (
    select
        industry,
        captured_at >= $since::timestamp as this_year,
        date_trunc($grain, case when captured_at >= $since::timestamp then captured_at
                                else captured_at + shift.one_year end)::date as period
    from disputes, shift, as_of
    where captured_at >= $since::timestamp or captured_at + shift.one_year <= as_of.t
),

final as (
    select
        d.period,
        coalesce(d.industry, '?') as industry,
        coalesce(i.name_zh, '未知行业') as industry_name_zh,
        coalesce(i.name_en, 'Unknown industry') as industry_name_en,
        count(*) filter (where d.this_year) as n,
        count(*) filter (where not d.this_year) as n_last_year
    from dated as d
    left join industries as i on i.code = d.industry
    group by all
    order by d.period, industry
)

select * from final
