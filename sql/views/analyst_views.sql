-- Stable views for analysts: always the latest *completed* run, so a failed or running
-- night never shows half its results.
create or replace view latest_run as
with completed as (
    select * from runs where status = 'completed'
),
final as (
    select * from completed order by ended_at desc, run_id desc limit 1
)
select * from final;

create or replace view latest_demand as
select d.* from demand as d join latest_run as r using (run_id);

create or replace view latest_forecasts as
select f.* from forecasts as f join latest_run as r using (run_id);

create or replace view latest_forecast_accuracy as
select a.* from forecast_accuracy as a join latest_run as r using (run_id);

create or replace view latest_forecast_lead_time as
select l.* from forecast_lead_time as l join latest_run as r using (run_id);

create or replace view latest_simulation as
select s.* from simulation_results as s join latest_run as r using (run_id);

-- the latest run's exchange curve: stock against fill, A-item cycle service, orders and cost
create or replace view exchange_curve as
select e.* from exchange_curves as e join latest_run as r using (run_id);

-- the latest run's policy choice: every candidate replayed, the chosen one first
create or replace view latest_policy_choice as
select c.* from policy_choice as c join latest_run as r using (run_id)
order by c.chosen desc, c.total_cost;


create or replace view latest_classes as
select c.* from sku_classes as c join latest_run as r using (run_id);

create or replace view latest_recommendations as
select x.* from recommendations as x join latest_run as r using (run_id);

create or replace view reorder_now as
with recs as (
    select * from latest_recommendations where reorder_now
),
final as (
    select run_id, sku, description, supplier, urgency, order_by, days_until_stockout, policy, on_hand, on_order,
           inventory_position, reorder_point, reorder_qty, reorder_value, unit_cost, lead_time_days, reason,
           exceptions
    from recs
    -- what purchasing acts on first: overdue, then due today; then the largest orders
    order by case urgency when 'overdue' then 0 when 'today' then 1 else 2 end, reorder_value desc, sku
)
select * from final;

create or replace view abc_xyz_matrix_by_run as
with classes as (
    select * from sku_classes
),
totals as (
    select run_id, sum(annual_qty) as qty, sum(annual_value) as value from classes group by run_id
),
final as (
    select
        c.run_id, c.abc, c.xyz,
        count(*)                                   as skus,
        sum(c.annual_qty) / nullif(t.qty, 0)       as share_of_volume,
        sum(c.annual_value) / nullif(t.value, 0)   as share_of_value
    from classes as c join totals as t using (run_id)
    group by c.run_id, c.abc, c.xyz, t.qty, t.value
    order by c.run_id, c.abc, c.xyz
)
select * from final;

create or replace view abc_xyz_matrix as
select m.abc, m.xyz, m.skus, m.share_of_volume, m.share_of_value
from abc_xyz_matrix_by_run as m join latest_run as r using (run_id)
order by m.abc, m.xyz;

create or replace view load_report as
with rules as (
    select load_id, string_agg(rule || '=' || rows, ', ' order by rule) as rejected_by_rule
    from load_rule_counts group by load_id
),
final as (
    select l.*, r.rejected_by_rule
    from load_log as l left join rules as r using (load_id)
    order by l.load_id
)
select * from final;

create or replace view abc_summary as
with classes as (
    select * from latest_classes
),
totals as (
    select count(*) as skus, sum(basis_amount) as amount, sum(annual_value) as value from classes
),
final as (
    select
        c.abc,
        any_value(c.abc_basis)                      as abc_basis,
        count(*)                                    as skus,
        count(*) / any_value(t.skus)                as share_of_skus,
        sum(c.basis_amount) / nullif(any_value(t.amount), 0) as share_of_basis,
        sum(c.annual_value) / nullif(any_value(t.value), 0)  as share_of_value,
        count(*) filter (where c.value_source = 'price')     as valued_at_price
    from classes as c, totals as t
    group by c.abc
    order by c.abc
)
select * from final;

