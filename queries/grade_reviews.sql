-- Grades waiting for the province's confirmation (等级确认), and those sent back to their unit
-- since $since: one row per item in scope with its place, grade, size, who set the grade and the
-- review so far. Pending first (oldest first: the longest wait on top), then the sent-back ones.
-- $since: also list grades sent back at or after this time (timestamp)
-- $now: the current time (timestamp, Asia/Shanghai); items captured later are not shown
with reviewed as (
    select *
    from items
    where captured_at <= $now
      and (grade_review = 'pending'
           or (grade_review = 'rejected' and grade_reviewed_at >= $since))
),

final as (
    select
        r.item_id,
        r.title,
        r.unit_code,
        columns('_name_(zh|en)$'),
        r.grade,
        r.participants_text,
        r.participants_high,
        r.captured_at,
        r.verified_by,
        r.grade_review,
        r.grade_review_note,
        r.grade_reviewed_by,
        r.grade_reviewed_at,
        round(date_diff('minute', r.captured_at, $now::timestamp) / 1440.0, 1) as waiting_days
    from reviewed as r
    left join unit_names as u on u.unit_code = r.unit_code
    order by r.grade_review = 'rejected', r.captured_at, r.item_id
)

select * from final
