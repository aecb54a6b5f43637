"""Classification on the full Online Retail data: class counts, value shares, the ABC-XYZ matrix,
and how long ``classify_skus`` takes (median of 7 runs).

    python benchmarks/classification_full.py [path/to/online_retail.csv.gz]

Demand is built the nightly flow's way (ingest rules, whole weeks, zero-filled); no item master,
so value = units x selling price; default settings but the
classic value basis (80/95%, XYZ 0.5/1.0, 52 weeks; the product ranks by order lines by default).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import pandas as pd
from _full_data import DEFAULT, full_demand  # noqa: I001 (the benchmarks folder is on sys.path)
from jitjic.classification import classify_skus

from jitjic.settings import load_settings


def main(source: Path) -> None:
    settings = load_settings(None, use_default_file=False, classification={"abc_basis": "value"})
    demand, _ = full_demand(source, settings)
    times = []
    for _ in range(7):
        t0 = time.perf_counter()
        classes = classify_skus(demand, abc_basis="value")
        times.append(time.perf_counter() - t0)
    n = len(classes)
    seconds = statistics.median(times)
    print(
        f"{n:,} SKUs, {demand['period_start'].nunique()} weeks; classify_skus median {seconds * 1000:.0f} ms "
        f"= {seconds * 1000 / (n / 1000):.1f} ms per 1,000 SKUs"
    )
    total_value = classes["annual_value"].sum()
    by_abc = classes.groupby("abc").agg(skus=("sku", "size"), value=("annual_value", "sum"), qty=("annual_qty", "sum"))
    by_abc["share_of_value"] = by_abc["value"] / total_value
    by_abc["share_of_skus"] = by_abc["skus"] / n
    print("\nABC (annual value at selling price):")
    print(by_abc[["skus", "share_of_skus", "value", "share_of_value"]].to_string(float_format=lambda v: f"{v:,.3f}"))
    counts = pd.crosstab(classes["abc"], classes["xyz"], margins=True)
    shares = pd.crosstab(classes["abc"], classes["xyz"], values=classes["annual_value"], aggfunc="sum") / total_value
    print("\nABC-XYZ matrix, SKUs:")
    print(counts.to_string())
    print("\nABC-XYZ matrix, share of value:")
    print(shares.to_string(float_format=lambda v: f"{v:.3f}"))
    print("\npatterns:", classes["pattern"].value_counts().to_dict())
    print("lifecycle:", classes["lifecycle"].value_counts().to_dict())


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT)
