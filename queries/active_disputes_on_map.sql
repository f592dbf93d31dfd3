-- The collective disputes active in the window (the active_disputes macro: not closed as of t,
-- occurred, captured or updated within the window), for the map and, with a small $limit, the
-- overview's and the wall screen's "most serious" lists. One row per dispute with
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
    select item_id, captured_at, grade, participants_high, t
    from active_disputes($since, $until, $now)
    where ($units is null or list_contains($units, unit_code))
      and ($industries is null or list_contains($industries, industry))
),

-- Choose the points on narrow columns; read titles and names for the chosen ones only.
chosen as (
    select a.*, coalesce(g.severity_rank, 99) as severity_rank
    from active as a
    left join grades as g on g.grade = a.grade
    order by severity_rank, a.participants_high desc nulls last, a.captured_at desc, a.item_id
    limit $limit
),

final as (
    select
        d.item_id,
        d.title,
        d.enterprise,
        d.unit_code,
        d.county_code,
        u.name_zh as unit_name_zh,
        u.name_en as unit_name_en,
        c.name_zh as county_name_zh,
        c.name_en as county_name_en,
        i.name_zh as industry_name_zh,
        i.name_en as industry_name_en,
        d.participants_text,
        d.participants_low,
        d.participants_high,
        d.grade,
        d.grade_review,
        k.severity_rank,
        d.status,
        d.captured_at,
        date_diff('day', d.captured_at, k.t) as days_open,
        coalesce(d.lon, c.lon, u.lon) as lon,
        coalesce(d.lat, c.lat, u.lat) as lat,
        coalesce(d.place_precision, 'city') <> 'point' or d.lon is null as approx_location
    from chosen as k
    join items as d on d.item_id = k.item_id
        and d.captured_at >= (select min(captured_at) from chosen)
        and d.captured_at <= (select max(captured_at) from chosen)
        and (d.closed_at is null or d.closed_at > as_of($now, $until))  -- skips the closed part's row groups
    left join units as u on u.unit_code = d.unit_code
    left join counties as c on c.county_code = d.county_code
    left join industries as i on i.code = d.industry
    where coalesce(d.lon, c.lon, u.lon) is not null
    order by k.severity_rank, d.participants_high desc nulls last, d.captured_at desc, d.item_id
)

select * from final
