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

create or replace view latest_classes as
select c.* from sku_classes as c join latest_run as r using (run_id);

create or replace view latest_recommendations as
select x.* from recommendations as x join latest_run as r using (run_id);

create or replace view reorder_now as
with recs as (
    select * from latest_recommendations where reorder_now
),
final as (
    select run_id, sku, description, policy, on_hand, on_order, inventory_position,
           reorder_point, reorder_qty, reorder_value, unit_cost, lead_time_days, reason
    from recs
    order by reorder_value desc, sku
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
