-- A run recommends each SKU once: a repeat would double its capital and its reorder line.
with rows_per_sku as (
    select sku, count(*) as rows from recommendations where run_id = $run_id group by sku
),
final as (
    select sku, rows from rows_per_sku where rows > 1
)
select * from final;
