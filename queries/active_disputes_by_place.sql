-- How many collective disputes are active (the active_disputes macro) in each
-- reporting unit and in each county or town in the caller's scope, for the choropleth and the
-- unit list. One row per place with `level` 'unit' or 'county'; places with none are included with active_n = 0, so a
-- quiet county is drawn as quiet rather than missing. A unit's city_level_n counts its items
-- known only to the city (the map_place macro): in the unit's active_n, in no county's.
-- One more row, `level` 'unplaced' (place_code null), counts the disputes whose place is not yet
-- known (属地待定), so that a page can say how many are not on the map: unit rows plus this
-- row add up to every active dispute in scope.
-- $since: first day of the window (date)
-- $until: last day of the window (date, inclusive)
-- $units: reporting-unit codes to keep, or null for all
-- $industries: industry section codes to keep, or null for all
-- $now: the current time (timestamp, Asia/Shanghai)
with active as (
    select
        unit_code,
        county_code,
        grade,
        participants_high,
        map_place(unit_code, county_code, place_precision, lon) as shown_as
    from active_disputes($since, $until, $now)
    where ($units is null or list_contains($units, unit_code))
      and ($industries is null or list_contains($industries, industry))
),

-- Each active dispute counts at its unit (city_level: known only to the city) and, unless known
-- only to the city, at its county; one without a unit counts as unplaced.
at_place as (
    select 'unit' as level, unit_code as place_code, grade, participants_high, shown_as = 'city' as city_level
    from active
    where unit_code is not null
    union all
    select 'county', county_code, grade, participants_high, false
    from active
    where county_code is not null and shown_as <> 'city'
    union all
    select 'unplaced', null, grade, participants_high, false
    from active
    where unit_code is null
),

counted as (
    select
        level,
        place_code,
        count(*) as active_n,
        count(*) filter (where grade in ('I', 'II')) as serious_n,
        coalesce(sum(participants_high), 0)::bigint as participants_n,
        count(*) filter (where city_level) as city_level_n
    from at_place
    group by all
),

places as (
    select 'unit' as level, unit_code as place_code, unit_code, name_zh, name_en, lon, lat
    from units_in_scope
    union all
    select 'county', county_code, unit_code, name_zh, name_en, lon, lat
    from counties_in_scope
    union all
    select 'unplaced', null, null, null, null, null::double, null::double
),

final as (
    select
        p.level,
        p.place_code,
        p.unit_code,
        p.name_zh,
        p.name_en,
        p.lon,
        p.lat,
        coalesce(c.active_n, 0) as active_n,
        coalesce(c.serious_n, 0) as serious_n,
        coalesce(c.participants_n, 0)::bigint as participants_n,
        coalesce(c.city_level_n, 0) as city_level_n
    from places as p
    left join counted as c on c.level = p.level and c.place_code is not distinct from p.place_code
    where p.level = 'unplaced' or $units is null or list_contains($units, p.unit_code)
)

select * from final
order by level = 'unplaced', level desc, active_n desc, place_code
