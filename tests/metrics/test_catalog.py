"""The catalogue itself: required slugs, declarations, the public API and a cheap ``import supportops``."""

from __future__ import annotations

import subprocess
import sys

import supportops.metrics as metrics_pkg
from supportops.config import Settings
from supportops.metrics import METRICS, REQUIRED_SLUGS, get_metric, sl_variant_label


def test_required_slugs_are_declared_once() -> None:
    slugs = [m.slug for m in METRICS]
    assert len(slugs) == len(set(slugs))
    for slug in REQUIRED_SLUGS:
        assert get_metric(slug).slug == slug


def test_every_metric_has_a_formula_or_a_derivation_with_declared_dependencies() -> None:
    known = {m.slug for m in METRICS}
    for m in METRICS:
        assert (m.expr is None) != (m.derive is None), m.slug
        assert (m.source == "derived") == (m.derive is not None), m.slug
        assert set(m.dependencies) <= known, m.slug
        assert m.better in ("higher", "lower", "target")
        assert m.formula


def test_targets_come_from_settings() -> None:
    s = Settings()
    assert get_metric("service_level").target_for(s).low == 0.80  # type: ignore[union-attr]
    assert get_metric("repeat_rate_7d").target_for(s).high == 0.15  # type: ignore[union-attr]
    assert get_metric("nps").target_for(s).low == 40  # type: ignore[union-attr]
    assert get_metric("aht_s").target_for(s) is None
    changed = s.model_copy(update={"targets": s.targets.model_copy(update={"transfer_rate_max": 0.2})})
    assert get_metric("transfer_rate").target_for(changed).high == 0.2  # type: ignore[union-attr]


def test_variant_is_named() -> None:
    s = Settings()
    assert sl_variant_label(s).startswith("abandons_negative")
    ignored = s.model_copy(
        update={
            "service_level": s.service_level.model_copy(update={"variant": "abandons_ignored", "short_abandon_s": 5})
        }
    )
    label = sl_variant_label(ignored)
    assert label.startswith("abandons_ignored")
    assert "under 5 s" in label


def _isort_key(name: str) -> tuple[int, str]:
    """Constants, then classes, then functions, each alphabetical (ruff's isort-style ``__all__`` order)."""
    return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)


def test_all_is_sorted_and_complete() -> None:
    assert list(metrics_pkg.__all__) == sorted(metrics_pkg.__all__, key=_isort_key)
    for name in metrics_pkg.__all__:
        assert hasattr(metrics_pkg, name)


def test_import_supportops_does_not_import_ibis() -> None:
    code = "import sys, supportops, supportops.cli.main; print('ibis' in sys.modules, 'pyspark' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False False"
