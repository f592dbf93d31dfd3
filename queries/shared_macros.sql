-- Macros the panel queries share, created on every connection the query door opens, so that a
-- rule such as "an active dispute" is written once. Not a panel query itself.
-- as_of(now, until): the moment the figures are computed at: the earlier of now and the end of
--   the window's last day, so a past window shows the figures as they stood then.
-- active_disputes(since, until, now): the collective disputes active at as_of(now, until): not
--   closed by then, captured by then, and occurred, captured or updated within the window. Rows
--   of the scoped `items` view, plus `t` (that moment).
-- map_place(unit_code, county_code, place_precision, lon): how an item is placed on the map:
--   'point' (its own coordinates), 'town' or 'county' (drawn at that centroid), 'city' (only its
--   city is known: the city's ring marker, never a point, a county or a density cell) or
--   'unknown' (属地待定: no unit yet, not on the map).
create or replace macro as_of(now, until) as least(now::timestamp, until::timestamp + interval 1 day);

-- is_active_at(is_collective, captured_at, occurred_on, updated_at, closed_at, since, t): that
--   rule for one row at moment t, for a query that counts the disputes active at two moments in
--   one scan (the overview's now and a week before).
create or replace macro is_active_at(is_collective, captured_at, occurred_on, updated_at, closed_at, since, t) as
    is_collective
    and captured_at <= t
    and (closed_at is null or closed_at > t)
    and (captured_at >= since or occurred_on >= since or (updated_at >= since and updated_at <= t));

create or replace macro active_disputes(since, until, now) as table
    select items.*, as_of(now, until) as t
    from items
    where is_active_at(is_collective, captured_at, occurred_on, updated_at, closed_at, since, as_of(now, until));

-- is_verified_by(verified_at, result, t): the item was verified by t. A result whose time was not
--   given (核实时间不详: a result, no verified_at) counts as verified whatever t is, for the 100%
--   goal and the reconciliation; it is never on time nor late (verified_at <= verify_due_at is
--   null for it), and the figures show it apart (time_unknown).
-- time_unknown(verified_at, result): verified, its time not given (schema.verification_time_unknown).
create or replace macro is_verified_by(verified_at, result, t) as
    coalesce(verified_at <= t, result is not null);

create or replace macro time_unknown(verified_at, result) as
    verified_at is null and result is not null;

create or replace macro map_place(unit_code, county_code, place_precision, lon) as
    case
        when unit_code is null then 'unknown'
        when place_precision = 'point' and lon is not null then 'point'
        when county_code is not null and coalesce(place_precision, '') <> 'city'
            then if(length(county_code) = 9, 'town', 'county')
        else 'city'
    end;

-- unit_names, county_names, industry_names, sub_industry_names: each place and industry code with
--   its names in both languages under the names the pages read (unit_name_zh, unit_name_en, …),
--   so that a query names what it lists with one join each and one select line,
--   `columns('_name_(zh|en)$')`, instead of the same aliases written out in every file.
create or replace view unit_names as
    select unit_code, name_zh as unit_name_zh, name_en as unit_name_en from units;
create or replace view county_names as
    select county_code, name_zh as county_name_zh, name_en as county_name_en from counties;
create or replace view industry_names as
    select code as industry, name_zh as industry_name_zh, name_en as industry_name_en from industries;
create or replace view sub_industry_names as
    select code as sub_industry, name_zh as sub_industry_name_zh, name_en as sub_industry_name_en from industries;
