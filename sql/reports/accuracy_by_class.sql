-- The forecast accuracy of one run per ABC class and over all SKUs: the median RMSSE and WAPE
-- of each SKU's selected model in the backtest (the report's accuracy table).
with chosen as (
    select a.sku, a.rmsse, a.wape, c.abc
    from forecast_accuracy as a join sku_classes as c using (run_id, sku)
    where a.run_id = $run_id and a.selected
),
by_class as (
    select abc, count(*) as skus, median(rmsse) as rmsse, median(wape) as wape from chosen group by abc
),
overall as (
    select 'all' as abc, count(*) as skus, median(rmsse) as rmsse, median(wape) as wape from chosen
)
select * from (select * from by_class order by abc) union all select * from overall
