-- Items waiting to be assigned: not yet given to a unit, still open. Ingest assigns what it
-- brings in; this catches the rest (e.g. items journalled by other tools) for `ledger assign`.
-- Items whose place is to be determined (属地待定, no unit) wait for the province instead.
select item_id, unit_code, grade, source
from items
where assigned_at is null
  and unit_code is not null
  and status in ('pending', 'verifying')
order by captured_at, item_id
