"""Column mappings from ERP exports onto jitjic's canonical order-line columns."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["CANONICAL", "REQUIRED", "ColumnMapping", "PRESETS", "mapping_for"]

# canonical order-line columns; every reader output uses exactly these names
CANONICAL = (
    "order_id", "sku", "description", "ordered_at", "quantity", "unit_price", "customer_id", "country",
)
REQUIRED = ("sku", "ordered_at", "quantity")

# codes in the Online Retail export that are fees, postage or adjustments, not products
ONLINE_RETAIL_NON_PRODUCT = (
    "POST", "D", "DOT", "M", "BANK CHARGES", "AMAZONFEE", "CRUK", "C2", "PADS", "S", "B",
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


def mapping_for(
    preset: str,
    columns: dict[str, str] | None = None,
    *,
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
    unknown = set(columns or {}) - set(CANONICAL)
    if unknown:
        raise ValueError(f"ingest.columns names unknown canonical columns {sorted(unknown)}; known: {list(CANONICAL)}")
    return ColumnMapping(
        columns={**base.columns, **(columns or {})},
        date_format=date_format or base.date_format,
        delimiter=delimiter or base.delimiter,
        cancellation_prefix=base.cancellation_prefix if cancellation_prefix is None else cancellation_prefix,
        non_product_codes=base.non_product_codes if non_product_codes is None else tuple(non_product_codes),
        product_code_pattern=base.product_code_pattern if product_code_pattern is None else product_code_pattern,
    )
