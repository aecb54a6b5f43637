-- Run $run_id's forecast of the SKUs $skus, step by step (per-SKU charts).
select sku, period_start, mean, lower, upper from forecasts
where run_id = $run_id and sku in (select unnest($skus::varchar[]))
order by sku, step
