"""The workspace file (``supportops.toml``): programs, queues, cost rates, targets and ingest mappings.

:func:`load_settings` parses and validates the file; any problem raises :class:`ConfigError` naming the key
(``queues[2].hours.mon``) and why. :data:`TEMPLATE` is the commented file ``supportops init`` writes; its
values are the brief's defaults, and a test keeps it equal to the defaults declared here.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date, time
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from supportops.errors import ConfigError
from supportops.schema import CHANNELS, DELIVERY_MODELS, TABLES

__all__ = [
    "CONFIG_FILE",
    "TEMPLATE",
    "Capacity",
    "ChannelMix",
    "CostRate",
    "Forecasting",
    "IngestMapping",
    "Program",
    "Quality",
    "Queue",
    "Ratios",
    "Reasons",
    "Scheduling",
    "ServiceLevel",
    "Settings",
    "Staffing",
    "Targets",
    "Workspace",
    "load_settings",
    "parse_settings",
]

CONFIG_FILE = "supportops.toml"

Fraction = Annotated[float, Field(ge=0.0, le=1.0)]
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HOURS_RE = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{value!r} is not an IANA time zone (for example 'Europe/London')") from None
    return value


class Workspace(_Model):
    name: str = "supportops workspace"
    time_zone: str = "UTC"
    week_start: Literal["monday", "sunday", "saturday"] = "monday"
    currency: str = "USD"

    _zone = field_validator("time_zone")(_check_zone)


class Program(_Model):
    id: str = Field(min_length=1)
    name: str = ""
    client: str = ""
    time_zone: str | None = None

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, v: str | None) -> str | None:
        return None if v is None else _check_zone(v)


def _parse_hours(value: str) -> tuple[time, time] | None:
    """``"08:00-20:00"`` → (08:00, 20:00); ``"closed"`` → None; ``"00:00-24:00"`` is the whole day."""
    if value.strip().lower() == "closed":
        return None
    m = _HOURS_RE.match(value.strip())
    if not m:
        raise ValueError(f"{value!r} is not 'HH:MM-HH:MM' or 'closed'")
    h1, m1, h2, m2 = (int(g) for g in m.groups())
    if h1 > 23 or m1 > 59 or h2 > 24 or m2 > 59 or (h2 == 24 and m2 != 0):
        raise ValueError(f"{value!r} holds an impossible time")
    start = time(h1, m1)
    end = time(23, 59, 59, 999999) if h2 == 24 else time(h2, m2)
    if end <= start and not (h2 == 24):
        raise ValueError(f"{value!r} closes before it opens (split overnight hours over two days)")
    return start, end


class Queue(_Model):
    id: str = Field(min_length=1)
    program: str
    channel: str = "voice"
    language: str = "en"
    skills: tuple[str, ...] = ()
    time_zone: str | None = None
    hours: dict[str, str] = Field(default_factory=lambda: dict.fromkeys(WEEKDAYS, "00:00-24:00"))
    closed_dates: tuple[date, ...] = ()

    @field_validator("channel")
    @classmethod
    def _channel(cls, v: str) -> str:
        if v not in CHANNELS:
            raise ValueError(f"{v!r} is not a channel; channels are {', '.join(CHANNELS)}")
        return v

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, v: str | None) -> str | None:
        return None if v is None else _check_zone(v)

    @field_validator("hours")
    @classmethod
    def _hours(cls, v: dict[str, str]) -> dict[str, str]:
        for day, spec in v.items():
            if day not in WEEKDAYS:
                raise ValueError(f"{day!r} is not a weekday; use {', '.join(WEEKDAYS)}")
            try:
                _parse_hours(spec)
            except ValueError as exc:
                raise ValueError(f"{day}: {exc}") from None
        return {d: v.get(d, "closed") for d in WEEKDAYS}

    def opening_hours(self, weekday: int) -> tuple[time, time] | None:
        """Opening (start, end) local times on ``weekday`` (Monday = 0), or None when closed."""
        return _parse_hours(self.hours[WEEKDAYS[weekday]])


class CostRate(_Model):
    site: str
    delivery_model: str
    hourly_cost: float = Field(gt=0, description="Fully loaded cost per paid agent hour, workspace currency.")
    paid_hours_per_year: float = Field(default=1920, gt=0)

    @field_validator("delivery_model")
    @classmethod
    def _model(cls, v: str) -> str:
        if v not in DELIVERY_MODELS:
            raise ValueError(f"{v!r} is not a delivery model; use {', '.join(DELIVERY_MODELS)}")
        return v


class ServiceLevel(_Model):
    target: Fraction = 0.80
    threshold_s: float = Field(default=20, gt=0)
    variant: Literal["abandons_negative", "abandons_ignored", "abandons_positive"] = "abandons_negative"
    short_abandon_s: float = Field(default=0, ge=0)


class Targets(_Model):
    abandon_rate_max: Fraction = 0.05
    csat_top2_min: Fraction = 0.85
    nps_min: float = Field(default=40, ge=-100, le=100)
    ces_min: float = Field(default=5.5, ge=1, le=7)
    fcr_min: Fraction = 0.75
    repeat_rate_max: Fraction = 0.15
    repeat_window_days: int = Field(default=7, ge=1, le=90)
    transfer_rate_max: Fraction = 0.12
    escalation_rate_max: Fraction = 0.05
    tier1_to_tier2_max: Fraction = 0.20
    tier3_max: Fraction = 0.05
    quality_min: Fraction = 0.85
    quality_excellent: Fraction = 0.90
    critical_error_rate_max: Fraction = 0.03
    adherence_min: Fraction = 0.90


class Staffing(_Model):
    shrinkage: Fraction = 0.30
    absenteeism: Fraction = 0.08
    max_occupancy: Fraction = 0.85
    interval_minutes: Literal[15, 30, 60] = 30
    chat_concurrency: int = Field(default=2, ge=1, le=6)
    attrition_buffer: Fraction = 0.20

    @model_validator(mode="after")
    def _sane(self) -> Staffing:
        if self.shrinkage >= 1 or self.absenteeism >= 1:
            raise ValueError("shrinkage and absenteeism must be below 1")
        return self


class Forecasting(_Model):
    accuracy_interval: Fraction = 0.10
    accuracy_week: Fraction = 0.05
    holidays_country: str | None = None
    history_weeks: int = Field(default=8, ge=1)


class Capacity(_Model):
    monthly_attrition: Fraction = 0.04
    early_tenure_attrition: Fraction = 0.10
    training_attrition_max: Fraction = 0.15
    nesting_attrition_max: Fraction = 0.10
    training_weeks: int = Field(default=3, ge=1, le=8)
    nesting_ramp: tuple[float, ...] = (0.50, 0.75, 0.90, 1.00)
    hiring_lead_weeks_onshore: tuple[int, int] = (6, 10)
    hiring_lead_weeks_offshore: tuple[int, int] = (4, 8)


class Ratios(_Model):
    team_lead: tuple[int, int] = (12, 15)
    qa_analyst: tuple[int, int] = (20, 25)
    trainer: int = 15
    wfm_analyst: int = 75


class Scheduling(_Model):
    """Rules every generated schedule keeps (see docs/scheduling.md); times are local "HH:MM"."""

    shift_lengths_h: tuple[float, ...] = (8.0,)
    start_step_min: int = Field(default=30, ge=5, le=240)
    earliest_start: str = "06:00"
    latest_start: str = "14:00"
    overnight: bool = False
    days_off_per_week: int = Field(default=2, ge=0, le=7)
    consecutive_days_off: bool = True
    max_consecutive_days: int = Field(default=6, ge=1, le=28)
    min_rest_h: float = Field(default=11.0, ge=0, le=48)
    breaks: tuple[tuple[int, int, int], ...] = ((15, 90, 150), (30, 210, 300), (15, 330, 390))
    overtime_max_h: float = Field(default=4.0, ge=0)
    late_shift_end: str = "20:00"
    under_weight: int = Field(default=2, ge=1, le=100)
    over_weight: int = Field(default=1, ge=1, le=100)


class ChannelMix(_Model):
    self_service: tuple[float, float] = (0.30, 0.40)
    chat_messaging: tuple[float, float] = (0.25, 0.35)
    voice: tuple[float, float] = (0.25, 0.35)


class Reasons(_Model):
    """Contact-reason analysis: the classifier's ``unknown`` threshold and the business-case assumptions."""

    unknown_threshold: Fraction = 0.5
    avoidable_share: Fraction = 0.5
    automatable_share: Fraction = 0.4
    automated_cost_per_contact: float = Field(default=0.5, ge=0)
    optimizable_aht_cut: Fraction = 0.15
    implementation_cost: float = Field(default=25000, ge=0)
    running_cost_per_year: float = Field(default=5000, ge=0)
    levers: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _levers(self) -> Reasons:
        if not self.levers:
            return self
        from supportops.reasons.taxonomy import LEVERS

        for reason, lever in self.levers.items():
            if lever not in LEVERS:
                raise ValueError(f"levers[{reason!r}]: {lever!r} is not one of {', '.join(LEVERS)}")
        return self


