-- Writes a snapshot's items table from the previous snapshot's, when the journal has received
-- only changes since (a verification saved, say): the previous items, in their order, less those
-- the new changes touched, which come from $changed_file instead. No window and no sort, so at ten
-- million items this takes a third of the time of build_items.sql, which a full build runs.
-- $previous_items: the previous snapshot's items file
-- $changed_file: the items the new changes touched, as they stand now (build_changed_items.sql)
-- $out: the Parquet file to write
copy (
    select * exclude (filename)
    from read_parquet([$changed_file, $previous_items], filename = true, union_by_name = true)
    where filename = $changed_file
       or item_id not in (select item_id from read_parquet($changed_file))
) to $out (format parquet, compression lz4_raw, row_group_size 122880)
