-- The most serious collective disputes still open (as of the earlier of $now and the end of
-- $until), for the overview: highest grade first, then most participants, then newest. One row
-- per dispute with place and industry names, and how many days it has been open.
-- $since: first day of the window (date)
-- $until: last day of the window (date, inclusive)
-- $units: reporting-unit codes to keep, or null for all
-- $industries: industry section codes to keep, or null for all
-- $now: the current time (timestamp, Asia/Shanghai)
-- $limit: how many disputes to return
with as_of as (
    select as_of($now, $until) as t
),

open_disputes as (
    select items.*, as_of.t
    from items, as_of
    where is_collective
      and captured_at >= $since and captured_at <= as_of.t
      and (closed_at is null or closed_at > as_of.t)
      and ($units is null or list_contains($units, unit_code))
      and ($industries is null or list_contains($industries, industry))
),

final as (
    select
        d.item_id,
        d.title,
        d.unit_code,
        u.name_zh as unit_name_zh,
        u.name_en as unit_name_en,
        c.name_zh as county_name_zh,
        c.name_en as county_name_en,
        d.enterprise,
        i.name_zh as industry_name_zh,
        i.name_en as industry_name_en,
        d.grade,
        d.participants_text,
        d.participants_high,
        d.status,
        d.captured_at,
        date_diff('day', d.captured_at, d.t) as days_open
    from open_disputes as d
    left join units as u on u.unit_code = d.unit_code
    left join counties as c on c.county_code = d.county_code
    left join industries as i on i.code = d.industry
    left join grades as g on g.grade = d.grade
    order by coalesce(g.severity_rank, 99), d.participants_high desc nulls last, d.captured_at desc
    limit $limit
)

select * from final
