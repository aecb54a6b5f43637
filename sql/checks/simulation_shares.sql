-- Fill rates and service levels are shares; stock and costs are never negative (replay and curve).
with results as (
    select scenario as what, strategy, abc, fill_rate, cycle_service_level, period_service_level, avg_stock_value,
           total_cost
    from simulation_results where run_id = $run_id
    union all
    select 'exchange curve: ' || setting, policy, 'all', fill_rate, cycle_service_a, null, avg_stock_value, total_cost
    from exchange_curves where run_id = $run_id
),
final as (
    select * from results
    where not coalesce(fill_rate between 0 and 1, true)
       or not coalesce(cycle_service_level between 0 and 1, true)
       or not coalesce(period_service_level between 0 and 1, true)
       or avg_stock_value < 0 or total_cost < 0
)
select * from final;
