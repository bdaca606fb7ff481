"""What a metric is: a declared object with its formula as an Ibis aggregation, its unit, direction and target.

A :class:`Metric` names the derived table it aggregates (``source``: legs, conversations, repeats, surveys or
states,
see :mod:`supportops.metrics.tables`), its formula as ``expr(tables) -> Ibis scalar expression`` (evaluated once
per group), or, for a metric built from others, ``derive(values)`` over its ``dependencies``. Targets come
from the workspace settings, never from the metric itself. The catalogue lives in
:mod:`supportops.metrics.catalog`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from supportops.config import Settings
    from supportops.metrics.tables import MetricTables

__all__ = ["Better", "Category", "Metric", "Source", "Target", "Unit"]

Better = Literal["higher", "lower", "target"]
Source = Literal["legs", "conversations", "repeats", "surveys", "states", "derived"]
Unit = Literal["count", "fraction", "seconds", "score", "hours", "currency", "per_hour"]
Category = Literal["volume", "speed", "efficiency", "outcome", "customer", "mix"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Target:
    """A goal for a metric: at least ``low`` (kind ``min``), at most ``high`` (``max``), or within both (``range``)."""

    kind: Literal["min", "max", "range"]
    low: float | None = None
    high: float | None = None

    def describe(self, unit: str = "") -> str:
        """``>= 80%``, ``<= 0.05``, ``30% to 40%``: fractions as percentages when ``unit`` is ``fraction``."""

        def f(v: float | None) -> str:
            assert v is not None
            return f"{v:.0%}" if unit == "fraction" else f"{v:g}"

        if self.kind == "min":
            return f">= {f(self.low)}"
        if self.kind == "max":
            return f"<= {f(self.high)}"
        return f"{f(self.low)} to {f(self.high)}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Metric:
    """One KPI, declared once.

    ``expr`` builds the aggregation on the ``source`` table of a :class:`MetricTables`; ``derive`` computes a
    value from the values of ``dependencies`` in the same group (None when any input is missing). ``formula``
    is the human statement of the definition (the docs and ``supportops metrics --list`` print it).
    ``internal`` metrics are components other metrics need; they are computed but not shown by default.
    """

    slug: str
    label: str
    unit: Unit
    better: Better
    category: Category
    source: Source
    formula: str
    requires: tuple[str, ...] = ()
    expr: Callable[[MetricTables], ir.Scalar] | None = None
    derive: Callable[[Mapping[str, float | None]], float | None] | None = None
    dependencies: tuple[str, ...] = ()
    target: Callable[[Settings], Target | None] | None = field(default=None, repr=False)
    internal: bool = False

    def target_for(self, settings: Settings) -> Target | None:
        """This metric's target in the workspace, or None when it has none."""
        return self.target(settings) if self.target is not None else None

    @property
    def is_duration(self) -> bool:
        return self.unit == "seconds"
