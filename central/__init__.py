"""The ministry's central service: branches ship their event logs here, into PostgreSQL.

Layers: this package imports `core` for the contract and the statistics rules only (the KPI
definitions, histogram bins and quantile rule in `core.stats`), and `reports` for drawing
Arabic PDFs (see docs/decisions/central-reuses-report-drawing.md). Never Qt, never the hub.
"""
