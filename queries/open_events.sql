-- Staged events (事件跟踪), one row each: every open event, and those closed since $closed_since,
-- with the title, unit, stage reached, first and last report times, when the next report is due
-- and whether it is late at $now, whether the first report itself came late, how many ledger
-- items are linked and where the event is. Late ones first, then the most recently reported.
-- $now: the moment the events are seen at: reports filed after it are not yet known (a brief for a
--   past day shows the stage each event had then), and lateness is judged at it (the page's clock)
-- $followup_hours: hours allowed from one report to the next ([events] followup_hours)
-- $first_report_hours: hours allowed from the capture of the earliest item the first report linked
--   to the first report (an older item linked later does not make the first report late)
-- $closed_since: also list events closed at or after this time (null: open events only)
-- $units: reporting-unit codes to keep (list; null: every unit in scope)
with known as (
    select * from event_reports where reported_at <= $now
),

per_event as (
    select
        event_id,
        any_value(unit_code) as unit_code,
        arg_max(title, seq) filter (where title is not null) as title,
        arg_max(stage, seq) as stage,
        count(*) as reports_n,
        min(reported_at) as first_reported_at,
        max(reported_at) as last_reported_at,
        max(reported_at) filter (where stage = 'closing') as closed_at,
        arg_max(lon, seq) filter (where lon is not null) as lon,
        arg_max(lat, seq) filter (where lat is not null) as lat,
        arg_max(participants, seq) filter (where participants is not null) as participants
    from known
    group by event_id
),

links as (
    select event_id, seq, unnest(item_ids) as item_id
    from known
),

linked as (
    select
        l.event_id,
        count(distinct l.item_id) as items_n,
        min(i.captured_at) filter (where l.seq = 1) as first_captured_at
    from links as l
    left join items as i on i.item_id = l.item_id
    group by l.event_id
),

dues as (
    select
        e.*,
        coalesce(l.items_n, 0) as items_n,
        l.first_captured_at + to_hours($first_report_hours) as first_due_at,
        case when e.closed_at is null then e.last_reported_at + to_hours($followup_hours) end as next_due_at
    from per_event as e
    left join linked as l on l.event_id = e.event_id
),

final as (
    select
        d.event_id,
        d.title,
        d.unit_code,
        columns('_name_(zh|en)$'),
        d.stage,
        d.reports_n,
        d.first_reported_at,
        d.last_reported_at,
        d.closed_at is not null as closed,
        d.closed_at,
        d.next_due_at,
        coalesce($now > d.next_due_at, false) as overdue,
        case when $now > d.next_due_at then date_diff('minute', d.next_due_at, $now) / 60.0 end as overdue_hours,
        d.first_due_at,
        coalesce(d.first_reported_at > d.first_due_at, false) as first_late,
        d.items_n,
        d.participants,
        d.lon,
        d.lat
    from dues as d
    left join unit_names as u on u.unit_code = d.unit_code
    where (d.closed_at is null or d.closed_at >= $closed_since)
      and ($units is null or list_contains($units, d.unit_code))
)

select * from final
order by closed, overdue desc, last_reported_at desc, event_id
