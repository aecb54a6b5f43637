-- Accepted order lines of one file (registered as staged_rows); a line whose key is already in
-- order_lines came in an earlier file and is not added again.
insert into order_lines by name
with staged as (
    select * from staged_rows
),

keyed as (
    select
        -- the identity of a line, formatted explicitly so the key never depends on versions
        md5(concat_ws('|',
            coalesce(order_id, ''),
            sku,
            strftime(ordered_at, '%Y-%m-%dT%H:%M:%S'),
            printf('%.12g', quantity),
            coalesce(printf('%.12g', unit_price), ''),
            coalesce(customer_id, '')
        )) as line_key,
        *
    from staged
),

final as (
    select line_key, load_id, source_row, order_id, sku, description, ordered_at,
           quantity, unit_price, customer_id, country
    from keyed
    where line_key not in (select line_key from order_lines)
)

select * from final;
