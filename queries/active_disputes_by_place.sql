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

by_unit as (
    select
        'unit' as level,
        u.unit_code as place_code,
        u.unit_code,
        u.name_zh,
        u.name_en,
        u.lon,
        u.lat,
        count(a.unit_code) as active_n,
        count(a.unit_code) filter (where a.grade in ('I', 'II')) as serious_n,
        coalesce(sum(a.participants_high), 0)::bigint as participants_n,
        count(a.unit_code) filter (where a.shown_as = 'city') as city_level_n
    from units_in_scope as u
    left join active as a on a.unit_code = u.unit_code
    where $units is null or list_contains($units, u.unit_code)
    group by all
),

by_county as (
    select
        'county' as level,
        c.county_code as place_code,
        c.unit_code,
        c.name_zh,
        c.name_en,
        c.lon,
        c.lat,
        count(a.county_code) as active_n,
        count(a.county_code) filter (where a.grade in ('I', 'II')) as serious_n,
        coalesce(sum(a.participants_high), 0)::bigint as participants_n,
        0::bigint as city_level_n
    from counties_in_scope as c
    left join active as a on a.county_code = c.county_code and a.shown_as <> 'city'
    where $units is null or list_contains($units, c.unit_code)
    group by all
),

unplaced as (
    select
        'unplaced' as level,
        null::varchar as place_code,
        null::varchar as unit_code,
        null::varchar as name_zh,
        null::varchar as name_en,
        null::double as lon,
        null::double as lat,
        count(*) as active_n,
        count(*) filter (where grade in ('I', 'II')) as serious_n,
        coalesce(sum(participants_high), 0)::bigint as participants_n,
        0::bigint as city_level_n
    from active
    where unit_code is null
),

final as (
    select * from by_unit
    union all
    select * from by_county
    union all
    select * from unplaced
)

select * from final
order by level = 'unplaced', level desc, active_n desc, place_code
