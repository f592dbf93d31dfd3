-- Items a reminder round may chase: not verified, with a deadline that is either within
-- $soon_hours from $now or already past (but not more than $lookback_days ago: older items are
-- for the monthly reconciliation, not for daily messages), most urgent first.
-- $now: the time of the round (timestamp, Asia/Shanghai)
-- $soon_hours: how many hours before the deadline the first reminder goes out
-- $lookback_days: how many days after the deadline an item is still chased
select
    item_id,
    coalesce(assigned_unit, unit_code) as unit_code,
    county_code,
    title,
    grade,
    verify_due_at
from items
where verified_at is null
  and status in ('pending', 'verifying')
  and verify_due_at <= $now::timestamp + to_hours($soon_hours::bigint)
  and verify_due_at >= $now::timestamp - to_days($lookback_days::bigint)
order by verify_due_at, item_id
