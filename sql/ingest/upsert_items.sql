-- A newer item master replaces the rows of the SKUs it names; other SKUs keep theirs.
insert or replace into items by name
with final as (
    select sku, description, unit_cost, supplier, lead_time_days, lead_time_std_days,
           moq, pack_size, order_cost, holding_rate, on_time_rate,
           policy_override, target_service_level, obsolescence_rate, backorder_share,
           review_period_days, max_wait_days, shortage_cost, load_id
    from staged_rows
)
select * from final;
