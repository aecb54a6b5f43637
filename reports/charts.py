"""Charts for the report as PNG bytes (matplotlib, no display needed)."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")  # files only: no screen on a nightly server
import matplotlib.dates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

__all__ = ["abc_xyz_heatmap", "capital_by_class", "accuracy_by_class", "exchange_curve_chart", "sku_drilldown"]


def _png(fig, tight: bool = True) -> bytes:
    """The figure as PNG; ``tight`` crops it to what is drawn (a second drawing pass: a figure
    laid out by hand, such as the per-SKU charts of which a report has many, goes without)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight" if tight else None)
    plt.close(fig)
    return buf.getvalue()


def abc_xyz_heatmap(matrix: pd.DataFrame) -> bytes:
    """SKUs (number) and share of annual value (%) per ABC x XYZ cell."""
    skus = matrix.pivot(index="abc", columns="xyz", values="skus").reindex(index=list("ABC"), columns=list("XYZ"))
    value = matrix.pivot(index="abc", columns="xyz", values="share_of_value").reindex(
        index=list("ABC"), columns=list("XYZ")
    )
    fig, ax = plt.subplots(figsize=(4.2, 3.2))
    ax.imshow(value.fillna(0).to_numpy(), cmap="Blues", vmin=0)
    for i in range(3):
        for j in range(3):
            n, v = skus.iat[i, j], value.iat[i, j]
            text = "-" if pd.isna(n) else f"{int(n)} SKUs\n{0 if pd.isna(v) else v:.0%} of value"
            ax.text(j, i, text, ha="center", va="center", fontsize=8, color="white" if (v or 0) > 0.25 else "#1d2430")
    ax.set_xticks(range(3), ["X steady", "Y variable", "Z erratic"])
    ax.set_yticks(range(3), ["A", "B", "C"])
    ax.set_title("ABC-XYZ: SKUs and share of annual value", fontsize=9)
    return _png(fig)


def capital_by_class(recommendations: pd.DataFrame, currency: str = "currency") -> bytes:
    """Capital tied up (``currency``) per ABC class, stacked by policy."""
    table = (
        recommendations.pivot_table(index="abc", columns="policy", values="capital_tied_up", aggfunc="sum")
        .reindex(index=list("ABC"))
        .fillna(0.0)
    )
    fig, ax = plt.subplots(figsize=(4.2, 2.8))
    bottom = np.zeros(len(table))
    colors = {"JIC": "#2f6db3", "JIT": "#9cc3e6", "PHASE_OUT": "#c9ced6"}
    for policy in [p for p in ("JIC", "JIT", "PHASE_OUT") if p in table]:
        ax.bar(table.index, table[policy], bottom=bottom, label=policy, color=colors[policy])
        bottom += table[policy].to_numpy()
    ax.set_ylabel(f"capital tied up ({currency})")
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


def exchange_curve_chart(curve: pd.DataFrame, currency: str = "currency") -> bytes:
    """Fill rate and yearly total cost against average stock value, replayed: JIC everywhere at
    each uniform target (the line), JIT everywhere, the class rule and the recommendation (marked)."""
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(5.2, 4.8), sharex=True)
    uniform = curve[(curve["policy"] == "JIC everywhere") & ~curve["setting"].str.contains("equal")]
    uniform = uniform.sort_values("avg_stock_value")
    marks = {"JIT everywhere": ("s", "#9cc3e6"), "class rule": ("^", "#7a869a"), "recommended": ("*", "#d9480f")}
    for ax, col, label in ((top, "fill_rate", "fill rate"), (bottom, "total_cost", "total cost per year")):
        ax.plot(
            uniform["avg_stock_value"], uniform[col], "-o", color="#2f6db3", ms=3, label="JIC everywhere, one target"
        )
        for _, r in uniform.iterrows():
            if ax is top:
                ax.annotate(
                    r["setting"],
                    (r["avg_stock_value"], r[col]),
                    fontsize=6,
                    xytext=(2, -8),
                    textcoords="offset points",
                    color="#2f6db3",
                )
        for policy, (marker, color) in marks.items():
            row = curve[curve["policy"] == policy]
            if len(row):
                ax.plot(
                    row["avg_stock_value"],
                    row[col],
                    marker,
                    color=color,
                    ms=11 if marker == "*" else 7,
                    label=policy,
                    linestyle="none",
                )
        ax.set_ylabel(label)
        ax.yaxis.set_major_formatter(
            matplotlib.ticker.FuncFormatter(
                (lambda v, _: f"{v:.0%}") if col == "fill_rate" else (lambda v, _: f"{v:,.0f}")
            )
        )
    bottom.set_xlabel(f"average stock value ({currency})")
    bottom.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    top.set_title("Exchange curve: service and cost for the stock held (replayed)", fontsize=9)
    top.legend(fontsize=7, frameon=False, loc="lower right")
    return _png(fig)