class Quality(_Model):
    """Quality programme: evaluation quotas, targeted sampling rules, calibration tolerance, scorecard files."""

    random_per_agent_month: tuple[int, int] = (4, 8)
    new_agent_days: int = Field(default=30, ge=0, le=365)
    targeted_per_agent_month: int = Field(default=2, ge=0, le=60)
    aht_outlier_iqr: float = Field(default=1.5, gt=0)
    calibration_tolerance: Fraction = 0.05
    scorecard_dir: str = "scorecards"

    @model_validator(mode="after")
    def _quota(self) -> Quality:
        lo, hi = self.random_per_agent_month
        if not 0 <= lo <= hi:
            raise ValueError("random_per_agent_month must be [min, max] with 0 <= min <= max")
        return self


class IngestMapping(_Model):
    """How a generic CSV or Parquet file maps onto a canonical table."""

    table: str = "contacts"
    columns: dict[str, str] = Field(default_factory=dict)
    constants: dict[str, str] = Field(default_factory=dict)
    duration_unit: Literal["s", "ms", "min", "hms", "auto"] = "auto"
    duration_units: dict[str, Literal["s", "ms", "min", "hms", "auto"]] = Field(default_factory=dict)
    timestamp_format: str = "auto"
    time_zone: str | None = None
    delimiter: Literal["auto", ",", ";", "\t", "|"] = "auto"

    @field_validator("table")
    @classmethod
    def _table(cls, v: str) -> str:
        if v not in TABLES:
            raise ValueError(f"{v!r} is not a canonical table; tables are {', '.join(TABLES)}")
        return v

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, v: str | None) -> str | None:
        return None if v is None else _check_zone(v)

    @model_validator(mode="after")
    def _known_columns(self) -> IngestMapping:
        names = TABLES[self.table].column_names
        for key in (*self.columns, *self.constants, *self.duration_units):
            if key not in names:
                raise ValueError(f"{key!r} is not a column of {self.table}")
        return self


