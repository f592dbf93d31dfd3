-- What the hazard screen's cells leave out in the week it judges, so that the page can say it
-- rather than drop disputes silently: of the collective disputes in scope captured in the week,
-- how many have no county or town (the county hot-spot method, Gi*, cannot place them: items
-- known only to their city, and 属地待定), how many no industry (the unit × industry cells
-- cannot count them) and how many no unit at all (属地待定: no method counts them until the
-- province assigns them on 属地分派). Items are counted by capture time, as the screen counts them.
-- $week_start: the Monday of the week judged (timestamp, 00:00)
-- $week_end: the Monday after it (timestamp, 00:00)
select
    count(*) as total_n,
    count(*) filter (where county_code is null) as no_county_n,
    count(*) filter (where industry is null and unit_code is not null) as no_industry_n,
    count(*) filter (where unit_code is null) as no_unit_n
from items
where is_collective
  and captured_at >= $week_start
  and captured_at < $week_end
