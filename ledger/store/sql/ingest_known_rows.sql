-- Input rows that earlier ingests already took in (the snapshot's item_origins), and the item
-- each became or was merged into, so that ingesting the same rows again changes nothing.
-- $origins_file: the snapshot's item_origins.parquet
-- $keys: the incoming rows' keys (ledger.ingest.rows.row_key)
select distinct row_key, item_id
from read_parquet($origins_file)
where row_key in (select unnest($keys))
