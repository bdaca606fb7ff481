"""PLAN.toml parsing: the shipped example, defaults from settings, and errors that name the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from supportops.capacity.planfile import PlanDefaults, parse_plan
from supportops.errors import ConfigError, InputError

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "capacity-plan.toml"

MINIMAL = """
[[sites]]
name = "hub"
delivery_model = "offshore"
hourly_cost = 10

[[skills]]
name = "voice"
volume = [700, 700]
aht_s = 300

[plan]
weeks = 2
"""


def _no_csv(name: str) -> tuple[list[float], list[float] | None]:
    raise AssertionError(f"unexpected CSV {name}")


def test_the_shipped_example_parses() -> None:
    pf = parse_plan(EXAMPLE.read_text(encoding="utf-8"), source="example", defaults=PlanDefaults(), read_volume=_no_csv)
    inp = pf.input
    assert inp.weeks == 26 and [d.skill for d in inp.demand] == ["billing", "chat", "tech-email"]
    assert inp.shrinkage.total == pytest.approx(0.30)
    assert inp.pipeline.nesting_ramp == (0.5, 0.75, 0.9, 1.0)
    assert {s.name: s.lead_weeks for s in inp.sites} == {"london": 8, "manila": 6}
    assert inp.in_flight[0].start_week == -2
    assert pf.cohorts[0].hired == 12


def test_defaults_fill_what_the_file_leaves_out() -> None:
    pf = parse_plan(MINIMAL, source="p.toml", defaults=PlanDefaults(), read_volume=_no_csv)
    site = pf.input.sites[0]
    assert site.lead_weeks == 8  # the upper end of offshore's 4-8 weeks
    assert pf.input.shrinkage.total == pytest.approx(0.30) and pf.input.shrinkage.absenteeism == 0.08
    assert pf.input.demand[0].service_level == 0.80 and pf.input.demand[0].interval_minutes == 30
    rated = PlanDefaults(cost_rates={"hub": ("onshore", 30.0, 2000.0)})
    text = MINIMAL.replace('delivery_model = "offshore"\nhourly_cost = 10\n', "")
    assert parse_plan(text, source="p", defaults=rated, read_volume=_no_csv).input.sites[0].weekly_cost == (
        pytest.approx(30.0 * 2000 / 52)
    )


def test_volume_from_a_weekly_csv() -> None:
    text = MINIMAL.replace("volume = [700, 700]\naht_s = 300", 'volume_csv = "w.csv"')
    pf = parse_plan(
        text, source="p", defaults=PlanDefaults(), read_volume=lambda n: ([500.0, 600.0, 9.0], [310.0, 320.0, 1.0])
    )
    d = pf.input.demand[0]
    assert d.volume.tolist() == [500.0, 600.0] and d.aht.tolist() == [310.0, 320.0]

    def broken(name: str) -> tuple[list[float], list[float] | None]:
        raise InputError(f"{name}: no such file")

    with pytest.raises(ConfigError, match=r"skills\[0\].*volume_csv"):
        parse_plan(text, source="p", defaults=PlanDefaults(), read_volume=broken)


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (("weeks = 2", "weeks = 2\nhorizon = 3"), r"plan\.horizon: unknown key"),
        (("aht_s = 300", ""), r"skills\[0\] \(voice\): give aht_s"),
        (("volume = [700, 700]", "volume = [700]"), r"1 weekly values for a 2-week plan"),
        (('delivery_model = "offshore"', 'delivery_model = "moon"'), r"sites\[0\]\.delivery_model"),
        (("[plan]", "[shrinkage]\nbreaks = 0.7\nmeetings = 0.4\n[plan]"), "add up to"),
    ],
)
def test_errors_name_the_key(change: tuple[str, str], match: str) -> None:
    with pytest.raises(ConfigError, match=match):
        parse_plan(MINIMAL.replace(*change), source="p.toml", defaults=PlanDefaults(), read_volume=_no_csv)
