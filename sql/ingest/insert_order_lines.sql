-- Staged order lines of one file; a line whose key is already in order_lines came in an
-- earlier file and is not added again.
insert into order_lines by name
with staged as (
    select * from staged_order_lines
),

final as (
    select line_key, load_id, source_row, order_id, sku, description, ordered_at,
           quantity, unit_price, customer_id, country
    from staged
    where line_key not in (select line_key from order_lines)
)

select * from final;
