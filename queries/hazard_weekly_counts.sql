-- Weekly counts of collective disputes per screening cell, for the hazard screen: a cell is a
-- reporting unit and industry section ('440300|C') or a county or town ('440306'; items without
-- a county count at their unit). Weeks are ISO weeks (Monday dates), by capture time, because
-- that is when a dispute becomes known; only items captured before $until are counted, so a
-- replay of a past week cannot see later data. The ids of the items behind recent counts
-- (captured from $recent_from) come along as evidence. `weighted` weighs each dispute by its size,
-- 1 + log10(workers / 100) between 1 (a hundred workers or fewer, or not known) and 3 (ten
-- thousand or more), workers being the lower participant count, else the least of its grade.
-- $until: count items captured before this moment (timestamp)
-- $recent_from: keep item ids for items captured from this moment (timestamp)
-- $level: 'unit_industry' or 'county'
select
    case when $level = 'county' then coalesce(county_code, unit_code)
         else unit_code || '|' || coalesce(industry, '?') end as cell,
    date_trunc('week', captured_at)::date as week,
    count(*) as n,
    sum(least(3, greatest(1, 1 + log10(greatest(coalesce(i.participants_low, g.min_participants, 1), 1) / 100.0))))
        as weighted,
    list(item_id order by captured_at) filter (where captured_at >= $recent_from) as item_ids
from items as i
left join grades as g on g.grade = i.grade
where is_collective and captured_at < $until
group by all
order by cell, week
