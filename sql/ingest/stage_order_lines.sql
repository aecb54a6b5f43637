-- Accepted order lines of one file (registered as staged_rows) with their identity key; the
-- replace and insert steps read this temp table. $repeats_are_sales: the file carries no order
-- ids, so identical lines are separate sales (three of one SKU on one day), not a repeat.
create or replace temp table staged_order_lines as
with staged as (
    select * from staged_rows
),

identified as (
    select
        -- the identity of a line, formatted explicitly so the key never depends on versions
        md5(concat_ws('|',
            coalesce(order_id, ''),
            sku,
            strftime(ordered_at, '%Y-%m-%dT%H:%M:%S'),
            printf('%.12g', quantity),
            coalesce(printf('%.12g', unit_price), ''),
            coalesce(customer_id, '')
        )) as identity,
        *
    from staged
),

numbered as (
    select
        row_number() over (partition by identity order by source_row) as occurrence,
        *
    from identified
),

final as (
    select
        -- the n-th of identical lines (n > 1) appends n to its key: the same n in any order of
        -- the rows, so a re-sent or re-sorted file adds nothing; the first keeps the plain
        -- identity, the key such lines had before they were counted
        case
            when $repeats_are_sales and occurrence > 1 then md5(identity || '#' || occurrence::varchar)
            else identity
        end as line_key,
        * exclude (identity, occurrence)
    from numbered
)

select * from final;
