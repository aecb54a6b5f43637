-- Units and currency are finite and never negative; the levels nest: safety stock <= reorder
-- point <= order-up-to level (1e-6 units of rounding allowed).
with recs as (
    select * from recommendations where run_id = $run_id
),
final as (
    select sku, safety_stock, reorder_point, order_up_to, order_qty, reorder_qty, capital_tied_up
    from recs
    where not (isfinite(safety_stock) and isfinite(reorder_point) and isfinite(order_up_to)
               and isfinite(order_qty) and isfinite(reorder_qty) and isfinite(capital_tied_up))
       or least(safety_stock, order_qty, reorder_qty, capital_tied_up) < 0
       or safety_stock > reorder_point + 1e-6
       or reorder_point > order_up_to + 1e-6
)
select * from final;
