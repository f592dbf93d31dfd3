-- How many collective disputes are active (the active_disputes macro) in each
-- reporting unit and in each county or town in the caller's scope, for the choropleth and the
-- unit list. One row per place with `level` 'unit' or 'county'; places with none are included with active_n = 0, so a
-- quiet county is drawn as quiet rather than missing.
-- $since: first day of the window (date)
-- $until: last day of the window (date, inclusive)
-- $units: reporting-unit codes to keep, or null for all
-- $industries: industry section codes to keep, or null for all
-- $now: the current time (timestamp, Asia/Shanghai)
with active as (
    select unit_code, county_code, grade, participants_high
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
        coalesce(sum(a.participants_high), 0)::bigint as participants_n
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
        coalesce(sum(a.participants_high), 0)::bigint as participants_n
    from counties_in_scope as c
    left join active as a on a.county_code = c.county_code
    where $units is null or list_contains($units, c.unit_code)
    group by all
),

final as (
    select * from by_unit
    union all
    select * from by_county
)

select * from final
order by level desc, active_n desc, place_code
