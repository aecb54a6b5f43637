"""Column mappings from ERP exports onto jitjic's canonical columns (order lines, item master, stock)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from jitjic.ingest.masters import ITEM_COLUMNS, STOCK_COLUMNS, unit_problems

__all__ = [
    "CANONICAL",
    "REQUIRED",
    "MAPPED_COLUMNS",
    "ColumnMapping",
    "PRESETS",
    "mapping_for",
    "closest_name",
    "unknown_keys",
]

# canonical order-line columns; every reader output uses exactly these names
CANONICAL = (
    "order_id",
    "sku",
    "description",
    "ordered_at",
    "quantity",
    "unit_price",
    "customer_id",
    "country",
)
REQUIRED = ("sku", "ordered_at", "quantity")

# codes in the Online Retail export that are fees, postage or adjustments, not products
ONLINE_RETAIL_NON_PRODUCT = (
    "POST",
    "D",
    "DOT",
    "M",
    "BANK CHARGES",
    "AMAZONFEE",
    "CRUK",
    "C2",
    "PADS",
    "S",
    "B",
)


@dataclass(frozen=True)
class ColumnMapping:
    """canonical name -> source column name, plus the export's conventions."""

    columns: dict[str, str]
    date_format: str = "ISO8601"
    delimiter: str = ","
    cancellation_prefix: str | None = None
    non_product_codes: tuple[str, ...] = ()
    product_code_pattern: str | None = None
    extra: dict[str, str] = field(default_factory=dict)
    # item master and stock files: canonical name -> the file's column (names only: units that
    # differ from jitjic's are stated in item_units)
    item_columns: dict[str, str] = field(default_factory=dict)
    stock_columns: dict[str, str] = field(default_factory=dict)
    # columns of item master and stock files that jitjic has no use for (skipped, not refused)
    ignore_columns: tuple[str, ...] = ()
    # item master: jitjic's column -> the unit the file gives it in (masters.ITEM_UNITS), e.g.
    # {"lead_time_days": "weeks", "holding_rate": "per_unit_year"}; converted when read
    item_units: dict[str, str] = field(default_factory=dict)

    def items(self) -> dict[str, str]:
        """Item master: every canonical column -> its column in the file."""
        return {**{c: c for c in ITEM_COLUMNS}, **self.item_columns}

    def stock(self) -> dict[str, str]:
        """Stock snapshot: every canonical column -> its column in the file."""
        return {**{c: c for c in STOCK_COLUMNS}, **self.stock_columns}


PRESETS: dict[str, ColumnMapping] = {
    "online_retail": ColumnMapping(
        columns={
            "order_id": "InvoiceNo",
            "sku": "StockCode",
            "description": "Description",
            "ordered_at": "InvoiceDate",
            "quantity": "Quantity",
            "unit_price": "UnitPrice",
            "customer_id": "CustomerID",
            "country": "Country",
        },
        cancellation_prefix="C",
        non_product_codes=ONLINE_RETAIL_NON_PRODUCT,
        # real products are numeric codes with an optional letter suffix (85123A)
        product_code_pattern=r"^[0-9]",
    ),
    "canonical": ColumnMapping(columns={c: c for c in CANONICAL}),
}


def closest_name(name: str, known: list[str] | tuple[str, ...]) -> str | None:
    """The known name ``name`` most likely means, or None: one whose words (split on ``_``) are all
    in ``name`` (``moq_units``: moq), else the closest spelling (``unit_cost_eur``: unit_cost)."""
    words = set(name.lower().split("_"))
    within = [k for k in known if set(k.split("_")) <= words]
    if within:
        return max(within, key=len)
    close = difflib.get_close_matches(name.lower(), list(known), n=1, cutoff=0.6)
    return close[0] if close else None


# the setting that maps each kind of file, and the canonical columns it may name
MAPPED_COLUMNS = {"columns": CANONICAL, "item_columns": ITEM_COLUMNS, "stock_columns": STOCK_COLUMNS}


def unknown_keys(given: dict[str, str] | None, known: tuple[str, ...]) -> str | None:
    """Why a mapping's keys are wrong (names no canonical column), or None."""
    unknown = sorted(set(given or {}) - set(known))
    if not unknown:
        return None
    hints = [f"{u!r}" + (f" (did you mean {c}?)" if (c := closest_name(u, known)) else "") for u in unknown]
    return f"names unknown canonical columns {', '.join(hints)}; known: {list(known)}"


def _check_keys(setting: str, given: dict[str, str] | None) -> None:
    why = unknown_keys(given, MAPPED_COLUMNS[setting])
    if why:
        raise ValueError(f"ingest.{setting} {why}")


def mapping_for(
    preset: str,
    columns: dict[str, str] | None = None,
    *,
    item_columns: dict[str, str] | None = None,
    stock_columns: dict[str, str] | None = None,
    ignore_columns: list[str] | None = None,
    item_units: dict[str, str] | None = None,
    date_format: str | None = None,
    delimiter: str | None = None,
    cancellation_prefix: str | None = None,
    non_product_codes: list[str] | None = None,
    product_code_pattern: str | None = None,
) -> ColumnMapping:
    """The named preset with any explicitly given value taking precedence."""
    if preset not in PRESETS:
        raise ValueError(f"unknown column preset {preset!r}; known: {sorted(PRESETS)}")
    base = PRESETS[preset]
    _check_keys("columns", columns)
    _check_keys("item_columns", item_columns)
    _check_keys("stock_columns", stock_columns)
    why = unit_problems(item_units)
    if why:
        raise ValueError(f"ingest.item_units: {why}")
    return ColumnMapping(
        columns={**base.columns, **(columns or {})},
        date_format=date_format or base.date_format,
        delimiter=delimiter or base.delimiter,
        cancellation_prefix=base.cancellation_prefix if cancellation_prefix is None else cancellation_prefix,
        non_product_codes=base.non_product_codes if non_product_codes is None else tuple(non_product_codes),
        product_code_pattern=base.product_code_pattern if product_code_pattern is None else product_code_pattern,
        item_columns=dict(item_columns or {}),
        stock_columns=dict(stock_columns or {}),
        ignore_columns=tuple(ignore_columns or ()),
        item_units=dict(item_units or {}),
    )
