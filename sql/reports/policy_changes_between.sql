-- The items whose policy changed from run $previous to run $run_id, the largest capital change
-- first (the policy_changes view shows the latest run only; a report written again later needs
-- its own run's).
select cur.sku, cur.description, prev.policy as policy_from, cur.policy as policy_to, cur.decided_by,
       cur.capital_tied_up - prev.capital_tied_up as capital_change,
       cur.expected_cost_jic, cur.expected_cost_jit, cur.reason
from recommendations as cur join recommendations as prev using (sku)
where cur.run_id = $run_id and prev.run_id = $previous and cur.policy <> prev.policy
order by abs(cur.capital_tied_up - prev.capital_tied_up) desc, cur.sku
