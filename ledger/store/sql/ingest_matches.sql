-- Items of a snapshot that incoming rows name: by item id, or by URL (compared without case or
-- a trailing slash). Whole rows, so that an update can be compared column by column.
-- $items_file: the snapshot's items.parquet
-- $ids: item ids the incoming rows state, would have, or were merged into before
-- $urls: the incoming rows' URLs, lower case, without a trailing slash
select *
from read_parquet($items_file)
where item_id in (select unnest($ids))
   or lower(rtrim(url, '/')) in (select unnest($urls))
