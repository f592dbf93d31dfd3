-- The serious disputes the demo turns into staged events: collective, grade I or II, captured
-- before $before, newest first, with what the demo's report texts are written from.
-- $before: only disputes captured before this time
-- $limit: how many
select item_id, unit_code, county_code, captured_at, enterprise, participants_text, demands, action_forms
from items
where is_collective and grade in ('I', 'II') and captured_at < $before and enterprise is not null
order by captured_at desc, item_id
limit $limit
