-- One run's exceptions, the most money at stake first, with the item's description.
select x.sku, r.description, x.exception, x.money_at_stake, x.rule, x.detail
from run_exceptions as x left join recommendations as r using (run_id, sku)
where x.run_id = $run_id
order by x.money_at_stake desc, x.sku, x.exception
