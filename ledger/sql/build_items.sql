-- Writes a snapshot's items table: the newest version of every item in the journal, sorted by
-- capture time so that DuckDB can skip row groups outside a date filter.
-- $item_files: the journal's item part files; later batches sort later (batch ids are timestamps)
-- $out: the Parquet file to write
copy (
    with versions as (
        select * from read_parquet($item_files, filename = true, union_by_name = true)
    ),

    newest as (
        select * exclude (filename)
        from versions
        qualify row_number() over (partition by item_id order by filename desc) = 1
    )

    select * from newest
    order by captured_at
) to $out (format parquet, compression zstd, row_group_size 122880)
