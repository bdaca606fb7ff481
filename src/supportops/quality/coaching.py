"""Coaching: each agent's most frequent error categories, and the list team leads coach from.

Inputs are two frames of evaluations:

- ``evaluations``: one row per evaluation with ``evaluation_id, agent_id, team_id, score`` (0-1) and
  ``critical_error`` (bool);
- ``items``: one row per answered item with ``evaluation_id, item, category`` and ``missed`` (bool).

A *miss* is an item that earned no credit. An agent's error categories are ranked by misses; ``share`` is the
fraction of the agent's evaluations with a miss in that category.
"""

from __future__ import annotations

import polars as pl

from supportops.errors import InputError

__all__ = ["PRIORITIES", "coaching_list", "error_categories"]

PRIORITIES = ("critical errors", "below quality target", "development")


def _need(frame: pl.DataFrame, name: str, columns: tuple[str, ...]) -> None:
    lacking = [c for c in columns if c not in frame.columns]
    if lacking:
        raise InputError(f"{name} lack column(s) {', '.join(lacking)}")


def error_categories(evaluations: pl.DataFrame, items: pl.DataFrame) -> pl.DataFrame:
    """Per agent and error category: ``misses``, ``evaluations`` of the agent, ``share`` and ``rank`` (1 = most
    frequent; ties broken by category name)."""
    _need(evaluations, "evaluations", ("evaluation_id", "agent_id"))
    _need(items, "items", ("evaluation_id", "category", "missed"))
    per_agent = evaluations.group_by("agent_id").agg(pl.col("evaluation_id").n_unique().alias("evaluations"))
    misses = (
        items.filter(pl.col("missed"))
        .join(evaluations.select("evaluation_id", "agent_id"), on="evaluation_id", how="inner")
        .group_by("agent_id", "category")
        .agg(pl.len().alias("misses"), pl.col("evaluation_id").n_unique().alias("with_miss"))
        .join(per_agent, on="agent_id")
        .with_columns((pl.col("with_miss") / pl.col("evaluations")).alias("share"))
        .sort(["agent_id", "misses", "category"], descending=[False, True, False])
    )
    return misses.with_columns(pl.int_range(1, pl.len() + 1).over("agent_id").alias("rank")).select(
        "agent_id", "category", "misses", "evaluations", "share", "rank"
    )


def coaching_list(
    evaluations: pl.DataFrame, items: pl.DataFrame, *, quality_min: float = 0.85, top: int = 3
) -> pl.DataFrame:
    """The coaching list: every agent with a miss, most urgent first.

    Columns ``team_id, agent_id, priority`` (critical errors, below quality target, development),
    ``evaluations, score`` (mean, 0-1), ``critical_errors`` (count) and ``focus`` (the ``top`` error
    categories with their miss counts). Ordered by priority, then lowest score.
    """
    _need(evaluations, "evaluations", ("evaluation_id", "agent_id", "team_id", "score", "critical_error"))
    cats = error_categories(evaluations, items).filter(pl.col("rank") <= top)
    focus = cats.group_by("agent_id").agg(
        pl.format("{} ({})", pl.col("category"), pl.col("misses")).sort_by(pl.col("rank")).str.join(", ").alias("focus")
    )
    agents = evaluations.group_by("agent_id").agg(
        pl.col("team_id").drop_nulls().first().alias("team_id"),
        pl.len().alias("evaluations"),
        pl.col("score").cast(pl.Float64).mean().alias("score"),
        pl.col("critical_error").cast(pl.Int64).sum().alias("critical_errors"),
    )
    out = agents.join(focus, on="agent_id", how="inner").with_columns(
        pl.when(pl.col("critical_errors") > 0)
        .then(pl.lit(PRIORITIES[0]))
        .when(pl.col("score") < quality_min)
        .then(pl.lit(PRIORITIES[1]))
        .otherwise(pl.lit(PRIORITIES[2]))
        .alias("priority"),
    )
    rank = pl.col("priority").replace_strict({p: i for i, p in enumerate(PRIORITIES)}, return_dtype=pl.Int64)
    return (
        out.with_columns(rank.alias("_p"))
        .sort(["_p", "score", "agent_id"])
        .select("team_id", "agent_id", "priority", "evaluations", "score", "critical_errors", "focus")
    )
