-- How many collective disputes are active (same rule as active_disputes_on_map) in each
-- reporting unit and in each county or town in the caller's scope, for the choropleth and the
-- unit list. One row per place with `level` 'unit' or 'county'; places with none are included with active_n = 0, so a
-- quiet county is drawn as quiet rather than missing.
-- $since: first day of the window (date)
-- $until: last day of the window (date, inclusive)
-- $units: reporting-unit codes to keep, or null for all
-- $industries: industry section codes to keep, or null for all
-- $now: the current time (timestamp, Asia/Shanghai)
with as_of as (
    select least($now::timestamp, $until::timestamp + interval 1 day) as t
),

active as (
    select items.unit_code, items.county_code, items.grade, items.participants_high
    from items, as_of
    where is_collective
      and captured_at <= as_of.t
      and (closed_at is null or closed_at > as_of.t)
      and (captured_at >= $since
           or occurred_on >= $since
           or (updated_at >= $since and updated_at <= as_of.t))
      and ($units is null or list_contains($units, unit_code))
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
