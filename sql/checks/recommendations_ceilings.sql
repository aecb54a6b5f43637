-- No order, level or value beyond the configured ceilings ([limits]): an absurd input that got
-- past the limits at the door (a billion-unit order, a cost of 1e300) is not published.
with recs as (
    select * from recommendations where run_id = $run_id
),

final as (
    select sku, order_qty, reorder_qty, reorder_point, order_up_to, reorder_value, capital_tied_up, unit_cost,
           lead_time_days
    from recs
    where greatest(order_qty, reorder_qty, reorder_point, order_up_to, safety_stock) > $max_order_units
       or greatest(reorder_value, capital_tied_up) > $max_order_value
       or unit_cost > $max_unit_cost
       or lead_time_days > $max_lead_time_days
)

select * from final;
