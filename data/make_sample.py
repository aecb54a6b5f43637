"""Rebuild the bundled sample in data/sample/ from the full Online Retail file (run by hand).

    python data/make_sample.py [../shared/data/online_retail.csv.gz]

Order lines: every line (sales, cancellations, bad prices) of about 300 stock codes drawn by
revenue stratum (a popular head, a middle, a long tail of rarely sold items), the case-variant
pair 15056BL / 15056bl, and a slice of non-product lines (postage, fees), in the original
layout and order. The item master and stock snapshot are synthetic (seeded), with deliberate
gaps so the configured defaults are exercised.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20111209
HERE = Path(__file__).resolve().parent
OUT = HERE / "sample"
SUPPLIERS = {  # name: lead time mean and spread (days; None: only an on-time rate is known),
    # cost per purchase order incl. freight, on-time rate, holding rate per year (None: the default)
    "Homeware Direct": (7, 1, 15.0, None, None), "Gift Wholesale UK": (10, 2, 20.0, None, None),
    "Paper & Print Co": (14, 3, None, None, None), "Continental Imports": (21, None, 40.0, 0.85, None),
    "Far East Trading": (42, 14, 90.0, None, 0.30),
}


def main(source: Path) -> None:
    rng = np.random.default_rng(SEED)
    raw = pd.read_csv(source, dtype=str, keep_default_na=False)
    code = raw["StockCode"].str.strip().str.upper()
    qty = pd.to_numeric(raw["Quantity"], errors="coerce")
    price = pd.to_numeric(raw["UnitPrice"], errors="coerce")
    sale = ~raw["InvoiceNo"].str.startswith("C") & (qty > 0) & (price > 0) & code.str.match(r"^[0-9]")
    revenue = (qty * price)[sale].groupby(code[sale]).sum().sort_values(ascending=False)
    n = len(revenue)
    head = revenue.index[:60].tolist()
    middle = rng.choice(revenue.index[60 : n // 3], 110, replace=False).tolist()
    tail = rng.choice(revenue.index[n // 3 :], 130, replace=False).tolist()
    chosen = set(head + middle + tail + ["15056BL"])
    keep = code.isin(chosen)
    non_product = ~code.str.match(r"^[0-9]")
    keep |= non_product & (rng.random(len(raw)) < 0.15)
    OUT.mkdir(exist_ok=True)
    lines = raw[keep]
    lines.to_csv(OUT / "online_retail_sample.csv.gz", index=False, compression={"method": "gzip", "mtime": 0})

    skus = sorted(chosen)
    med_price = price[sale].groupby(code[sale]).median().reindex(skus)
    names = list(SUPPLIERS)
    supplier = rng.choice(names, len(skus), p=[0.25, 0.25, 0.2, 0.2, 0.1])
    items = pd.DataFrame({
        "sku": skus,
        "unit_cost": (med_price * rng.uniform(0.45, 0.7, len(skus))).round(2).to_numpy(),
        "supplier": supplier,
        "lead_time_days": [SUPPLIERS[s][0] for s in supplier],
        "lead_time_std_days": [SUPPLIERS[s][1] for s in supplier],
        "moq": rng.choice([1, 1, 1, 6, 12, 24], len(skus)),
        "pack_size": rng.choice([1, 1, 2, 6, 12], len(skus)),
        "order_cost": [SUPPLIERS[s][2] for s in supplier],
        "holding_rate": [SUPPLIERS[s][4] for s in supplier],
        "on_time_rate": [SUPPLIERS[s][3] for s in supplier],
    })
    # gaps on purpose: the defaults in [policy] fill them, and the output says so
    items.loc[rng.random(len(skus)) < 0.12, "unit_cost"] = np.nan
    supplier_facts = ["supplier", "lead_time_days", "lead_time_std_days", "order_cost", "holding_rate", "on_time_rate"]
    items.loc[rng.random(len(skus)) < 0.10, supplier_facts] = np.nan
    # planners' settings: a rarely sold item kept in stock whatever the rule says, a higher target
    items["policy_override"], items["target_service_level"] = None, np.nan
    items.loc[items["sku"] == sorted(tail)[0], "policy_override"] = "JIC"
    items.loc[items["sku"] == "15056BL", "target_service_level"] = 0.98
    # costs the class defaults cannot know: a fashion item that dates fast, a part customers wait for
    items["obsolescence_rate"], items["backorder_share"] = np.nan, np.nan
    items.loc[items.index[-2], "obsolescence_rate"] = 0.5
    items.loc[items.index[-1], "backorder_share"] = 0.9
    items.to_csv(OUT / "items.csv", index=False)

    weekly = (qty[sale & code.isin(chosen)].groupby(code[sale & code.isin(chosen)]).sum() / 52).reindex(skus).fillna(0)
    counted = rng.random(len(skus)) < 0.9
    stock = pd.DataFrame({
        "sku": skus,
        "on_hand": rng.poisson(weekly.to_numpy() * rng.uniform(0, 6, len(skus))),
        "on_order": np.where(rng.random(len(skus)) < 0.2, rng.poisson(weekly.to_numpy() * 2), 0),
        "snapshot_date": "2011-12-09",
    })[counted]
    stock.to_csv(OUT / "stock.csv", index=False)
    print(f"{len(lines):,} order lines, {len(skus)} SKUs, {len(stock)} stock counts -> {OUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parent.parent / "shared/data/online_retail.csv.gz")
