-- The analysts' slice of the ledger: every item matching all the explorer's filters, with the
-- unit, county and industry names beside their codes, `total_n` (the size of the whole slice on
-- every row) and `overdue` (past its deadline and not verified at t). A page of it for the
-- table ($limit/$offset), or all of it for a download ($limit null). Window: captured in
-- [$since, $until]; overdue is judged at t = the earlier of $now and the end of $until.
-- $since: first day of the window (date)
-- $until: last day of the window (date, inclusive)
-- $units: reporting-unit codes to keep, or null for all
-- $industries: industry section codes to keep, or null for all
-- $now: the current time (timestamp, Asia/Shanghai)
-- $counties: county/town codes to keep, or null for all
-- $place_precisions: place precision codes to keep (point, town, county, city, or unknown: 属地待定,
--   the items without a unit), or null for all
-- $sub_industries: industry division codes to keep, or null for all
-- $ownerships: ownership codes to keep, or null for all
-- $union_present: true / false to keep items with / without a union, or null for both
-- $grades: grade codes to keep, or null for all (the code 'none' keeps ungraded items)
-- $min_participants: keep items whose upper participant count reaches this, or null
-- $max_participants: keep items whose lower participant count is at most this, or null
-- $demands: keep items with any of these demand codes, or null for all
-- $action_forms: keep items with any of these action-form codes, or null for all
-- $sources: source codes to keep, or null for all
-- $statuses: status codes to keep, or null for all
-- $collective_only: true to keep only collective disputes
-- $overdue_only: true to keep only items overdue at t
-- $proactive_only: true to keep only items a unit reported proactively
-- $keyword: text to find in the title, summary or enterprise (case-insensitive; in the masked text
--   for a scope without personal data), or null
-- $sort: 'captured_at', 'participants', 'grade' or 'verify_due_at'
-- $descending: true for the largest / newest / most serious first
-- $limit: how many rows to return, or null for all
-- $offset: how many rows to skip
with as_of as (
    select as_of($now, $until) as t
),

-- First only the narrow columns needed to filter, count and order, so that a page of 50 rows
-- does not drag every column of every matching row through the sort.
matching as (
    select
        items.item_id,
        items.captured_at,
        case $sort
            when 'participants' then coalesce(participants_high, -1)
            when 'grade' then -coalesce(g.severity_rank, 99)
            when 'verify_due_at' then epoch(verify_due_at)
            else epoch(captured_at)
        end as sort_key,
        verify_due_at < as_of.t and not is_verified_by(verified_at, verification_result, as_of.t) as overdue
    from items
    cross join as_of
    left join grades as g on g.grade = items.grade
    where captured_at >= $since::timestamp and captured_at < $until::timestamp + interval 1 day
      and ($units is null or list_contains($units, unit_code))
      and ($industries is null or list_contains($industries, industry))
      and ($counties is null or list_contains($counties, county_code))
      and ($place_precisions is null or list_contains($place_precisions, place_precision))
      and ($sub_industries is null or list_contains($sub_industries, sub_industry))
      and ($ownerships is null or list_contains($ownerships, ownership))
      and ($union_present is null or union_present = $union_present)
      and ($grades is null or list_contains($grades, coalesce(items.grade, 'none')))
      and ($min_participants is null or participants_high >= $min_participants)
      and ($max_participants is null or participants_low <= $max_participants)
      and ($demands is null or list_has_any(demands, $demands))
      and ($action_forms is null or list_has_any(action_forms, $action_forms))
      and ($sources is null or list_contains($sources, source))
      and ($statuses is null or list_contains($statuses, status))
      and (not $collective_only or is_collective)
      and (not $overdue_only
           or (verify_due_at < as_of.t and not is_verified_by(verified_at, verification_result, as_of.t)))
      and (not $proactive_only or proactive)
      and ($keyword is null
           or finds(concat_ws(' ', title, summary, enterprise), $keyword))
),

page as (
    select *
    from matching
    order by
        case when $descending then sort_key end desc nulls last,
        case when not $descending then sort_key end asc nulls last,
        item_id
    limit $limit
    offset $offset
),

-- Then every column, for the page's rows only (the capture-time bounds let DuckDB skip the
-- row groups outside the window while it looks them up).
final as (
    select
        items.*,
        page.overdue,
        columns('_name_(zh|en)$'),
        (select count(*) from matching) as total_n
    from page
    join items on items.item_id = page.item_id
        and items.captured_at >= (select min(captured_at) from page)
        and items.captured_at <= (select max(captured_at) from page)
    left join unit_names as u on u.unit_code = items.unit_code
    left join county_names as c on c.county_code = items.county_code
    left join industry_names as i on i.industry = items.industry
    left join sub_industry_names as d on d.sub_industry = items.sub_industry
    order by
        case when $descending then page.sort_key end desc nulls last,
        case when not $descending then page.sort_key end asc nulls last,
        items.item_id
)

select * from final
