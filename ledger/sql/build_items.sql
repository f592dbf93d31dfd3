-- Writes a snapshot's items table: the newest version of every item in the journal, with the
-- changes recorded since (verifications, corrections; ledger/changes.py) applied in the order
-- they were accepted. Open items (not closed) come first, then the closed ones; each part sorted
-- by capture time. DuckDB skips row groups by their min/max statistics: a date window skips old
-- row groups in both parts, and "still open at t" skips the closed part's row groups that all
-- closed before t (for the current view, every one of them), which is most of a ledger. LZ4
-- rather than zstd: scans measured 1.8 times faster at 10 million items, for files 1.5 times larger.
-- $item_files: the journal's item part files; later batches sort later (batch ids are timestamps)
-- $history_file: this snapshot's verifications table (one row per field changed, values as JSON)
-- $item_structure: the items schema as a json_transform structure, to cast changed values back
-- $out: the Parquet file to write
copy (
    with versions as (
        select * from read_parquet($item_files, filename = true, union_by_name = true)
    ),

    newest as (
        select * exclude (filename)
        from versions
        qualify row_number() over (partition by item_id order by filename desc) = 1
    ),

    latest_changes as (
        select item_id, field, after, recorded_at
        from read_parquet($history_file)
        qualify row_number() over (partition by item_id, field order by batch_id desc, seq desc) = 1
    ),

    patches as (
        select item_id, json_group_object(field, after::json) as patch, max(recorded_at) as recorded_at
        from latest_changes
        group by item_id
    ),

    -- A JSON merge patch sets each changed column (null clears it); the item is cast back to
    -- its schema, and updated_at becomes the time of its latest change.
    changed as (
        select unnest(json_transform(
            json_merge_patch(to_json(newest), patch, json_object('updated_at', greatest(newest.updated_at, patches.recorded_at))),
            $item_structure))
        from newest
        join patches using (item_id)
    ),

    unchanged as (
        select newest.*
        from newest
        anti join patches using (item_id)
    ),

    final as (
        select * from changed
        union all by name
        select * from unchanged
    )

    select * from final
    order by closed_at is not null, captured_at
) to $out (format parquet, compression lz4_raw, row_group_size 122880)
