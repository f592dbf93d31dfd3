-- Items whose verification deadline fell in the window and that are still not verified as of t
-- (the earlier of $now and the end of $until): who must verify what, and how late it is. The
-- same items as overdue_n in verification_rate_by_unit (`total_n` counts them all). Most overdue
-- first, at most $limit of them.
-- $since: first day of the window (date)
-- $until: last day of the window (date, inclusive)
-- $units: reporting-unit codes to keep, or null for all
-- $industries: industry section codes to keep, or null for all
-- $now: the current time (timestamp, Asia/Shanghai)
-- $limit: how many of the most overdue items to return
with as_of as (
    select as_of($now, $until) as t
),

-- Narrow columns first: the titles are read only for the rows returned.
overdue as (
    select items.item_id, items.captured_at, items.verify_due_at
    from items, as_of
    where verify_due_at between $since::timestamp and as_of.t
      and not is_verified_by(verified_at, verification_result, as_of.t)
      and ($units is null or list_contains($units, unit_code))
      and ($industries is null or list_contains($industries, industry))
),

most_overdue as (
    select *
    from overdue
    order by verify_due_at, item_id
    limit $limit
),

final as (
    select
        o.item_id,
        i.unit_code,
        columns('_name_(zh|en)$'),
        i.title,
        i.grade,
        i.grade_review,
        i.status,
        o.captured_at,
        o.verify_due_at,
        -- rounded up to a tenth of a day, so an item overdue by minutes never reads 0.0
        ceil(date_diff('second', o.verify_due_at, as_of.t) / 8640.0) / 10 as days_overdue,
        (select count(*) from overdue) as total_n
    from most_overdue as o
    cross join as_of
    join items as i on i.item_id = o.item_id
        and i.captured_at >= (select min(captured_at) from most_overdue)
        and i.captured_at <= (select max(captured_at) from most_overdue)
    left join unit_names as u on u.unit_code = i.unit_code
    left join county_names as c on c.county_code = i.county_code
    order by o.verify_due_at, o.item_id
)

select * from final
