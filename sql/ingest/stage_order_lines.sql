-- Accepted order lines of one file (registered as staged_rows) with their identity key; the
-- replace and insert steps read this temp table.
create or replace temp table staged_order_lines as
with staged as (
    select * from staged_rows
),

final as (
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
)

select * from final;
