-- One class row per SKU, every label from its fixed set.
with classes as (
    select *, count(*) over (partition by sku) as rows from sku_classes where run_id = $run_id
),
final as (
    select sku, abc, xyz, pattern, lifecycle, rows
    from classes
    where abc not in ('A', 'B', 'C') or xyz not in ('X', 'Y', 'Z')
       or pattern not in ('smooth', 'erratic', 'intermittent', 'lumpy', 'none')
       or lifecycle not in ('new', 'active', 'dead') or rows > 1
)
select * from final;
