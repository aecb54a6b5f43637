-- Demand-bearing order lines with the order date fixed as a DATE once, here.
create or replace view stg_order_lines as
with lines as (
    select * from order_lines
),

final as (
    select
        sku,
        cast(ordered_at as date)            as order_date,
        quantity,                           -- units
        coalesce(unit_price, 0) * quantity  as revenue,  -- currency
        unit_price,                         -- currency per unit; null where the export has none
        order_id,
        description
    from lines
)

select * from final;
