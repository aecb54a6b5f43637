"""Order lines that are period totals (one per SKU and period, dated on its start) told from dated sales."""

import numpy as np
import pandas as pd
from jitjic.ingest import LineRules, apply_line_rules, coarser_totals, line_grain, period_totals
from jitjic.ingest.mapping import CANONICAL


def weekly_totals(skus: int = 5, weeks: int = 10, seed: int = 0) -> pd.DataFrame:
    """One row per SKU and week dated its Monday, zeros included, as an ERP's weekly export."""
    rng = np.random.default_rng(seed)
    mondays = pd.date_range("2024-01-01", periods=weeks, freq="W-MON")
    frame = pd.DataFrame([(f"S{s}", d) for s in range(skus) for d in mondays], columns=["sku", "ordered_at"]).assign(
        quantity=rng.poisson(0.7, skus * weeks).astype(float)
    )
    return frame


def dated_sales(lines: int = 200, seed: int = 0) -> pd.DataFrame:
    """Sales at any hour of any day, a popular item several times a week."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2024-01-01 08:00")
    return pd.DataFrame(
        {
            "sku": rng.choice(["A", "B", "C"], lines),
            "ordered_at": start + pd.to_timedelta(np.sort(rng.integers(0, 70 * 24 * 60, lines)), unit="min"),
            "quantity": rng.integers(1, 5, lines).astype(float),
        }
    )


def raw(frame: pd.DataFrame) -> pd.DataFrame:
    """The reader's canonical text columns and source_row for ``frame``."""
    out = pd.DataFrame({c: pd.NA for c in CANONICAL}, index=frame.index)
    out["sku"] = frame["sku"]
    out["ordered_at"] = frame["ordered_at"].dt.strftime("%Y-%m-%d %H:%M:%S")
    out["quantity"] = frame["quantity"].map("{:g}".format)
    out["source_row"] = np.arange(len(frame)) + 2
    return out


def test_weekly_totals_are_period_totals_and_dated_sales_are_not():
    totals = weekly_totals()
    assert period_totals(totals["sku"], totals["ordered_at"], "week")
    sales = dated_sales()
    assert not period_totals(sales["sku"], sales["ordered_at"], "week")
    # the same sales dated on their day only, several a week per item: still sales
    sales["ordered_at"] = sales["ordered_at"].dt.to_period("W-SUN").dt.start_time
    assert not period_totals(sales["sku"], sales["ordered_at"], "week")


def test_the_period_is_the_configured_one():
    totals = weekly_totals(skus=10, weeks=20)
    # Mondays are not month starts: weekly totals judged against months are not month totals
    assert not period_totals(totals["sku"], totals["ordered_at"], "month")
    monthly = totals.assign(ordered_at=totals["ordered_at"].dt.to_period("M").dt.start_time).drop_duplicates(
        ["sku", "ordered_at"]
    )
    assert period_totals(monthly["sku"], monthly["ordered_at"], "month")


def test_a_few_corrections_do_not_hide_period_totals_but_many_repeats_do():
    totals = weekly_totals(skus=20, weeks=10)  # 200 SKU-weeks
    one_repeat = pd.concat([totals, totals.head(1)], ignore_index=True)
    assert period_totals(one_repeat["sku"], one_repeat["ordered_at"], "week")
    many = pd.concat([totals, totals.head(10)], ignore_index=True)  # 5% of SKU-weeks twice
    assert not period_totals(many["sku"], many["ordered_at"], "week")


def test_a_handful_of_lines_proves_nothing():
    few = weekly_totals(skus=2, weeks=3)
    assert not period_totals(few["sku"], few["ordered_at"], "week")


def test_zero_rows_are_demand_in_period_totals_and_rejects_in_dated_sales():
    totals = weekly_totals()
    totals.loc[totals["ordered_at"] == totals["ordered_at"].max(), "quantity"] = 0.0  # the last week all zero
    totals.loc[3, "quantity"] = -2.0  # a return: rejected, as in dated sales
    rules = LineRules(cancellation_prefix=None, period="week")
    assert line_grain(raw(totals), rules) == "period"
    out = apply_line_rules(raw(totals), rules)
    assert out["rule"].value_counts().to_dict() == {"non_positive_quantity": 1}
    accepted = out[out["rule"].isna()]
    assert accepted["ordered_at"].max() == totals["ordered_at"].max()
    assert (accepted["quantity"] == 0).sum() == (totals["quantity"] == 0).sum()
    # with returns netted, a negative period total nets its period (no order id marks it)
    netted = apply_line_rules(raw(totals), LineRules(cancellation_prefix=None, period="week", returns="net"))
    assert netted["rule"].isna().all()
    sales = dated_sales()
    sales.loc[5, "quantity"] = 0.0
    sales_rules = LineRules(cancellation_prefix=None, period="week")
    assert line_grain(raw(sales), sales_rules) == "line"
    assert apply_line_rules(raw(sales), sales_rules)["rule"].value_counts().to_dict() == {"non_positive_quantity": 1}


def test_a_stated_grain_is_not_judged():
    totals = weekly_totals().assign(quantity=0.0)
    assert line_grain(raw(totals), LineRules(grain="line")) == "line"
    assert apply_line_rules(raw(totals), LineRules(grain="line"))["rule"].eq("non_positive_quantity").all()
    sales = dated_sales()
    assert line_grain(raw(sales), LineRules(grain="period")) == "period"


def test_monthly_totals_loaded_at_a_weekly_grain_get_a_hint(tmp_path, con):
    from jitjic.ingest.mapping import mapping_for

    from jitjic import warehouse

    months = pd.date_range("2020-01-01", periods=12, freq="MS")
    rng = np.random.default_rng(1)
    frame = pd.DataFrame([(f"P{s}", d) for s in range(4) for d in months], columns=["sku", "ordered_at"])
    frame["quantity"] = rng.poisson(0.6, len(frame)).astype(float)
    path = tmp_path / "monthly.csv"
    frame.assign(ordered_at=frame["ordered_at"].dt.strftime("%Y-%m-%d")).to_csv(path, index=False)
    mapping = mapping_for("canonical")
    weekly = warehouse.load_file(con, path, "orders", mapping=mapping, rules=LineRules(period="week"))
    # at a weekly grain the file reads as dated sales whose zeros are rejects: the load says why
    assert weekly.grain == "line" and weekly.coarser == "month"
    assert 'set demand.period = "month"' in weekly.summary()
    # read at its own grain there is nothing to hint
    assert coarser_totals(raw(frame), LineRules(period="month")) is None
    assert coarser_totals(raw(weekly_totals()), LineRules(period="week")) is None


def test_a_monthly_file_at_a_daily_grain_gets_the_hint_too():
    months = pd.date_range("2020-01-01", periods=12, freq="MS")
    frame = pd.DataFrame(
        [(f"P{s}", d, 1.0) for s in range(4) for d in months], columns=["sku", "ordered_at", "quantity"]
    )
    assert coarser_totals(raw(frame), LineRules(period="day")) == "month"
    # dated daily sales (one a day, any weekday) are no week's or month's totals
    days = pd.date_range("2020-01-01", periods=60, freq="D")
    daily = pd.DataFrame({"sku": "D", "ordered_at": days, "quantity": 1.0})
    assert coarser_totals(raw(daily), LineRules(period="day")) is None
