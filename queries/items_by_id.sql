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
    columns('_name_(zh|en)$')
from items as i
left join unit_names as u on u.unit_code = i.unit_code
left join county_names as c on c.county_code = i.county_code
left join industry_names as n on n.industry = i.industry
where list_contains($ids, i.item_id)
order by i.captured_at desc
