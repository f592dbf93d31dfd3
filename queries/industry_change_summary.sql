-- The raw material of the trends page's written summary: collective disputes per industry in
-- the last 30 days up to t (the earlier of $now and the end of $until) and in the 30 days
-- before, with the two reporting units that had most of them in the last 30 days.
-- $until: last day of the window (date, inclusive)
-- $units: reporting-unit codes to keep, or null for all
-- $industries: industry section codes to keep, or null for all
-- $now: the current time (timestamp, Asia/Shanghai)
with as_of as (
    select as_of($now, $until) as t
),

disputes as (
    select
        items.industry,
        items.unit_code,
        captured_at > as_of.t - interval 30 day as recent
    from items, as_of
    where is_collective
      -- the lower bound from the parameters alone, so that it is pushed into the Parquet scan
      and captured_at > as_of($now, $until) - interval 60 day and captured_at <= as_of.t
      and ($units is null or list_contains($units, unit_code))
      and ($industries is null or list_contains($industries, industry))
),

by_unit as (
    select industry, unit_code, count(*) as unit_n
    from disputes
    where recent
    group by all
),

top_units as (
    select
        b.industry,
        list(u.name_zh order by b.unit_n desc, b.unit_code)[1:2] as top_units_zh,
        list(u.name_en order by b.unit_n desc, b.unit_code)[1:2] as top_units_en
    from by_unit as b
    join units as u on u.unit_code = b.unit_code
    group by b.industry
),

final as (
    select
        d.industry,
        i.name_zh as industry_name_zh,
        i.name_en as industry_name_en,
        count(*) filter (where d.recent) as n,
        count(*) filter (where not d.recent) as n_prev,
        t.top_units_zh,
        t.top_units_en
    from disputes as d
    left join industries as i on i.code = d.industry
    left join top_units as t on t.industry = d.industry
    group by all
    order by n desc
)

select * from final
