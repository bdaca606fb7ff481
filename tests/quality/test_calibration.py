"""Calibration: deviations from the expert and the consensus, ±5% flags, reliability, item disagreement."""

from __future__ import annotations

import itertools

import numpy as np
import polars as pl
import pytest

from supportops.errors import InputError
from supportops.quality import calibrate

SCORES = {  # contact -> evaluator -> score
    "c1": {"alice": 0.90, "bob": 0.95, "carol": 0.80},
    "c2": {"alice": 0.80, "bob": 0.85, "carol": 0.70},
    "c3": {"alice": 0.70, "bob": 0.80, "carol": 0.60},
    "c4": {"alice": 1.00, "bob": 1.00, "carol": 0.90},
}


def frame(scores: dict[str, dict[str, float]] = SCORES, scale: float = 1.0) -> pl.DataFrame:
    rows = [(c, e, s * scale) for c, by in scores.items() for e, s in by.items()]
    return pl.DataFrame(rows, schema=["contact_id", "evaluator", "score"], orient="row")


def pairwise_interval_alpha(units: list[list[float]]) -> float:
    """Krippendorff's interval alpha from its pairwise form: D_o averages (x_i - x_j)² over ordered pairs inside a
    unit weighted 1/(m_u - 1); D_e averages it over all ordered pairs of pairable values."""
    units = [u for u in units if len(u) >= 2]
    values = [v for u in units for v in u]
    n = len(values)
    d_o = sum(sum((a - b) ** 2 for a, b in itertools.permutations(u, 2)) / (len(u) - 1) for u in units) / n
    d_e = sum((a - b) ** 2 for a, b in itertools.permutations(values, 2)) / (n * (n - 1))
    return 1 - d_o / d_e


def test_deviation_from_the_expert() -> None:
    r = calibrate(frame(), expert="alice")
    e = {d.evaluator: d for d in r.evaluators}
    # bob: +0.05, +0.05, +0.10, 0 -> mean +0.05 (on the tolerance, not beyond it); carol: -0.10 on every contact
    assert e["bob"].mean_deviation == pytest.approx(0.05) and not e["bob"].flagged
    assert e["carol"].mean_deviation == pytest.approx(-0.10) and e["carol"].flagged
    assert e["alice"].mean_deviation == 0.0 and not e["alice"].flagged
    assert e["bob"].mean_abs_deviation == pytest.approx(0.05)
    assert r.reference == "expert alice"


def test_deviation_from_the_consensus() -> None:
    r = calibrate(frame())
    e = {d.evaluator: d for d in r.evaluators}
    # consensus per contact: 0.8833, 0.7833, 0.70, 0.9667; bob +0.0667, +0.0667, +0.10, +0.0333 -> +0.0667
    assert e["bob"].mean_deviation == pytest.approx(0.2667 / 4, abs=1e-4) and e["bob"].flagged
    assert e["carol"].mean_deviation == pytest.approx(-0.3333 / 4, abs=1e-4) and e["carol"].flagged
    assert e["alice"].mean_deviation == pytest.approx(0.0667 / 4, abs=1e-4) and not e["alice"].flagged
    assert sum(d.mean_deviation for d in r.evaluators) == pytest.approx(0.0)  # deviations from a mean cancel


def test_reliability_statistics() -> None:
    r = calibrate(frame())
    units = [list(by.values()) for by in SCORES.values()]
    assert r.krippendorff_alpha_interval == pytest.approx(pairwise_interval_alpha(units))
    x = np.array(units)  # targets × judges
    n, k = x.shape
    g = x.mean()
    bms = k * ((x.mean(1) - g) ** 2).sum() / (n - 1)
    jms = n * ((x.mean(0) - g) ** 2).sum() / (k - 1)
    ems = (((x - x.mean(1, keepdims=True) - x.mean(0, keepdims=True) + g) ** 2).sum()) / ((n - 1) * (k - 1))
    assert r.icc == pytest.approx((bms - ems) / (bms + (k - 1) * ems + k * (jms - ems) / n))
    assert r.icc_form == "ICC(2,1)" and r.icc_contacts == 4


def test_points_out_of_100_and_missing_scores() -> None:
    a = calibrate(frame(scale=100.0), expert="alice")
    b = calibrate(frame(), expert="alice")
    assert [d.mean_deviation for d in a.evaluators] == pytest.approx([d.mean_deviation for d in b.evaluators])
    assert a.krippendorff_alpha_interval == pytest.approx(b.krippendorff_alpha_interval)
    partial = {c: dict(by) for c, by in SCORES.items()}
    del partial["c2"]["carol"]
    r = calibrate(frame(partial))
    units = [list(by.values()) for by in partial.values()]
    assert r.krippendorff_alpha_interval == pytest.approx(pairwise_interval_alpha(units))
    assert r.icc_contacts == 3  # the ICC uses the contacts every evaluator scored
    assert {d.evaluator: d.contacts for d in r.evaluators}["carol"] == 3


def test_items_with_most_disagreement() -> None:
    rows = []
    answers = {
        "greeting": {"c1": "yyy", "c2": "yyy", "c3": "yyy"},
        "empathy": {"c1": "yny", "c2": "nnn", "c3": "yyn"},
        "disclosure": {"c1": "yyy", "c2": "yyn", "c3": "nnn"},
    }
    for item, by_contact in answers.items():
        for contact, marks in by_contact.items():
            for ev, m in zip(("alice", "bob", "carol"), marks, strict=True):
                rows.append((contact, ev, "yes" if m == "y" else "no", item))
    r = calibrate(pl.DataFrame(rows, schema=["contact_id", "evaluator", "score", "item"], orient="row"))
    assert [(i.item, round(i.disagreement, 3)) for i in r.items] == [
        ("empathy", 0.667),
        ("disclosure", 0.333),
        ("greeting", 0.0),
    ]
    # nominal alpha over the 9 (contact, item) units, by hand: 27 values, 18 yes and 9 no; each of the 3
    # disagreeing units (two of one answer, one of the other) adds 2 ordered yes-no pairs / (3 - 1) = 1 to o_yes,no
    n_yes, n_no, n = 18, 9, 27
    o_yes_no = 3 * (2 * 1) / 2
    assert r.krippendorff_alpha_nominal == pytest.approx(1 - (n - 1) * o_yes_no / (n_yes * n_no))
    assert r.contacts == 3  # overall scores are the item means


def test_calibration_needs_two_evaluators_and_a_known_expert() -> None:
    one = frame({"c1": {"alice": 0.9}, "c2": {"alice": 0.8}})
    with pytest.raises(InputError, match="two evaluators"):
        calibrate(one)
    with pytest.raises(InputError, match="expert 'dave'"):
        calibrate(frame(), expert="dave")
    with pytest.raises(InputError, match="lack column"):
        calibrate(pl.DataFrame({"contact_id": ["c1"], "score": [1.0]}))
