-- Staged order lines of one file; a line whose key is already in order_lines came in an
-- earlier file and is not added again. The key includes ordered_at to the second, so only lines
-- of the file's own seconds can repeat it: DuckDB then skips every row group outside them, and a
-- load costs the same whether the table holds a month or ten years.
insert into order_lines by name
with staged as (
    select * from staged_order_lines
),

span as (
    select
        date_trunc('second', min(ordered_at)) as first_at,
        date_trunc('second', max(ordered_at)) + interval 1 second as last_at
    from staged
),

final as (
    select line_key, load_id, source_row, order_id, sku, description, ordered_at,
           quantity, unit_price, customer_id, country
    from staged
    where not exists (
        select 1
        from order_lines as o
        where o.line_key = staged.line_key
          and o.ordered_at >= (select first_at from span)
          and o.ordered_at < (select last_at from span)
    )
)

select * from final;
