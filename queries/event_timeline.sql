-- One event's stage reports, oldest first: stage, when, by whom, the facts, and kept apart from
-- them the causes (原因, reported with care), the handling and the lessons (案例剖析); the items
-- each report linked; when a follow-up or closing report was due and whether it came late.
-- Empty for an event outside the caller's scope.
-- $event_id: the event
-- $followup_hours: hours allowed from one report to the next ([events] followup_hours)
with reports as (
    select
        *,
        lag(reported_at) over (order by seq) + to_hours($followup_hours) as due_at
    from event_reports
    where event_id = $event_id
),

final as (
    select
        event_id,
        seq,
        stage,
        reported_at,
        reported_by,
        unit_code,
        title,
        facts,
        causes,
        handling,
        lessons,
        item_ids,
        participants,
        lon,
        lat,
        due_at,
        coalesce(reported_at > due_at, false) as late
    from reports
)

select * from final
order by seq
