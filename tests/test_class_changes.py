"""The class_changes, abc_summary and matrix views on hand-made runs."""

from datetime import datetime

import pandas as pd

from jitjic import warehouse


def _classes(rows):
    cols = ["sku", "abc", "xyz", "pattern", "lifecycle", "basis_amount", "cum_share", "cv"]
    df = pd.DataFrame(rows, columns=cols)
    return df.assign(
        abc_basis="value",
        annual_qty=10.0,
        annual_value=df["basis_amount"],
        value_source="cost",
        adi=1.0,
        cv2=0.2,
        periods=52,
        periods_since_first=52,
        periods_since_demand=0,
    )


def _completed_run(con, run_id, day, classes):
    warehouse.start_run(con, run_id, None, {})
    warehouse.write_results(con, "sku_classes", run_id, classes)
    con.execute(
        "update runs set status = 'completed', ended_at = ? where run_id = ?", [datetime(2011, 12, day), run_id]
    )


def test_changes_since_the_previous_completed_run(con):
    _completed_run(
        con,
        "r1",
        1,
        _classes(
            [
                ("A1", "C", "X", "smooth", "active", 100.0, 0.99, 0.3),
                ("B1", "A", "Y", "erratic", "active", 900.0, 0.5, 0.7),
                ("GONE", "C", "Z", "lumpy", "active", 1.0, 1.0, 2.0),
            ]
        ),
    )
    assert con.execute("select count(*) from class_changes").fetchall()[0][0] == 0  # one run: nothing to compare
    _completed_run(
        con,
        "r2",
        2,
        _classes(
            [
                ("A1", "A", "X", "smooth", "active", 5000.0, 0.6, 0.3),
                ("B1", "A", "Z", "erratic", "dead", 900.0, 0.7, 1.4),
                ("NEW1", "B", "Y", "smooth", "new", 50.0, 0.9, 0.8),
            ]
        ),
    )
    # a failed run after r2 must not count as "the previous run"
    warehouse.start_run(con, "r3", None, {})
    warehouse.write_results(con, "sku_classes", "r3", _classes([("A1", "C", "Z", "lumpy", "dead", 1.0, 1.0, 9.0)]))
    con.execute("update runs set status = 'failed', ended_at = ? where run_id = 'r3'", [datetime(2011, 12, 3)])
    rows = (
        con.execute(
            "select sku, abc_from, abc_to, xyz_from, xyz_to, lifecycle_to, why, run_id, previous_run_id "
            "from class_changes order by sku"
        )
        .df()
        .set_index("sku")
    )
    assert list(rows.index) == ["A1", "B1", "GONE", "NEW1"]
    assert (rows.loc["A1", "abc_from"], rows.loc["A1", "abc_to"]) == ("C", "A")
    assert "C -> A: value 100.00 -> 5000.00, cumulative share 99.0% -> 60.0%" in rows.loc["A1", "why"]
    assert "Y -> Z: CV 0.70 -> 1.40" in rows.loc["B1", "why"] and "active -> dead" in rows.loc["B1", "why"]
    assert rows.loc["GONE", "why"] == "no longer in the demand history"
    assert rows.loc["NEW1", "why"] == "first classified in this run"
    assert set(rows["run_id"]) == {"r2"} and set(rows["previous_run_id"]) == {"r1"}


def test_summary_and_matrix_shares(con):
    _completed_run(
        con,
        "r1",
        1,
        _classes(
            [
                ("A1", "A", "X", "smooth", "active", 80.0, 0.8, 0.3),
                ("B1", "B", "Y", "smooth", "active", 15.0, 0.95, 0.7),
                ("C1", "C", "Z", "lumpy", "active", 5.0, 1.0, 2.0),
            ]
        ),
    )
    summary = con.execute("select abc, skus, share_of_basis from abc_summary").fetchall()
    assert summary == [("A", 1, 0.8), ("B", 1, 0.15), ("C", 1, 0.05)]
    matrix = con.execute("select abc, xyz, skus, share_of_value from abc_xyz_matrix").fetchall()
    assert matrix == [("A", "X", 1, 0.8), ("B", "Y", 1, 0.15), ("C", "Z", 1, 0.05)]
