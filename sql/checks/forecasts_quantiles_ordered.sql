-- Quantiles are non-negative and never cross, per period and over every lead time; one row per
-- SKU and step (1e-9 units of rounding allowed).
with per_period as (
    select sku, step as periods, q50, q80, q90, q95, q99, count(*) over (partition by sku, step) as rows
    from forecasts where run_id = $run_id
),
lead_time as (
    select sku, periods, q50, q80, q90, q95, q99, count(*) over (partition by sku, periods) as rows
    from forecast_lead_time where run_id = $run_id
),
both_kinds as (
    select 'per period' as kind, * from per_period
    union all
    select 'lead time' as kind, * from lead_time
),
final as (
    select kind, sku, periods, q50, q80, q90, q95, q99, rows
    from both_kinds
    where q50 < 0 or q50 > q80 + 1e-9 or q80 > q90 + 1e-9 or q90 > q95 + 1e-9 or q95 > q99 + 1e-9 or rows > 1
)
select * from final;
