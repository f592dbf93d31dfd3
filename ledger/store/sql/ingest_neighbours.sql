-- Items captured on the days around incoming rows, where the same dispute reported by another
-- platform would be: just what the near-duplicate test compares.
-- $items_file: the snapshot's items.parquet
-- $days: the calendar days to look at (each incoming row's day and a few either side)
select item_id, source, url, title, enterprise, captured_at, unit_code
from read_parquet($items_file)
where cast(captured_at as date) in (select unnest($days))
  and title is not null
  and enterprise is not null
