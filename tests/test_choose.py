"""The catalogue's policy chosen by backtest: the cheapest candidate on the replay, last night's
kept within the margin, and the parameters the nightly run plans with the ones replayed."""

from dataclasses import replace

import numpy as np
import pytest
from jitjic.policy import PolicyParams
from jitjic.replay import (
    RECOMMENDED,
    applied_params,
    candidates,
    choose_policy,
    policy_row,
    prepare_replay,
    replay_run,
    told_choice,
)

from tests.factories import policy_inputs
from tests.test_judge import _catalogue

LEVELS = (0.7, 0.9)


@pytest.fixture(scope="module")
def rp():
    demand, items = _catalogue(seed=5)
    return prepare_replay(demand, items, PolicyParams(), weeks=10, horizon=4)


@pytest.fixture(scope="module")
def choice(rp):
    return choose_policy(rp, levels=LEVELS, margin=0.0)


def test_every_candidate_is_replayed_and_the_cheapest_chosen(rp, choice):
    table = choice.table.set_index("candidate")
    assert set(table.index) == set(candidates(rp.params, LEVELS))
    # the recommendation, JIT everywhere, two uniform levels and the class rule's nine variants
    assert len(table) == 2 + len(LEVELS) + 9
    assert table["chosen"].sum() == 1 and table.loc[choice.chosen, "chosen"]
    assert table.loc[choice.chosen, "total_cost"] == table["total_cost"].min()
    # each row is that candidate's own replay (the figures are not shared between rows)
    jit = policy_row(replay_run(rp, candidates(rp.params, LEVELS)["JIT everywhere"]).per_sku, rp, "default", "x")
    assert table.loc["JIT everywhere", "total_cost"] == pytest.approx(jit["total_cost"])
    assert table.loc["JIT everywhere", "avg_stock_value"] < table.loc["JIC everywhere 90%", "avg_stock_value"]
    assert choice.chosen in choice.why and "/yr" in choice.why


def test_last_nights_choice_stays_unless_another_is_clearly_cheaper(rp, choice):
    cost = choice.table.set_index("candidate")["total_cost"]
    runner_up = cost[cost > cost[choice.chosen]].idxmin()
    saving = 1 - cost[choice.chosen] / cost[runner_up]  # what switching would save, a share
    kept = choose_policy(rp, previous=runner_up, margin=saving * 1.01, levels=LEVELS)
    assert kept.chosen == runner_up and "kept from the last run" in kept.why
    assert kept.table.set_index("candidate").loc[runner_up, ["chosen", "previous"]].all()
    switched = choose_policy(rp, previous=runner_up, margin=saving * 0.99, levels=LEVELS)
    assert switched.chosen == choice.chosen
    # a previous choice no longer among the candidates (the levels changed) is simply not kept
    assert choose_policy(rp, previous="JIC everywhere 42%", margin=1.0, levels=LEVELS).chosen == choice.chosen


RULE_A = "class rule JIC A, shortfall x0.5"


@pytest.mark.parametrize("name", ["JIT everywhere", "JIC everywhere 70%", RULE_A, RECOMMENDED])
def test_the_nightly_run_plans_with_the_parameters_replayed(name):
    p = PolicyParams()
    replayed = candidates(p, LEVELS)[name]
    applied = applied_params(p, name, LEVELS)
    # exactly what was replayed, an item master's overrides included (the buyer's word wins alike)
    assert applied == replayed and applied.item_policies
    assert applied_params(replace(p, item_policies=False), name, LEVELS).item_policies is False
    if name == RULE_A:
        assert applied.jic_classes == ("A",) and applied.decide_by == "class"
        assert applied.service_level["A"] == pytest.approx(0.975)
    # a name from another candidate set: none (the nightly run plans with the recommendation)
    assert applied_params(p, "JIC everywhere 42%", LEVELS) is None


def test_the_choice_judged_out_of_sample_uses_the_same_procedure(rp):
    from jitjic.replay import tuned_out_of_sample

    out = tuned_out_of_sample(rp, levels=LEVELS)
    first = rp.periods(0, 5)
    assert out["chosen"] == choose_policy(first, levels=LEVELS).chosen
    rows = list(out["rows"].values())
    assert rows[3]["total_cost"] <= rows[0]["total_cost"] + 1e-6
    assert np.isfinite([r["total_cost"] for r in rows]).all()


def test_the_plan_and_its_reasons_follow_the_choice():
    """Planned with JIT everywhere: the popular mug goes JIT, its reason says why; the dead lamp's
    reason is the lifecycle's alone. Under the recommendation nothing is added."""
    from jitjic.policy import recommend

    classes, *rest = policy_inputs()
    inputs = (classes.assign(lifecycle=["active", "active", "dead"]), *rest)
    p = PolicyParams()
    own = recommend(*inputs, p).set_index("sku")
    params = applied_params(p, "JIT everywhere", LEVELS)
    jit = told_choice(recommend(*inputs, params), "JIT everywhere", params).set_index("sku")
    assert own.loc["POP", "policy"] == "JIC" and jit.loc["POP", "policy"] == "JIT"
    # its own costs favour a buffer: the reason says the catalogue's policy decided against them
    assert own.loc["POP", "expected_cost_jic"] < own.loc["POP", "expected_cost_jit"]
    assert jit.loc["POP", "reason"].endswith(
        "; planned by the catalogue's policy, chosen by replay: JIT everywhere (priced alone, a buffer would cost less)"
    )
    assert jit.loc["POP", "decided_by"] == "replay"
    assert jit.loc["DEAD", "decided_by"] == "lifecycle" and "chosen by replay" not in jit.loc["DEAD", "reason"]
    same = told_choice(own.reset_index(), RECOMMENDED, p)
    assert same["reason"].tolist() == own["reason"].tolist()
