"""The synthetic M5-like catalogue: seeded, mostly intermittent, loadable by the pipeline as written."""

from pathlib import Path

import numpy as np
import pandas as pd

from jitjic import warehouse
from jitjic.settings import load_settings
from jitjic.synthetic import CatalogueSpec, generate_catalogue
from jitjic.wiring import column_mapping, expand_inputs, line_rules


def test_catalogue_is_seeded_intermittent_and_loads(tmp_path: Path):
    spec = CatalogueSpec(skus=120, days=150, seed=7, block=50)
    counts = generate_catalogue(tmp_path / "a", spec)
    again = generate_catalogue(tmp_path / "b", spec)
    assert counts == again and counts["files"] == 6  # 2011-01-29 + 150 days spans 6 months
    a = pd.read_parquet(tmp_path / "a" / "orders")
    b = pd.read_parquet(tmp_path / "b" / "orders")
    pd.testing.assert_frame_equal(a, b)
    assert len(a) == counts["order_lines"] and a["quantity"].sum() == counts["units"]
    share = a.groupby("sku").size() / spec.days
    assert share.median() < 0.5 and share.max() > 0.9  # most SKUs sell on few days, a few daily
    items = pd.read_csv(tmp_path / "a" / "items.csv")
    stock = pd.read_csv(tmp_path / "a" / "stock.csv")
    assert len(items) == len(stock) == 120 and (items["unit_cost"] > 0).all() and (items["order_cost"] > 0).all()

    settings = load_settings(tmp_path / "a" / "jitjic.toml")
    con = warehouse.connect(settings.paths.database)
    try:
        warehouse.ensure_schema(con)
        loaded = 0
        for kind in ("orders", "items", "stock"):
            for path in expand_inputs(getattr(settings.inputs, kind)):
                r = warehouse.load_file(con, path, kind, mapping=column_mapping(settings), rules=line_rules(settings))
                assert r.rows_rejected == 0, r.summary()
                loaded += r.rows_loaded if kind == "orders" else 0
    finally:
        con.close()
    assert loaded == counts["order_lines"]
    assert np.isclose(a.groupby(a["ordered_at"].dt.dayofweek)["quantity"].sum().idxmax(), 5, atol=1)  # weekends sell
