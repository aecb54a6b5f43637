"""Small inputs shared by several test modules."""

import numpy as np
import pandas as pd


def policy_inputs():
    """classes, forecast, items, stock of three SKUs: a popular mug, a rare vase, an old lamp."""
    classes = pd.DataFrame(
        {
            "sku": ["POP", "RARE", "DEAD"],
            "abc": ["A", "C", "B"],
            "xyz": ["X", "Z", "Z"],
            "pattern": ["smooth", "lumpy", "none"],
            "abc_basis": "value",
            "cv": [0.4, 2.5, np.nan],
        }
    )
    forecast = pd.DataFrame(
        {
            "sku": ["POP", "RARE", "DEAD"],
            "model": ["SES", "SBA", "SBA"],
            "mean": [100.0, 0.5, 0.0],
            "sigma": [20.0, 1.0, 0.0],
        }
    )
    items = pd.DataFrame(
        {
            "sku": ["POP", "RARE", "DEAD"],
            "description": ["Popular <b>mug</b>", "Rare vase", "Old lamp"],
            "unit_cost": [2.0, np.nan, 5.0],
            "supplier": ["S", None, "S"],
            "lead_time_days": [28.0, np.nan, 7.0],
            "lead_time_std_days": [7.0, np.nan, 1.0],
            "moq": [1.0, np.nan, 1.0],
            "pack_size": [10.0, np.nan, 1.0],
            "avg_price": [4.0, 10.0, 8.0],
            "order_cost": [25.0, np.nan, 25.0],
            "holding_rate": [0.25, np.nan, 0.25],
            "on_time_rate": np.nan,
        }
    )
    stock = pd.DataFrame({"sku": ["POP", "RARE"], "on_hand": [300.0, 0.0], "on_order": [100.0, 0.0]})
    return classes, forecast, items, stock