-- Items whose ABC, XYZ, pattern or lifecycle differs from the previous completed run, and why.
create or replace view class_changes as
with completed as (
    select run_id, row_number() over (order by ended_at desc, run_id desc) as n
    from runs where status = 'completed'
),
cur as (
    select c.* from sku_classes as c join completed as r using (run_id) where r.n = 1
),
prev as (
    select c.* from sku_classes as c join completed as r using (run_id) where r.n = 2
),
paired as (
    select
        coalesce(cur.sku, prev.sku)                 as sku,
        (select run_id from completed where n = 1)  as run_id,
        (select run_id from completed where n = 2)  as previous_run_id,
        prev.abc as abc_from, cur.abc as abc_to,
        prev.xyz as xyz_from, cur.xyz as xyz_to,
        prev.pattern as pattern_from, cur.pattern as pattern_to,
        prev.lifecycle as lifecycle_from, cur.lifecycle as lifecycle_to,
        case
            when prev.sku is null then 'first classified in this run'
            when cur.sku is null then 'no longer in the demand history'
            else concat_ws('; ',
                case when prev.abc <> cur.abc then printf('%s -> %s: %s %.2f -> %.2f, cumulative share %.1f%% -> %.1f%%',
                    prev.abc, cur.abc, cur.abc_basis, prev.basis_amount, cur.basis_amount,
                    100 * prev.cum_share, 100 * cur.cum_share) end,
                case when prev.xyz <> cur.xyz then printf('%s -> %s: CV %.2f -> %.2f',
                    prev.xyz, cur.xyz, coalesce(prev.cv, 'nan'::double), coalesce(cur.cv, 'nan'::double)) end,
                case when prev.pattern <> cur.pattern then printf('%s -> %s: ADI %.2f -> %.2f, CV² %.2f -> %.2f',
                    prev.pattern, cur.pattern, coalesce(prev.adi, 'nan'::double), coalesce(cur.adi, 'nan'::double),
                    coalesce(prev.cv2, 'nan'::double), coalesce(cur.cv2, 'nan'::double)) end,
                case when prev.lifecycle <> cur.lifecycle then printf('%s -> %s: %d periods since the last demand',
                    prev.lifecycle, cur.lifecycle, cur.periods_since_demand) end)
        end as why
    from cur full outer join prev on cur.sku = prev.sku
),
final as (
    select * from paired
    where previous_run_id is not null  -- the first run changes nothing: there is nothing before it
      and (abc_from is distinct from abc_to or xyz_from is distinct from xyz_to
       or pattern_from is distinct from pattern_to or lifecycle_from is distinct from lifecycle_to)
    order by sku
)
select * from final;

-- the latest run's exceptions, largest money at stake first
create or replace view exceptions as
with found as (
    select x.* from run_exceptions as x join latest_run as r using (run_id)
),
final as (
    select f.run_id, f.sku, c.description, f.exception, f.rule, f.money_at_stake, f.detail
    from found as f left join latest_recommendations as c using (sku)
    order by f.money_at_stake desc, f.sku
)
select * from final;

-- items whose policy differs from the previous completed run, with the reason for the new one
create or replace view policy_changes as
with completed as (
    select run_id, row_number() over (order by ended_at desc, run_id desc) as n
    from runs where status = 'completed'
),
cur as (
    select x.* from recommendations as x join completed as r using (run_id) where r.n = 1
),
prev as (
    select x.* from recommendations as x join completed as r using (run_id) where r.n = 2
),
final as (
    select cur.run_id, prev.run_id as previous_run_id, cur.sku, cur.description,
           prev.policy as policy_from, cur.policy as policy_to, cur.decided_by,
           cur.capital_tied_up - prev.capital_tied_up as capital_change,  -- currency
           cur.expected_cost_jic, cur.expected_cost_jit, cur.reason
    from cur join prev using (sku)
    where cur.policy <> prev.policy
    order by abs(cur.capital_tied_up - prev.capital_tied_up) desc, cur.sku
)
select * from final;

-- each completed run's forecast beside what then happened (the latest demand), and the latest
-- run's backtests: how good the forecasts the buffers were read off have been
create or replace view forecast_vs_actual as
with runs_forecast as (
    select f.run_id, f.sku, f.period_start, f.step, f.model, f.mean as forecast, f.lower, f.upper, 'run' as kind
    from forecasts as f join runs as r using (run_id)
    where r.status = 'completed'
),
backtests as (
    select b.run_id, b.sku, b.period_start, b.step, null as model, b.forecast, null as lower, null as upper,
           'backtest from ' || strftime(b.origin, '%Y-%m-%d') as kind
    from forecast_backtests as b join latest_run as r using (run_id)
),
joined as (
    select u.*, d.qty as actual
    from (select * from runs_forecast union all select * from backtests) as u
    join latest_demand as d on d.sku = u.sku and d.period_start = u.period_start
),
final as (
    select run_id, kind, sku, period_start, step, model, forecast, lower, upper, actual,
           forecast - actual as error,  -- units: > 0 over-forecast
           actual between lower and upper as inside_band
    from joined
)
select * from final;
