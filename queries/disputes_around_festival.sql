-- Collective disputes by week relative to each Spring Festival (week 0 starts on festival day,
-- -1 is the 7 days before it), for the festivals in $festivals: wage-arrears disputes peak in
-- the weeks before the festival, and a calendar view smears that peak over January and
-- February. Not limited by the date window; only festivals whose weeks have begun by $now.
-- $units: reporting-unit codes to keep, or null for all
-- $industries: industry section codes to keep, or null for all
-- $festivals: Spring Festival dates (a list; up to six are read most narrowly)
-- $weeks_before: how many weeks before the festival to show
-- $weeks_after: how many weeks after the festival to show
-- $demand: keep only disputes with this demand code (e.g. 'wage_arrears'), or null for all
-- $now: the current time (timestamp, Asia/Shanghai)
with festivals as (
    select unnest($festivals::date[]) as festival_day
),

windows as (
    select
        festival_day,
        festival_day - to_days(7 * $weeks_before) as first_day,
        festival_day + to_days(7 * $weeks_after) as last_day
    from festivals
    where festival_day - to_days(7 * $weeks_before) <= $now::timestamp
),

disputes as (
    select captured_at
    from items
    where is_collective
      and ($units is null or list_contains($units, unit_code))
      and ($industries is null or list_contains($industries, industry))
      and ($demand is null or list_contains(demands, $demand))
      -- bounds from the parameters alone (not from `windows`), so that DuckDB pushes them into the
      -- Parquet scan and reads the festivals' weeks only (a third of the ledger's row groups):
      -- one range for each of the first five festivals in date order (a missing one is null,
      -- which keeps nothing) and one from the sixth, or the last if fewer, to the last, so a
      -- longer list loses nothing (a null at both ends folds away; a null at one end would stop
      -- the pushdown: 63 -> 115 ms on 10 million rows); the join keeps each festival's weeks exactly
      and (captured_at between list_min($festivals::date[]) - to_days(7 * $weeks_before)
                           and list_max($festivals::date[]) + to_days(7 * $weeks_after))
      and (captured_at between list_sort($festivals::date[])[1] - to_days(7 * $weeks_before) and list_sort($festivals::date[])[1] + to_days(7 * $weeks_after)
      or captured_at between list_sort($festivals::date[])[2] - to_days(7 * $weeks_before) and list_sort($festivals::date[])[2] + to_days(7 * $weeks_after)
      or captured_at between list_sort($festivals::date[])[3] - to_days(7 * $weeks_before) and list_sort($festivals::date[])[3] + to_days(7 * $weeks_after)
      or captured_at between list_sort($festivals::date[])[4] - to_days(7 * $weeks_before) and list_sort($festivals::date[])[4] + to_days(7 * $weeks_after)
      or captured_at between list_sort($festivals::date[])[5] - to_days(7 * $weeks_before) and list_sort($festivals::date[])[5] + to_days(7 * $weeks_after)
      or captured_at between coalesce(list_sort($festivals::date[])[6], list_max($festivals::date[])) - to_days(7 * $weeks_before) and list_max($festivals::date[]) + to_days(7 * $weeks_after))
),

final as (
    select
        year(w.festival_day) as festival_year,
        w.festival_day,
        floor(date_diff('day', w.festival_day, d.captured_at::date) / 7)::int as week_from_festival,
        count(*) as n
    from windows as w
    join disputes as d on d.captured_at >= w.first_day and d.captured_at < w.last_day
    group by all
    order by festival_year, week_from_festival
)

select * from final
