-- Writes a snapshot's item_origins table: for every input row that became or was merged into an
-- item, the file, sheet and row it came from, its original cells and the values that could not
-- be mapped onto the ledger's enums (ledger.schema.ORIGINS_SCHEMA), with the journal batch.
-- $origin_files: the origins.parquet side tables of the journal's items batches
-- $out: the Parquet file to write
copy (
    with origins as (
        select * exclude (filename), regexp_extract(filename, '([^/]+)/[^/]+$', 1) as batch_id
        from read_parquet($origin_files, filename = true)
    )

    select * from origins
    order by batch_id, file, sheet, row
) to $out (format parquet, compression zstd)
