-- Policies, deciders and classes come from fixed sets; a JIC item carries its service target.
with recs as (
    select * from recommendations where run_id = $run_id
),
final as (
    select sku, policy, decided_by, abc, service_level
    from recs
    where policy not in ('JIC', 'JIT', 'PHASE_OUT')
       or decided_by not in ('class', 'cost', 'replay', 'lifecycle', 'item master')
       or abc not in ('A', 'B', 'C')
       or (policy = 'JIC' and not coalesce(service_level between 0.5 and 0.9999, false))
)
select * from final;
