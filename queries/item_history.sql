-- The recorded changes to one item (verifications, corrections, updates from city spreadsheets),
-- oldest first: which column changed, from what to what, who recorded it and when. Only for an
-- item in the caller's scope.
-- $item_id: the item
select
    recorded_at,
    field,
    json_extract_string(before, '$') as before,
    json_extract_string(after, '$') as after,
    recorded_by,
    note
from verifications
where item_id = $item_id
order by recorded_at, batch_id, seq
