"""The workspace file: the template loads to the brief's defaults; every error names its key and why."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from supportops.config import TEMPLATE, Settings, load_settings, parse_settings
from supportops.errors import ConfigError


def template(**kw: str) -> str:
    values = {"name": "x", "time_zone": "UTC", "program": "acme", "program_name": "Acme", "queue": "general"}
    values.update(kw)
    return TEMPLATE.format(**values)


def test_template_values_are_the_declared_defaults() -> None:
    s = parse_settings(template())
    defaults = Settings()
    for section in ("service_level", "targets", "staffing", "forecasting", "capacity", "ratios", "channel_mix"):
        assert getattr(s, section) == getattr(defaults, section), section


def test_brief_numbers_are_the_defaults() -> None:
    s = Settings()
    assert (s.service_level.target, s.service_level.threshold_s) == (0.80, 20)
    assert (s.staffing.shrinkage, s.staffing.absenteeism) == (0.30, 0.08)
    assert (s.targets.abandon_rate_max, s.targets.csat_top2_min, s.targets.nps_min, s.targets.ces_min) == (
        0.05,
        0.85,
        40,
        5.5,
    )
    assert (s.targets.fcr_min, s.targets.repeat_rate_max, s.targets.transfer_rate_max) == (0.75, 0.15, 0.12)
    assert (s.targets.escalation_rate_max, s.targets.tier1_to_tier2_max, s.targets.tier3_max) == (0.05, 0.20, 0.05)
    assert (s.targets.quality_min, s.targets.quality_excellent, s.targets.critical_error_rate_max) == (0.85, 0.90, 0.03)
    assert s.targets.adherence_min == 0.90
    assert (s.forecasting.accuracy_week, s.forecasting.accuracy_interval) == (0.05, 0.10)
    assert (s.capacity.training_attrition_max, s.capacity.nesting_attrition_max) == (0.15, 0.10)
    assert s.capacity.nesting_ramp == (0.50, 0.75, 0.90, 1.00)
    assert (s.ratios.team_lead, s.ratios.qa_analyst, s.ratios.trainer) == ((12, 15), (20, 25), 15)
    assert s.channel_mix.self_service == (0.30, 0.40)


def test_queue_hours() -> None:
    s = parse_settings(template())
    q = s.queues[0]
    assert q.opening_hours(0) == (time(8), time(20))
    assert q.opening_hours(5) == (time(9), time(17))
    assert q.opening_hours(6) is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('time_zone = "UTC"', 'time_zone = "Mars/Base"'), "workspace.time_zone: 'Mars/Base' is not an IANA time zone"),
        (("shrinkage = 0.30", "shrinkage = 1.5"), "staffing.shrinkage: Input should be less than or equal to 1"),
        (('mon = "08:00-20:00"', 'mon = "8-20"'), "queues[0].hours: mon: '8-20' is not 'HH:MM-HH:MM' or 'closed'"),
        (('mon = "08:00-20:00"', 'mon = "20:00-08:00"'), "closes before it opens"),
        (('channel = "voice"', 'channel = "fax"'), "queues[0].channel: 'fax' is not a channel"),
        (("nps_min = 40", "nps_mini = 40"), "targets.nps_mini: unknown key"),
        (('program = "acme"\nchannel', 'program = "other"\nchannel'), "queues[0].program: 'other' is not a program id"),
        (('delivery_model = "onshore"', 'delivery_model = "moon"'), "cost_rates[0].delivery_model: 'moon'"),
        (("[targets]", "[targets"), "not valid TOML"),
    ],
)
def test_errors_name_the_key_and_why(change: tuple[str, str], message: str) -> None:
    text = template()
    assert change[0] in text
    with pytest.raises(ConfigError) as exc:
        parse_settings(text.replace(change[0], change[1], 1), source="ws/supportops.toml")
    assert message in str(exc.value)
    assert str(exc.value).startswith("ws/supportops.toml: ")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no workspace file here"):
        load_settings(tmp_path)


def test_mapping_must_name_canonical_columns() -> None:
    text = template() + '\n[ingest.crm]\ntable = "contacts"\ncolumns = { talk_time = "TALK" }\n'
    with pytest.raises(ConfigError, match=r"ingest\.crm: 'talk_time' is not a column of contacts"):
        parse_settings(text)


def test_time_zone_resolution_order() -> None:
    text = template(time_zone="Europe/London") + (
        '\n[[queues]]\nid = "ny"\nprogram = "acme"\ntime_zone = "America/New_York"\n'
    )
    s = parse_settings(text)
    assert s.time_zone_for("acme", "ny") == "America/New_York"
    assert s.time_zone_for("acme", "general") == "Europe/London"
    assert s.time_zone_for("acme") == "Europe/London"
