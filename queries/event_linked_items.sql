-- The ledger items a staged event report wants to link (ledger/workflow/events.py checks they exist and
-- belong to a unit the reporter may report for), with what the event takes from them: the unit,
-- when they were captured (the first report is due a set time after the earliest) and where.
-- $ids: the item ids (list of strings)
select item_id, unit_code, captured_at, lon, lat
from items
where list_contains($ids, item_id)
order by captured_at, item_id
