"""KPIs over the canonical tables as Ibis expressions, a balanced scorecard and the diagnostics behind it.

Each metric is declared once (:mod:`supportops.metrics.catalog`) and runs unchanged on DuckDB and on PySpark.
This package imports Ibis; ``import supportops`` does not import it.
"""

from __future__ import annotations

from supportops.metrics.backend import duckdb_backend, pyspark_backend
from supportops.metrics.catalog import METRICS, REQUIRED_SLUGS, get_metric, sl_variant_label
from supportops.metrics.compute import MetricResult, compute_metrics, resolve_metrics
from supportops.metrics.definitions import Metric, Target
from supportops.metrics.grain import DIMENSIONS, GRAINS, Grouping, parse_grouping

__all__ = [
    "DIMENSIONS",
    "GRAINS",
    "METRICS",
    "REQUIRED_SLUGS",
    "Grouping",
    "Metric",
    "MetricResult",
    "Target",
    "compute_metrics",
    "duckdb_backend",
    "get_metric",
    "parse_grouping",
    "pyspark_backend",
    "resolve_metrics",
    "sl_variant_label",
]
