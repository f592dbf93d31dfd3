-- The collective disputes active on the map: not closed as of t (the earlier of $now and the
-- end of $until) and occurred, captured or updated within the window. One row per dispute with
-- a position: its own coordinates, else its county's centroid, else its unit's (then
-- `approx_location` is true), and the labels a tooltip needs. The most serious come first, so a
-- caller that caps the number of points keeps those.
-- $since: first day of the window (date)
-- $until: last day of the window (date, inclusive)
-- $units: reporting-unit codes to keep, or null for all
-- $industries: industry section codes to keep, or null for all
-- $now: the current time (timestamp, Asia/Shanghai)
-- $limit: the most points to return
with active as (
    select *
    from active_disputes($since, $until, $now)
    where ($units is null or list_contains($units, unit_code))
      and ($industries is null or list_contains($industries, industry))
),

placed as (
    select
        a.item_id,
        a.title,
        a.enterprise,
        a.unit_code,
        a.county_code,
        u.name_zh as unit_name_zh,
        u.name_en as unit_name_en,
        c.name_zh as county_name_zh,
        c.name_en as county_name_en,
        i.name_zh as industry_name_zh,
        i.name_en as industry_name_en,
        a.participants_text,
        a.participants_low,
        a.participants_high,
        a.grade,
        coalesce(g.severity_rank, 99) as severity_rank,
        a.status,
        a.captured_at,
        date_diff('day', a.captured_at, a.t) as days_open,
        coalesce(a.lon, c.lon, u.lon) as lon,
        coalesce(a.lat, c.lat, u.lat) as lat,
        coalesce(a.location_approx, false) or a.lon is null as approx_location
    from active as a
    left join units as u on u.unit_code = a.unit_code
    left join counties as c on c.county_code = a.county_code
    left join industries as i on i.code = a.industry
    left join grades as g on g.grade = a.grade
),

final as (
    select *
    from placed
    where lon is not null
    order by severity_rank, participants_high desc nulls last, captured_at desc
    limit $limit
)

select * from final
