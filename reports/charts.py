"""Charts for the report as PNG bytes (matplotlib, no display needed)."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")  # files only: no screen on a nightly server
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

__all__ = ["abc_xyz_heatmap", "capital_by_class", "accuracy_by_class"]


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def abc_xyz_heatmap(matrix: pd.DataFrame) -> bytes:
    """SKUs (number) and share of annual value (%) per ABC x XYZ cell."""
    skus = matrix.pivot(index="abc", columns="xyz", values="skus").reindex(index=list("ABC"), columns=list("XYZ"))
    value = matrix.pivot(index="abc", columns="xyz", values="share_of_value").reindex(index=list("ABC"), columns=list("XYZ"))
    fig, ax = plt.subplots(figsize=(4.2, 3.2))
    ax.imshow(value.fillna(0).to_numpy(), cmap="Blues", vmin=0)
    for i in range(3):
        for j in range(3):
            n, v = skus.iat[i, j], value.iat[i, j]
            text = "-" if pd.isna(n) else f"{int(n)} SKUs\n{0 if pd.isna(v) else v:.0%} of value"
            ax.text(j, i, text, ha="center", va="center", fontsize=8,
                    color="white" if (v or 0) > 0.25 else "#1d2430")
    ax.set_xticks(range(3), ["X steady", "Y variable", "Z erratic"])
    ax.set_yticks(range(3), ["A", "B", "C"])
    ax.set_title("ABC-XYZ: SKUs and share of annual value", fontsize=9)
    return _png(fig)


def capital_by_class(recommendations: pd.DataFrame) -> bytes:
    """Capital tied up (currency) per ABC class, stacked by policy."""
    table = (recommendations.pivot_table(index="abc", columns="policy", values="capital_tied_up", aggfunc="sum")
             .reindex(index=list("ABC")).fillna(0.0))
    fig, ax = plt.subplots(figsize=(4.2, 2.8))
    bottom = np.zeros(len(table))
    colors = {"JIC": "#2f6db3", "JIT": "#9cc3e6", "PHASE_OUT": "#c9ced6"}
    for policy in [p for p in ("JIC", "JIT", "PHASE_OUT") if p in table]:
        ax.bar(table.index, table[policy], bottom=bottom, label=policy, color=colors[policy])
        bottom += table[policy].to_numpy()
    ax.set_ylabel("capital tied up (currency)")
    ax.set_title("Capital by class and policy", fontsize=9)
    ax.legend(fontsize=8, frameon=False)
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    return _png(fig)


def accuracy_by_class(accuracy: pd.DataFrame) -> bytes:
    """Median backtest RMSSE of the chosen forecast per ABC class (lower is better; 1 = naive)."""
    fig, ax = plt.subplots(figsize=(4.2, 2.6))
    ax.bar(accuracy["abc"], accuracy["rmsse"], color="#2f6db3")
    ax.axhline(1.0, color="#888", lw=1, ls="--")
    ax.set_ylabel("RMSSE (backtest, median)")
    ax.set_title("Forecast error by class (1.0 = naive forecast)", fontsize=9)
    return _png(fig)
