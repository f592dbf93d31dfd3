-- The collective disputes active in the window (the active_disputes macro: not closed as of t,
-- occurred, captured or updated within the window), for the map and, with a small $limit, the
-- overview's and the wall screen's "most serious" lists. One row per dispute with the labels a
-- tooltip needs and `place_precision` (the map_place macro: point, town, county, city or
-- unknown) saying how it is placed:
-- - point: its own coordinates; town or county: that centroid. Items at identical (or within
--   about 100 m) positions are spread on a sunflower spiral, the most serious at the centre and
--   each next one 150 m × sqrt(k) out at the golden angle, so that every one can be hovered;
-- - city: only its city is known: lon/lat are the city's seat, for the city's ring marker (the
--   map never draws these as points, nor counts them in a county or a density cell);
-- - unknown (属地待定): no unit yet; lon/lat are null and the map leaves it out.
-- The most serious come first, so a caller that caps the number of rows keeps those.
-- $since: first day of the window (date)
-- $until: last day of the window (date, inclusive)
-- $units: reporting-unit codes to keep, or null for all
-- $industries: industry section codes to keep, or null for all
-- $now: the current time (timestamp, Asia/Shanghai)
-- $limit: the most rows to return
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

placed as (
    select
        d.*,
        k.severity_rank,
        k.t,
        map_place(d.unit_code, d.county_code, d.place_precision, d.lon) as shown_as,
        columns('_name_(zh|en)$'),
        u.lon as unit_lon,
        u.lat as unit_lat,
        c.lon as county_lon,
        c.lat as county_lat
    from chosen as k
    join items as d on d.item_id = k.item_id
        and d.captured_at >= (select min(captured_at) from chosen)
        and d.captured_at <= (select max(captured_at) from chosen)
        and (d.closed_at is null or d.closed_at > as_of($now, $until))  -- skips the closed part's row groups
    left join units as u on u.unit_code = d.unit_code
    left join counties as c on c.county_code = d.county_code
    left join unit_names as un on un.unit_code = d.unit_code
    left join county_names as cn on cn.county_code = d.county_code
    left join industry_names as n on n.industry = d.industry
),

positioned as (
    select
        *,
        case shown_as when 'point' then lon when 'city' then unit_lon else coalesce(county_lon, lon) end as base_lon,
        case shown_as when 'point' then lat when 'city' then unit_lat else coalesce(county_lat, lat) end as base_lat
    from placed
),

-- k-th item (0 = the most serious) at one spot among the points, towns and counties.
stacked as (
    select
        *,
        row_number() over (
            partition by shown_as in ('city', 'unknown'), round(base_lon, 3), round(base_lat, 3)
            order by severity_rank, participants_high desc nulls last, captured_at desc, item_id
        ) - 1 as k
    from positioned
),

spread as (
    select
        *,
        if(shown_as in ('city', 'unknown'), 0.0, 150.0 * sqrt(k)) as spread_m,
        k * 2.399963229728653 as angle_rad  -- the golden angle, pi * (3 - sqrt(5))
    from stacked
),

final as (
    select
        item_id,
        title,
        enterprise,
        unit_code,
        county_code,
        unit_name_zh,
        unit_name_en,
        county_name_zh,
        county_name_en,
        industry_name_zh,
        industry_name_en,
        participants_text,
        participants_low,
        participants_high,
        grade,
        grade_review,
        severity_rank,
        status,
        captured_at,
        date_diff('day', captured_at, t) as days_open,
        shown_as as place_precision,
        base_lon + spread_m * cos(angle_rad) / (111320.0 * cos(radians(base_lat))) as lon,
        base_lat + spread_m * sin(angle_rad) / 111320.0 as lat
    from spread
    order by severity_rank, participants_high desc nulls last, captured_at desc, item_id
)

select * from final
