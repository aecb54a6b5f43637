-- Staged order lines of one file; a line whose key is already in order_lines came in an
-- earlier file and is not added again. The key includes ordered_at to the second, so only lines
-- in the file's own span of seconds [$first_at, $last_at) can repeat it: DuckDB then skips every
-- row group outside it, and a load costs the same whether the table holds a month or ten years.
insert into order_lines by name
with staged as (
    select * from staged_order_lines
),

existing as (
    select line_key
    from order_lines
    where ordered_at >= $first_at and ordered_at < $last_at
),

final as (
    select line_key, load_id, source_row, order_id, sku, description, ordered_at,
           quantity, unit_price, customer_id, country
    from staged
    where line_key not in (select line_key from existing)
)

select * from final;
