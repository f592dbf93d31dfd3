-- Writes the items that changes (verifications, corrections; ledger/changes.py) have touched, as
-- they stand after those changes, applied in the order they were accepted. A separate small step
-- so that build_items reads every item version in one scan: a union with the whole ledger on the
-- other side made DuckDB hold all ten million rows in memory while sorting, and fail at 3 GB.
-- $item_files: the journal's item part files; later batches sort later (batch ids are timestamps)
-- $history_file: this snapshot's verifications table (one row per field changed, values as JSON)
-- $new_batches: the change batches whose items to write (list; null: every changed item). An item
--   touched by one of them is written with all its changes, old and new.
-- $item_structure: the items schema as a json_transform structure, to cast changed values back
-- $out: the Parquet file to write
copy (
    with touched as (
        select distinct item_id
        from read_parquet($history_file)
        where $new_batches is null or list_contains($new_batches, batch_id)
    ),

    latest_changes as (
        select item_id, field, after, recorded_at
        from read_parquet($history_file)
        where item_id in (select item_id from touched)
        qualify row_number() over (partition by item_id, field order by batch_id desc, seq desc) = 1
    ),

    patches as (
        select item_id, json_group_object(field, after::json) as patch, max(recorded_at) as recorded_at
        from latest_changes
        group by item_id
    ),

    newest as (
        select * exclude (filename)
        from read_parquet($item_files, filename = true, union_by_name = true)
        where item_id in (select item_id from patches)
        qualify row_number() over (partition by item_id order by filename desc) = 1
    )

    -- A JSON merge patch sets each changed column (null clears it); the item is cast back to
    -- its schema, and updated_at becomes the time of its latest change.
    select unnest(json_transform(
        json_merge_patch(to_json(newest), patch, json_object('updated_at', greatest(newest.updated_at, patches.recorded_at))),
        $item_structure))
    from newest
    join patches using (item_id)
) to $out (format parquet)
