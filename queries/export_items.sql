-- The items of a snapshot to export, oldest first: captured between two days (inclusive) in the
-- given reporting units. A null parameter leaves that side open.
-- $since: first day, or null
-- $until: last day, or null
-- $units: reporting-unit codes, or null for all units
select *
from items
where ($since is null or captured_at >= cast($since as date))
  and ($until is null or captured_at < cast($until as date) + interval 1 day)
  and ($units is null or list_contains(cast($units as varchar[]), unit_code))
order by captured_at, item_id
