-- The last $periods periods of demand of the SKUs $skus in run $run_id (per-SKU charts).
select sku, period_start, qty from demand
where run_id = $run_id and sku in (select unnest($skus::varchar[]))
qualify row_number() over (partition by sku order by period_start desc) <= $periods
order by sku, period_start
