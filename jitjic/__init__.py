"""jitjic: nightly demand forecasts and a just-in-time / just-in-case decision per SKU."""

__version__ = "0.1.0"
