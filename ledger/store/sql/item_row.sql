-- One item's rows in the given items files (a snapshot's items table, or journal item batches
-- newer than it), in file order: the last row is the newest version.
-- $files: items Parquet files, oldest first
-- $item_id: the item
select * exclude (filename)
from read_parquet($files, filename = true, union_by_name = true)
where item_id = $item_id
order by filename
