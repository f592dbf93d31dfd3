-- Writes a snapshot's items table: the newest version of every item in the journal. Open items
-- (not closed) come first, then the closed ones; each part sorted by capture time. DuckDB skips
-- row groups by their min/max statistics: a date window skips old row groups in both parts, and
-- "still open at t" skips the closed part's row groups that all closed before t (for the current
-- view, every one of them), which is most of a ledger. LZ4 rather than zstd: scans measured
-- 1.8 times faster at 10 million items, for files 1.5 times larger.
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
    order by closed_at is not null, captured_at
) to $out (format parquet, compression lz4_raw, row_group_size 122880)
