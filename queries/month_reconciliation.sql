-- The month view of verification for the province: per unit, items captured in the month,
-- verified on time, verified late, and still unverified at the month's end (or now, if the month
-- is not over): the "100% verified" goal as one table. Units without items show zeros.
-- $since: first day of the month (date)
-- $until: last day of the month (date)
-- $now: the current time (timestamp, Asia/Shanghai)
with month_end as (
    select least($until::date + 1, $now::timestamp) as t
),

received as (
    select unit_code, verified_at, verify_due_at
    from items
    where captured_at >= $since::date and captured_at < $until::date + 1
),

counted as (
    select
        unit_code,
        count(*) as received_n,
        count(*) filter (where verified_at < month_end.t and verified_at <= verify_due_at) as on_time_n,
        count(*) filter (where verified_at < month_end.t and verified_at > verify_due_at) as late_n,
        count(*) filter (where verified_at is null or verified_at >= month_end.t) as open_n
    from received, month_end
    group by unit_code
),

final as (
    select
        u.unit_code,
        u.name_zh,
        u.name_en,
        coalesce(c.received_n, 0) as received_n,
        coalesce(c.on_time_n, 0) as on_time_n,
        coalesce(c.late_n, 0) as late_n,
        coalesce(c.open_n, 0) as open_n,
        round(100.0 * coalesce(c.on_time_n + c.late_n, 0) / nullif(c.received_n, 0), 1) as verified_pct
    from units_in_scope as u
    left join counted as c using (unit_code)
    order by u.unit_code
)

select * from final
