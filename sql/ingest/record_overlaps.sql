-- Which earlier loads already held the lines of this file that were not added again: unloading
-- one of them would take those lines away from this load too.
insert into load_overlaps
with staged as (
    select line_key from staged_order_lines
),

final as (
    select $load_id as load_id, o.load_id as earlier_load_id, count(*) as rows
    from order_lines as o
    where o.ordered_at >= $first_at and o.ordered_at < $last_at
      and o.load_id <> $load_id
      and o.line_key in (select line_key from staged)
    group by o.load_id
)

select * from final;