class Settings(_Model):
    workspace: Workspace = Workspace()
    programs: tuple[Program, ...] = ()
    queues: tuple[Queue, ...] = ()
    cost_rates: tuple[CostRate, ...] = ()
    service_level: ServiceLevel = ServiceLevel()
    targets: Targets = Targets()
    staffing: Staffing = Staffing()
    forecasting: Forecasting = Forecasting()
    capacity: Capacity = Capacity()
    ratios: Ratios = Ratios()
    channel_mix: ChannelMix = ChannelMix()
    scheduling: Scheduling = Scheduling()
    quality: Quality = Quality()
    reasons: Reasons = Reasons()
    ingest: dict[str, IngestMapping] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _references(self) -> Settings:
        ids = [p.id for p in self.programs]
        if len(set(ids)) != len(ids):
            raise ValueError(f"program ids repeat: {sorted(i for i in set(ids) if ids.count(i) > 1)}")
        qids = [q.id for q in self.queues]
        if len(set(qids)) != len(qids):
            raise ValueError(f"queue ids repeat: {sorted(i for i in set(qids) if qids.count(i) > 1)}")
        for i, q in enumerate(self.queues):
            if q.program not in ids:
                raise ValueError(f"queues[{i}].program: {q.program!r} is not a program id ({', '.join(ids)})")
        return self

    def program(self, program_id: str) -> Program | None:
        return next((p for p in self.programs if p.id == program_id), None)

    def queue(self, queue_id: str) -> Queue | None:
        return next((q for q in self.queues if q.id == queue_id), None)

    def time_zone_for(self, program_id: str, queue_id: str | None = None) -> str:
        """The IANA zone in which naive local times of this queue (or program) are read."""
        q = self.queue(queue_id) if queue_id else None
        if q and q.time_zone:
            return q.time_zone
        p = self.program(program_id)
        if p and p.time_zone:
            return p.time_zone
        return self.workspace.time_zone


