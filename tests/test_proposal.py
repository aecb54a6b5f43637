"""The triaged order proposal on hand-checkable cases: constant forecasts, known stock."""

from datetime import date

import numpy as np
import pandas as pd
import pytest
from jitjic.policy.proposal import order_proposal

AS_OF = date(2011, 12, 9)


def _case(rows):
    recs = pd.DataFrame(
        rows, columns=["sku", "policy", "on_hand", "on_order", "reorder_point", "order_up_to", "lead_time_days"]
    )
    forecast = pd.DataFrame([(s, k, 10.0) for s in recs["sku"] for k in range(1, 9)], columns=["sku", "step", "mean"])
    return order_proposal(recs, forecast, AS_OF).set_index("sku")


def test_order_by_date_days_until_stockout_and_urgency():
    out = _case(
        [
            # 10 a week: position 60 reaches the reorder point 40 after 2 weeks; the shelf (60) lasts 6
            ("LATER", "JIC", 60.0, 0.0, 40.0, 100.0, 14.0),
            # position 45 crosses 40 half a week in: due this week (order by 4 days on, rounded up)
            ("WEEK", "JIC", 45.0, 0.0, 40.0, 100.0, 14.0),
            # at the reorder point with 30 on the shelf (3 weeks) and a 14-day lead time: today
            ("TODAY", "JIC", 30.0, 10.0, 40.0, 100.0, 14.0),
            # below it with 5 on the shelf: empty in 3.5 days, long before a 14-day order arrives
            ("LATE", "JIC", 5.0, 0.0, 40.0, 100.0, 14.0),
            # JIT: due when a unit or more below its level (30): 28.5 is, 29.5 is not yet (this week)
            ("JIT", "JIT", 28.5, 0.0, 30.0, 30.0, 14.0),
            ("JITSOON", "JIT", 29.5, 0.0, 30.0, 30.0, 14.0),
            ("GONE", "PHASE_OUT", 5.0, 0.0, 0.0, 0.0, 14.0),
            ("NOCOUNT", "JIC", np.nan, 0.0, 40.0, 100.0, 14.0),
        ]
    )
    assert out.loc["LATER", "order_by"] == date(2011, 12, 23) and out.loc["LATER", "urgency"] == "later"
    assert out.loc["LATER", "days_until_stockout"] == pytest.approx(42.0)
    assert out.loc["WEEK", "urgency"] == "this week" and out.loc["WEEK", "order_by"] == date(2011, 12, 13)
    assert out.loc["TODAY", "urgency"] == "today" and out.loc["TODAY", "order_by"] == AS_OF
    assert out.loc["TODAY", "days_until_stockout"] == pytest.approx(21.0)
    assert out.loc["LATE", "urgency"] == "overdue" and out.loc["LATE", "days_until_stockout"] == pytest.approx(3.5)
    assert out.loc["JIT", "urgency"] == "today" and out.loc["JITSOON", "urgency"] == "this week"
    assert list(out[out["due_today"]].index) == ["TODAY", "LATE", "JIT"]
    assert out.loc["GONE", "urgency"] is None and out.loc["NOCOUNT", "urgency"] is None
    assert not out.loc["GONE", "due_today"] and not out.loc["NOCOUNT", "due_today"]


def test_beyond_the_horizon_is_later_without_a_date():
    out = _case([("SLOW", "JIC", 500.0, 0.0, 40.0, 100.0, 14.0)])
    assert out.loc["SLOW", "order_by"] is None and out.loc["SLOW", "urgency"] == "later"
    assert np.isnan(out.loc["SLOW", "days_until_stockout"])
