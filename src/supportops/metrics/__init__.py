"""KPIs over the canonical tables as Ibis expressions, a balanced scorecard and the diagnostics behind it.

Each metric is declared once (:mod:`supportops.metrics.catalog`) and runs unchanged on DuckDB and on PySpark.
This package imports Ibis; ``import supportops`` does not import it.
"""

from __future__ import annotations

from supportops.metrics.backend import duckdb_backend, pyspark_backend
from supportops.metrics.catalog import METRICS, REQUIRED_SLUGS, get_metric, sl_variant_label
from supportops.metrics.compute import MetricResult, compute_metrics, resolve_metrics
from supportops.metrics.definitions import Metric, Target
from supportops.metrics.diagnostics import Diagnostic, run_diagnostics
from supportops.metrics.grain import DIMENSIONS, GRAINS, Grouping, parse_grouping, period_bounds
from supportops.metrics.scorecard import AT_RISK_BAND, Scorecard, ScorecardLine, build_scorecard, status_of

__all__ = [
    "AT_RISK_BAND",
    "DIMENSIONS",
    "GRAINS",
    "METRICS",
    "REQUIRED_SLUGS",
    "Diagnostic",
    "Grouping",
    "Metric",
    "MetricResult",
    "Scorecard",
    "ScorecardLine",
    "Target",
    "build_scorecard",
    "compute_metrics",
    "duckdb_backend",
    "get_metric",
    "parse_grouping",
    "period_bounds",
    "pyspark_backend",
    "resolve_metrics",
    "run_diagnostics",
    "sl_variant_label",
    "status_of",
]