def _loc(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out or "(top level)"


def parse_settings(text: str, *, source: str = CONFIG_FILE) -> Settings:
    """Settings from the text of a workspace file; :class:`ConfigError` names the key and why."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML: {exc}") from None
    try:
        return Settings.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                msg = "unknown key (check the spelling; see the commented template from `supportops init`)"
            problems.append(f"{_loc(tuple(err['loc']))}: {msg}")
        raise ConfigError(f"{source}: " + "; ".join(problems)) from None


def load_settings(path: Path) -> Settings:
    """Settings from ``path`` (a workspace folder or its ``supportops.toml``)."""
    file = path / CONFIG_FILE if path.is_dir() else path
    try:
        text = file.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(f"{file}: no workspace file here; create one with `supportops init DIR`") from None
    return parse_settings(text, source=str(file))


TEMPLATE = """\
# supportops workspace configuration. Every number here is a default from the operating model;
# change what differs in your operation. Reload happens on every command; errors name the key.

[workspace]
name = "{name}"
time_zone = "{time_zone}"     # IANA zone: reports and naive local times use it unless a queue says otherwise
week_start = "monday"         # monday (ISO weeks, labelled YYYY-Www), sunday or saturday
currency = "USD"

# Programs are the clients / lines of business a BPO runs. Every contact belongs to one.
[[programs]]
id = "{program}"
name = "{program_name}"
client = "{program_name}"
# time_zone = "America/New_York"   # overrides the workspace zone for this program

# Queues: channel (voice, chat, messaging, email, social, self_service, bot), language, skills,
# time zone, opening hours per weekday ("HH:MM-HH:MM", "00:00-24:00" or "closed") and closed dates.
[[queues]]
id = "{queue}"
program = "{program}"
channel = "voice"
language = "en"
skills = ["general"]
closed_dates = []
hours = {{ mon = "08:00-20:00", tue = "08:00-20:00", wed = "08:00-20:00", thu = "08:00-20:00", fri = "08:00-20:00", sat = "09:00-17:00", sun = "closed" }}

# Cost per paid agent hour by site and delivery model (onshore, nearshore, offshore, work_from_home).
[[cost_rates]]
site = "main"
delivery_model = "onshore"
hourly_cost = 32.0
paid_hours_per_year = 1920

[service_level]
target = 0.80           # 80% of contacts answered ...
threshold_s = 20        # ... within 20 seconds
# abandons_negative: answered within T / all offered (abandons count against, the brief's default)
# abandons_ignored: answered within T / (offered - abandoned within T)
# abandons_positive: (answered + abandoned within T) / offered
variant = "abandons_negative"
short_abandon_s = 0     # abandons faster than this are not offered at all (0 = no exclusion)

[targets]
abandon_rate_max = 0.05
csat_top2_min = 0.85    # share of 4s and 5s on the 1-5 scale
nps_min = 40
ces_min = 5.5           # mean of the 1-7 CES 2.0 scale
fcr_min = 0.75
repeat_rate_max = 0.15
repeat_window_days = 7
transfer_rate_max = 0.12
escalation_rate_max = 0.05
tier1_to_tier2_max = 0.20
tier3_max = 0.05
quality_min = 0.85
quality_excellent = 0.90
critical_error_rate_max = 0.03
adherence_min = 0.90

[staffing]
shrinkage = 0.30        # breaks, meetings, training, coaching, system downtime (25-35%)
absenteeism = 0.08      # 5-10%
max_occupancy = 0.85
interval_minutes = 30
chat_concurrency = 2
attrition_buffer = 0.20 # 15-25% of FTE in the training pipeline

[forecasting]
accuracy_interval = 0.10   # +/-10% per interval
accuracy_week = 0.05       # +/-5% per week
# holidays_country = "US"  # public holidays from the `holidays` package
history_weeks = 8

[capacity]
monthly_attrition = 0.04
early_tenure_attrition = 0.10   # monthly, first 90 days
training_attrition_max = 0.15
nesting_attrition_max = 0.10
training_weeks = 3
nesting_ramp = [0.50, 0.75, 0.90, 1.00]
hiring_lead_weeks_onshore = [6, 10]
hiring_lead_weeks_offshore = [4, 8]

[ratios]
team_lead = [12, 15]    # agents per team lead
qa_analyst = [20, 25]   # agents per QA analyst
trainer = 15            # new hires per trainer
wfm_analyst = 75

[channel_mix]
self_service = [0.30, 0.40]
chat_messaging = [0.25, 0.35]
voice = [0.25, 0.35]

[quality]
random_per_agent_month = [4, 8]   # random evaluations per agent per month (min, max)
new_agent_days = 30               # new agents: one targeted evaluation per working day for their first 30 days
targeted_per_agent_month = 2      # extra evaluations for low performers, complaint drivers and AHT outliers
aht_outlier_iqr = 1.5             # handle time above Q3 + 1.5 x IQR of its queue is an outlier
calibration_tolerance = 0.05      # evaluators further than +/-5% from the expert (or consensus) are flagged
scorecard_dir = "scorecards"      # versioned scorecard files (*.toml); none = the built-in default scorecard

[scheduling]
shift_lengths_h = [8.0]       # paid shift lengths offered (hours)
start_step_min = 30           # shifts start on this grid (minutes) ...
earliest_start = "06:00"      # ... between these local times
latest_start = "14:00"
overnight = false             # allow shifts that cross midnight
days_off_per_week = 2         # at least this many days off in every week
consecutive_days_off = true   # ... and that many in a row
max_consecutive_days = 6
min_rest_h = 11               # between the end of one shift and the start of the next
# breaks: [length min, earliest start after shift start min, latest start after shift start min]; a break is
# given to every shift long enough to hold its whole window
breaks = [[15, 90, 150], [30, 210, 300], [15, 330, 390]]
overtime_max_h = 4            # hours above contract an agent may be scheduled in a week
late_shift_end = "20:00"      # shifts ending after this are "late" (shared fairly, like weekend shifts)
under_weight = 2              # an under-staffed agent-hour costs this much ...
over_weight = 1               # ... an over-staffed one this much

[reasons]
unknown_threshold = 0.5            # below this confidence a contact's reason is "unknown"
# business cases (workspace currency): share of contacts an avoidable fix removes, share self-service or a bot
# contains and what each contained contact still costs, handle-time cut from better knowledge/tools/training
avoidable_share = 0.5
automatable_share = 0.4
automated_cost_per_contact = 0.5
optimizable_aht_cut = 0.15
implementation_cost = 25000        # one-off, per initiative
running_cost_per_year = 5000       # per initiative
# the owner's tags, overriding the keyword defaults (lever: proactive_notice, process_fix, product_fix,
# self_service, bot, knowledge or training); keys are reasons as `supportops reasons pareto` prints them
# levers = {{ "orders › where is my order" = "proactive_notice" }}

# Generic CSV / Parquet imports: `supportops ingest FILE --format csv --mapping crm`.
# columns maps canonical column = "source column"; constants fill columns the file lacks.
# duration_unit: s, ms, min, hms (hh:mm:ss) or auto (hh:mm:ss when it has a colon, else seconds).
# time_zone: zone of naive timestamps (default: the queue's, then the program's, then the workspace's).
# [ingest.crm]
# table = "contacts"
# duration_unit = "s"
# columns = {{ source_record_id = "Call ID", arrived_at = "Start", queue_id = "Queue", talk_ms = "Talk" }}
# constants = {{ channel = "voice" }}
"""
