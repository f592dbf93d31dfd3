-- The verification queue (待核实) of the caller's units: every item not yet verified, the most
-- urgent first: overdue (most overdue first), then due within $soon_hours, then the rest by
-- deadline; items not yet assigned come last (they get a deadline at the next assignment run).
-- Items whose place is to be determined (属地待定, no unit) are not in a unit's queue: the province
-- assigns them first (triage_queue).
-- `state` is overdue | due_soon | new; the n_* columns count the whole queue by state.
-- $units: reporting-unit codes to keep, or null for all
-- $industries: industry section codes to keep, or null for all
-- $now: the current time (timestamp, Asia/Shanghai)
-- $soon_hours: how many hours before its deadline an item counts as due soon
-- $limit: how many items to return at most
with queue as (
    select
        item_id,
        verify_due_at,
        case
            when verify_due_at < $now::timestamp then 'overdue'
            when verify_due_at < $now::timestamp + to_hours($soon_hours::bigint) then 'due_soon'
            else 'new'
        end as state
    from items
    where verified_at is null
      and status in ('pending', 'verifying')
      and unit_code is not null  -- 属地待定 waits for the province to assign it (ledger/workflow/assign.py)
      and ($units is null or list_contains($units, unit_code))
      and ($industries is null or list_contains($industries, industry))
),

counted as (
    select
        *,
        count(*) filter (where state = 'overdue') over () as n_overdue,
        count(*) filter (where state = 'due_soon') over () as n_due_soon,
        count(*) filter (where state = 'new') over () as n_new
    from queue
    order by verify_due_at nulls last, item_id
    limit $limit
),

final as (
    select
        q.item_id,
        q.state,
        i.unit_code,
        columns('_name_(zh|en)$'),
        i.title,
        i.grade,
        i.grade_review,
        i.source,
        i.status,
        i.captured_at,
        q.verify_due_at,
        round(date_diff('minute', $now::timestamp, q.verify_due_at) / 60.0, 1) as hours_left,
        q.n_overdue,
        q.n_due_soon,
        q.n_new
    from counted as q
    join items as i using (item_id)
    left join unit_names as u on u.unit_code = i.unit_code
    left join county_names as c on c.county_code = i.county_code
    order by q.verify_due_at nulls last, q.item_id
)

select * from final
