-- Items by their ids (e.g. the disputes behind a hazard flag), newest first, with place and
-- industry names; only those the caller's scope may see.
-- $ids: the item ids (list of strings)
select
    i.item_id,
    i.captured_at,
    i.title,
    i.enterprise,
    i.grade,
    i.grade_review,
    i.participants_text,
    i.status,
    u.name_zh as unit_name_zh,
    u.name_en as unit_name_en,
    c.name_zh as county_name_zh,
    c.name_en as county_name_en,
    n.name_zh as industry_name_zh,
    n.name_en as industry_name_en
from items as i
left join units as u on u.unit_code = i.unit_code
left join counties as c on c.county_code = i.county_code
left join industries as n on n.code = i.industry
where list_contains($ids, i.item_id)
order by i.captured_at desc
