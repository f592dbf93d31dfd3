-- The province's triage queue (属地待定): open items whose place is to be determined (no unit yet,
-- place_precision 'unknown'), the oldest first, with why their place could not be read
-- (place_reason), to be given a unit (and county) by the province (ledger/workflow/assign.py). Scoped like
-- every query: a city officer's scope holds no item without a unit, so their queue is empty.
-- `total_n` counts the whole queue; at most $limit rows (null: all of them).
-- $limit: how many of the oldest items to return, or null for all
with waiting as (
    select item_id, source, title, summary, captured_at, place_reason, grade, grade_review, status
    from items
    where unit_code is null
      and status in ('pending', 'verifying')
),

final as (
    select *, count(*) over () as total_n
    from waiting
    order by captured_at, item_id
    limit $limit
)

select * from final
