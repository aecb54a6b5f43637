"""Each line rule on a tiny frame: the right rule, the reason quoting the value."""

import pandas as pd
import pytest
from jitjic.ingest import RULES, LineRules, apply_line_rules
from jitjic.ingest.mapping import CANONICAL, ONLINE_RETAIL_NON_PRODUCT

RULES_OR = LineRules(
    cancellation_prefix="C", non_product_codes=ONLINE_RETAIL_NON_PRODUCT, product_code_pattern=r"^[0-9]"
)


def frame(*rows: dict) -> pd.DataFrame:
    base = {
        "order_id": "536365",
        "sku": "85123A",
        "description": "HEART",
        "ordered_at": "2010-12-01 08:26:00",
        "quantity": "6",
        "unit_price": "2.55",
        "customer_id": "17850.0",
        "country": "United Kingdom",
    }
    out = pd.DataFrame([{**base, **r} for r in rows], columns=list(CANONICAL))
    out["source_row"] = range(2, len(out) + 2)
    return out


@pytest.mark.parametrize(
    ("row", "rule", "reason"),
    [
        ({"sku": "  "}, "missing_sku", "no SKU"),
        ({"ordered_at": "31/02/2011"}, "bad_date", "date '31/02/2011' is not a valid date"),
        ({"quantity": "six"}, "bad_quantity", "quantity 'six' is not a finite number"),
        ({"quantity": "inf"}, "bad_quantity", "not a finite number"),
        ({"unit_price": "n/a"}, "bad_price", "unit price 'n/a' is not a finite number"),
        ({"sku": "POST"}, "non_product_code", "code POST is a fee"),
        ({"sku": "BANK CHARGES"}, "non_product_code", "not a product"),
        ({"sku": "gift_0001_10"}, "non_product_code", "not a product"),
        ({"order_id": "C536379", "quantity": "-1"}, "cancellation", "cancelled order C536379"),
        ({"quantity": "-3"}, "non_positive_quantity", "quantity -3.0 is not positive"),
        ({"quantity": "0"}, "non_positive_quantity", "not positive"),
        ({"unit_price": "0"}, "non_positive_price", "unit price 0.0 is not positive"),
        ({"unit_price": "-11062.06"}, "non_positive_price", "not positive"),
    ],
)
def test_each_rule(row, rule, reason):
    out = apply_line_rules(frame({}, row), RULES_OR)
    assert out["rule"].isna().iloc[0]
    assert out["rule"].iloc[1] == rule
    assert reason in out["reason"].iloc[1]
    assert rule in RULES


def test_first_broken_rule_wins():
    out = apply_line_rules(frame({"sku": "POST", "quantity": "-1", "unit_price": "0"}), RULES_OR)
    assert out["rule"].iloc[0] == "non_product_code"


def test_exact_duplicates_keep_the_first():
    out = apply_line_rules(frame({}, {"quantity": "7"}, {}), RULES_OR)
    assert out["rule"].iloc[:2].isna().all()
    assert out["rule"].iloc[2] == "duplicate_line"
    assert out["reason"].iloc[2] == "exact repeat of row 2"


def test_sku_case_and_blanks_are_one_item():
    out = apply_line_rules(frame({"sku": "15056bl"}, {"sku": " 15056BL  ", "quantity": "2"}), RULES_OR)
    assert out["sku"].tolist() == ["15056BL", "15056BL"]
    assert out["rule"].isna().all()


def test_returns_netted_when_configured():
    rows = frame({}, {"order_id": "C536379", "quantity": "-2"}, {"order_id": "C536380", "quantity": "4"})
    net = apply_line_rules(rows, LineRules(returns="net", cancellation_prefix="C"))
    assert net["rule"].isna().tolist() == [True, True, False]
    assert net["quantity"].iloc[1] == -2.0
    assert net["rule"].iloc[2] == "cancellation"
    assert "positive quantity" in net["reason"].iloc[2]
    excluded = apply_line_rules(rows, LineRules(returns="exclude", cancellation_prefix="C"))
    assert excluded["rule"].iloc[1] == "cancellation"


def test_typed_values_and_customer_id():
    out = apply_line_rules(frame({}), RULES_OR)
    assert out["ordered_at"].iloc[0] == pd.Timestamp("2010-12-01 08:26:00")
    assert out["quantity"].iloc[0] == 6.0
    assert out["customer_id"].iloc[0] == "17850"


def test_custom_date_format():
    out = apply_line_rules(frame({"ordered_at": "12/1/2010 8:26"}), LineRules(date_format="%m/%d/%Y %H:%M"))
    assert out["ordered_at"].iloc[0] == pd.Timestamp("2010-12-01 08:26")
