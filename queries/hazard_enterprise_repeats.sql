-- Repeat trouble at one enterprise: enterprises with at least two collective disputes captured
-- in the $days days before $until, with their counts, first and latest participants and grades,
-- so that a screen can flag repeats and escalation. Enterprise names are compared after removing
-- spaces and brackets (the same firm is written 有限公司/（有限公司） in different reports).
-- $until: consider items captured before this moment (timestamp)
-- $days: how many days back to look
with recent as (
    select
        regexp_replace(enterprise, '[\s()（）]', '', 'g') as firm,
        enterprise, item_id, unit_code, county_code, industry, captured_at, participants_high, grade
    from items
    where is_collective
      and enterprise is not null and length(enterprise) >= 4
      and captured_at < $until
      and captured_at >= $until - to_days($days)
)

select
    firm,
    any_value(enterprise) as enterprise,
    any_value(unit_code) as unit_code,
    any_value(county_code) as county_code,
    any_value(industry) as industry,
    count(*) as n,
    list(item_id order by captured_at) as item_ids,
    arg_min(participants_high, captured_at) as first_participants,
    arg_max(participants_high, captured_at) as latest_participants,
    arg_min(grade, captured_at) as first_grade,
    arg_max(grade, captured_at) as latest_grade
from recent
group by firm
having count(*) >= 2
order by n desc, firm
