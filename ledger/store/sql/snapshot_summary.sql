-- One row of headline counts for a snapshot's manifest: items, collective disputes, reporting
-- units with items, and the first and last capture time.
-- $items_file: the snapshot's items.parquet
select
    count(*) as items_n,
    count(*) filter (where is_collective) as collective_n,
    count(distinct unit_code) as units_n,
    min(captured_at) as first_captured_at,
    max(captured_at) as last_captured_at
from read_parquet($items_file)