def _number(value: object) -> float:
    """A figure of the item row: 0.0 where it is missing or NaN."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
    return 0.0 if np.isnan(number) else number


def sku_drilldown(history: pd.DataFrame, forecast: pd.DataFrame, item: dict, period: str = "week") -> bytes:
    """One SKU at a glance, two panels. Left: its demand history (``period_start, qty``) and the
    forecast (``period_start, mean, lower, upper``: units per period) with its band. Right, over
    the forecast's periods: the stock the forecast leaves on hand with no new order, the
    position with what is on order, and the reorder point (units); below zero is a stock-out.
    item: ``sku, description, on_hand, on_order, reorder_point`` (units)."""
    fig, (ax, stock) = plt.subplots(1, 2, figsize=(6.0, 2.4), gridspec_kw={"width_ratios": [3, 1.4]})
    if len(history):
        ax.step(
            pd.to_datetime(history["period_start"]), history["qty"], where="post", color="#7a869a", lw=1, label="demand"
        )
    if len(forecast):
        when = pd.to_datetime(forecast["period_start"])
        ax.fill_between(
            when, forecast["lower"], forecast["upper"], step="post", color="#9cc3e6", alpha=0.5, label="forecast band"
        )
        ax.step(when, forecast["mean"], where="post", color="#2f6db3", lw=1.5, label="forecast")
        step = when.iloc[1] - when.iloc[0] if len(when) > 1 else pd.Timedelta(days=7)
        days = np.arange(len(when) + 1) * step.days
        used = np.r_[0.0, np.cumsum(forecast["mean"].to_numpy(float))]
        on_hand = _number(item.get("on_hand"))
        position = on_hand + _number(item.get("on_order")) - used
        stock.axhspan(min(position.min(), 0) * 1.05 - 1, 0, color="#fde2e1", lw=0)
        stock.plot(days, on_hand - used, color="#d9480f", lw=1.5, label="on hand (< 0: short)")
        stock.plot(days, position, color="#d9480f", lw=1, ls=":", label="with on order")
        stock.axhline(_number(item.get("reorder_point")), color="#1d2430", lw=1, ls="--", label="reorder point")
        stock.set_xlabel("days from today, no new order", fontsize=7)
        stock.legend(fontsize=6, frameon=False, loc="upper right")
    stock.set_title("stock (units)", fontsize=7)
    stock.tick_params(labelsize=7)
    stock.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set_ylabel(f"units per {period}", fontsize=7)
    ax.set_ylim(bottom=0)
    ax.tick_params(labelsize=7)
    ax.xaxis.set_major_locator(matplotlib.dates.MonthLocator(bymonth=(1, 4, 7, 10)))
    ax.xaxis.set_major_formatter(matplotlib.dates.DateFormatter("%b %y"))
    ax.legend(fontsize=6, frameon=False, loc="upper left")
    title = f"{item.get('sku')}  {item.get('description') or ''}".strip()
    ax.set_title(title[:60], fontsize=8, loc="left")
    fig.subplots_adjust(left=0.09, right=0.985, bottom=0.19, top=0.89, wspace=0.3)
    return _png(fig, tight=False)
