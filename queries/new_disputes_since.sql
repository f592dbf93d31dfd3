-- Collective disputes captured since a moment (e.g. today's, or the last hour's serious ones for
-- the wall screen's banner, or a brief's new serious disputes), most serious first, then newest,
-- with place and industry names; demands are codes (ledger.schema.DEMAND).
-- $since_time: the moment (timestamp, Asia/Shanghai); disputes captured at or after it
-- $now: the current time (timestamp, Asia/Shanghai); nothing captured later is shown
-- $grades: grade codes to keep, or null for all
-- $limit: how many to return
with recent as (
    select *
    from items
    where is_collective
      and captured_at >= $since_time and captured_at <= $now
      and ($grades is null or list_contains($grades, grade))
),

final as (
    select
        r.item_id,
        r.title,
        r.enterprise,
        r.unit_code,
        columns('_name_(zh|en)$'),
        r.grade,
        r.grade_review,
        r.participants_text,
        r.demands,
        r.status,
        r.captured_at,
        count(*) over () as total_n
    from recent as r
    left join unit_names as u on u.unit_code = r.unit_code
    left join county_names as c on c.county_code = r.county_code
    left join industry_names as i on i.industry = r.industry
    left join grades as g on g.grade = r.grade
    order by coalesce(g.severity_rank, 99), r.captured_at desc
    limit $limit
)

select * from final
