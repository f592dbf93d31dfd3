-- Items whose verification deadline fell in the window and that are still not verified as of t
-- (the earlier of $now and the end of $until): who must verify what, and how late it is. The
-- same items as overdue_n in verification_rate_by_unit. Most overdue first.
-- $since: first day of the window (date)
-- $until: last day of the window (date, inclusive)
-- $units: reporting-unit codes to keep, or null for all
-- $industries: industry section codes to keep, or null for all
-- $now: the current time (timestamp, Asia/Shanghai)
with as_of as (
    select as_of($now, $until) as t
),

overdue as (
    select items.*, as_of.t
    from items, as_of
    where verify_due_at between $since::timestamp and as_of.t
      and (verified_at is null or verified_at > as_of.t)
      and ($units is null or list_contains($units, unit_code))
      and ($industries is null or list_contains($industries, industry))
),

final as (
    select
        o.item_id,
        o.unit_code,
        u.name_zh as unit_name_zh,
        u.name_en as unit_name_en,
        c.name_zh as county_name_zh,
        c.name_en as county_name_en,
        o.title,
        o.grade,
        o.status,
        o.captured_at,
        o.verify_due_at,
        round(date_diff('minute', o.verify_due_at, o.t) / 1440.0, 1) as days_overdue
    from overdue as o
    left join units as u on u.unit_code = o.unit_code
    left join counties as c on c.county_code = o.county_code
    order by days_overdue desc, o.item_id
)

select * from final
