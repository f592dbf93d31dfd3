-- Writes a snapshot's verifications table: every change recorded for an item (ledger/changes.py),
-- one row per column changed, with its value before and after as JSON text, who recorded it,
-- when, and the journal batch it came in, in the order the changes were accepted.
-- $change_files: the journal's "verifications" part files (batch folder names sort in acceptance order)
-- $out: the Parquet file to write
copy (
    with changes as (
        select *, regexp_extract(filename, '([^/]+)/[^/]+$', 1) as batch_id
        from read_parquet($change_files, filename = true)
    ),

    fields as (
        select *, unnest(json_keys(after)) as field
        from changes
    ),

    final as (
        select
            item_id,
            field,
            json_extract(before, '$.' || field)::varchar as before,
            json_extract(after, '$.' || field)::varchar as after,
            recorded_at,
            recorded_by,
            note,
            batch_id,
            seq
        from fields
    )

    select * from final
    order by batch_id, seq, field
) to $out (format parquet, compression zstd)
