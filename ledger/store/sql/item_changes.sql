-- The changes to one item in the given journal change files (ledger/changes.py), in the order
-- they were accepted: who recorded each, when, and the new values as a JSON object.
-- $files: "verifications" part files, oldest batch first
-- $item_id: the item
select recorded_by, recorded_at, after
from read_parquet($files, filename = true)
where item_id = $item_id
order by filename, seq
