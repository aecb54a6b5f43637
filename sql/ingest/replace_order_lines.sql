-- A corrected re-send: the latest file wins per (order_id, sku). Lines loaded earlier for an
-- order and SKU that this file sends again, but that no line of this file repeats exactly, are
-- to be replaced (moved to replaced_order_lines by warehouse.loads); identical lines stay (an
-- overlapping extract changes nothing). Lines without an order id cannot be matched and are
-- never replaced.
create or replace temp table replaced_keys as
with resent as (
    select distinct order_id, sku from staged_order_lines where order_id is not null
),

final as (
    select o.line_key
    from order_lines as o
    inner join resent as r on o.order_id = r.order_id and o.sku = r.sku
    where o.line_key not in (select line_key from staged_order_lines)
)

select line_key from final;
