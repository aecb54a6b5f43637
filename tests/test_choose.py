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
    class_levels,
    policy_row,
    prepare_replay,
    replay_run,
)

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
    tuned = [n for n in table.index if n.startswith("class levels: ")]
    assert set(table.index) == set(candidates(rp.params, LEVELS)) | set(tuned)
    # the recommendation, JIT everywhere, two uniform levels, the class rule's nine variants and
    # the class levels tuned on the replay
    assert len(table) == 2 + len(LEVELS) + 9 + 1 and len(tuned) == 1
    assert table["chosen"].sum() == 1 and table.loc[choice.chosen, "chosen"]
    assert table.loc[choice.chosen, "total_cost"] == table["total_cost"].min()
    # each row is that candidate's own replay (the figures are not shared between rows)
    jit = policy_row(replay_run(rp, candidates(rp.params, LEVELS)["JIT everywhere"]).per_sku, rp, "default", "x")
    assert table.loc["JIT everywhere", "total_cost"] == pytest.approx(jit["total_cost"])
    assert table.loc["JIT everywhere", "avg_stock_value"] < table.loc["JIC everywhere 90%", "avg_stock_value"]
    assert choice.chosen in choice.why and "/yr" in choice.why


def test_last_nights_choice_stays_unless_another_is_clearly_cheaper(rp, choice):
    cost = choice.table.set_index("candidate")["total_cost"]
    runner_up = cost.drop(choice.chosen).idxmin()
    gap = cost[runner_up] / cost[choice.chosen] - 1
    assert gap > 0
    kept = choose_policy(rp, previous=runner_up, margin=gap * 1.01, levels=LEVELS)
    assert kept.chosen == runner_up and "kept from the last run" in kept.why
    assert kept.table.set_index("candidate").loc[runner_up, ["chosen", "previous"]].all()
    switched = choose_policy(rp, previous=runner_up, margin=gap * 0.99, levels=LEVELS)
    assert switched.chosen == choice.chosen
    # a previous choice no longer among the candidates (the levels changed) is simply not kept
    assert choose_policy(rp, previous="JIC everywhere 42%", margin=1.0, levels=LEVELS).chosen == choice.chosen


RULE_A = "class rule JIC A, shortfall x0.5"


@pytest.mark.parametrize("name", ["JIT everywhere", "JIC everywhere 70%", RULE_A, RECOMMENDED])
def test_the_nightly_run_plans_with_the_parameters_replayed(name):
    p = PolicyParams()
    replayed = candidates(p, LEVELS)[name]
    applied = applied_params(p, name, LEVELS)
    # the same rule, levels and classes; only the item master's overrides are the buyer's word
    assert applied == replace(replayed, item_policies=True)
    if name == RULE_A:
        assert applied.jic_classes == ("A",) and applied.decide_by == "class"
        assert applied.service_level["A"] == pytest.approx(0.975)
    # a name from another candidate set falls back to the configuration
    assert applied_params(p, "JIC everywhere 42%", LEVELS) == p


def test_class_levels_take_each_class_s_cheapest_option(rp, choice):
    abc = rp.classes["abc"].astype(str).to_numpy()
    runs = choice.runs
    q = class_levels(rp.params, abc, runs)
    name = next(n for n in choice.table["candidate"] if n.startswith("class levels: "))
    options = [n for n in runs if n == "JIT everywhere" or n.startswith("JIC everywhere ")]
    for cls in ("A", "B", "C"):
        rows = abc == cls
        cost = {n: runs[n].by_sku("total_cost")[rows].sum() for n in options}
        best = min(cost, key=cost.get)
        assert (cls in q.jic_classes) == (best != "JIT everywhere")
        if cls in q.jic_classes:
            assert q.service_level[cls] == runs[best].params.service_level[cls]
            assert f"{cls} {q.service_level[cls] * 100:g}%" in name
        else:
            assert f"{cls} JIT" in name
    # the nightly run reads the same parameters back from the name
    assert applied_params(rp.params, name, LEVELS) == replace(q, item_policies=True)
    assert applied_params(rp.params, "class levels: A 97.5%, B JIT, C 80%", LEVELS).jic_classes == ("A", "C")


def test_the_choice_judged_out_of_sample_uses_the_same_procedure(rp):
    from jitjic.replay import tuned_out_of_sample

    out = tuned_out_of_sample(rp, levels=LEVELS)
    first = rp.periods(0, 5)
    assert out["chosen"] == choose_policy(first, levels=LEVELS).chosen
    rows = list(out["rows"].values())
    assert rows[3]["total_cost"] <= rows[0]["total_cost"] + 1e-6
    assert np.isfinite([r["total_cost"] for r in rows]).all()
