-- The facts the year-end assessment (考核排名) scores, one row per item of the reporting units
-- caller's scope whose verification deadline fell between $since and $until (inclusive days) and had
-- passed by $as_of (a deadline still ahead is nobody's failure yet).
-- timeliness: on_time, late, time_unknown (verified with no time given, 核实时间不详: scored by the
-- rule [timeliness] time_unknown of scoring.toml) or unverified; hours_late: from the deadline to
-- the verification (late items only); has_record: verified as 属实 or 部分属实, so there is a dispute to describe;
-- has_*: whether each field of the verified record is filled; is_proactive: reported by the unit
-- before the monitoring platforms (the proactive flag, or the source 信息员主动报送).
-- $since: first day of the period (date)
-- $until: last day of the period (date, inclusive)
-- $as_of: when the snapshot was built (timestamp, Asia/Shanghai)
with due as (
    select *
    from items
    where verify_due_at >= cast($since as date)
      and verify_due_at < cast($until as date) + interval 1 day
      and verify_due_at <= cast($as_of as timestamp)
),

final as (
    select
        unit_code,
        item_id,
        verify_due_at,
        verified_at,
        case
            when time_unknown(verified_at, verification_result) then 'time_unknown'
            when verified_at is null then 'unverified'
            when verified_at <= verify_due_at then 'on_time'
            else 'late'
        end as timeliness,
        case when verified_at > verify_due_at
            then date_diff('second', verify_due_at, verified_at) / 3600.0
        end as hours_late,
        coalesce(verification_result in ('true', 'partly'), false) as has_record,
        is_collective,
        coalesce(trim(enterprise), '') <> '' as has_enterprise,
        ownership is not null as has_ownership,
        union_present is not null as has_union_present,
        participants_low is not null or coalesce(trim(participants_text), '') <> '' as has_participants,
        grade is not null as has_grade,
        proactive or source = 'proactive' as is_proactive
    from due
    order by unit_code, item_id
)

select * from final
