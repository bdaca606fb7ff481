"""PLAN.toml: the text of a capacity plan → :class:`~supportops.capacity.plan.PlanInput`.

Pure: the caller passes the text, the defaults (from the workspace settings) and a function that reads a
weekly volume CSV named in the file (``volume_csv``), so nothing here touches files. Errors are
:class:`~supportops.errors.ConfigError` naming the key (``skills[1].aht_s``) and why. See docs/capacity.md
for the format and docs/capacity-plan.toml for a full example.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from supportops.capacity.cohorts import CohortActuals, GraduationRules
from supportops.capacity.demand import Shrinkage, SkillDemand
from supportops.capacity.pipeline import Pipeline
from supportops.capacity.plan import PlanInput
from supportops.capacity.roles import RoleRatios
from supportops.capacity.sites import DELIVERY_LEAD_WEEKS, HiringRules, Site
from supportops.capacity.supply import HireClass, SupplyLine
from supportops.errors import ConfigError, InputError, SupportOpsError

__all__ = ["PlanDefaults", "PlanFile", "VolumeReader", "parse_plan"]

Fraction = Annotated[float, Field(ge=0.0, lt=1.0)]
VolumeReader = Callable[[str], tuple[list[float], list[float] | None]]
"""Reads a weekly CSV named in the plan: (contacts per week, AHT seconds per week or None)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanDefaults:
    """Values a PLAN.toml may leave out (the workspace's settings, or the built-in defaults)."""

    pipeline: Pipeline = field(default_factory=Pipeline)
    shrinkage: float = 0.30
    absenteeism: float = 0.08
    service_level: float = 0.80
    threshold_s: float = 20.0
    interval_minutes: int = 30
    chat_concurrency: int = 2
    ratios: RoleRatios = field(default_factory=RoleRatios)
    trainees_per_trainer: int = 15
    lead_weeks: dict[str, tuple[int, int]] = field(default_factory=lambda: dict(DELIVERY_LEAD_WEEKS))
    cost_rates: dict[str, tuple[str, float, float]] = field(default_factory=dict)
    """site → (delivery model, hourly cost, paid hours per year)."""


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _PlanSection(_M):
    weeks: int = Field(default=26, ge=1, le=104)
    first_week: date | None = None
    interval_minutes: Literal[15, 30, 60] | None = None
    fte_hours_per_week: float = Field(default=40.0, gt=0, le=80)
    time_limit_s: float = Field(default=10.0, gt=0, le=600)


class _Pipeline(_M):
    training_weeks: int | None = Field(default=None, ge=1, le=12)
    training_attrition: Fraction | None = None
    nesting_ramp: tuple[float, ...] | None = None
    nesting_attrition: Fraction | None = None
    monthly_attrition: Fraction | None = None
    early_monthly_attrition: Fraction | None = None
    early_tenure_weeks: int | None = Field(default=None, ge=0, le=52)


class _Hiring(_M):
    class_min: int = Field(default=5, ge=1)
    class_max: int = Field(default=30, ge=1)
    trainees_per_trainer: int | None = Field(default=None, ge=1)


class _Roles(_M):
    team_lead: tuple[int, int] | None = None
    qa_analyst: tuple[int, int] | None = None
    wfm_analyst: int | None = Field(default=None, ge=1)
    team_lead_cost: float = Field(default=1.35, gt=0)
    qa_analyst_cost: float = Field(default=1.25, gt=0)
    trainer_cost: float = Field(default=1.30, gt=0)
    wfm_analyst_cost: float = Field(default=1.40, gt=0)


class _Site(_M):
    name: str = Field(min_length=1)
    delivery_model: str | None = None
    hourly_cost: float | None = Field(default=None, gt=0)
    paid_hours_per_year: float | None = Field(default=None, gt=0)
    lead_weeks: int | None = Field(default=None, ge=0, le=52)
    trainers: int = Field(default=2, ge=0)
    hiring_cost: float = Field(default=0.0, ge=0)
    skills: tuple[str, ...] = ()


class _Skill(_M):
    name: str = Field(min_length=1)
    channel: Literal["voice", "chat", "email"] = "voice"
    volume: tuple[float, ...] | None = None
    volume_csv: str | None = None
    aht_s: float | tuple[float, ...] | None = None
    open: str = "08:00-20:00"
    days: tuple[float, ...] = (1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0)
    interval_weights: tuple[float, ...] | None = None
    service_level: Fraction | None = None
    threshold_s: float | None = Field(default=None, gt=0)
    patience_s: float | None = Field(default=None, gt=0)
    concurrency: int | None = Field(default=None, ge=1, le=6)
    slowdown: float = Field(default=0.25, ge=0)
    deadline_s: float = Field(default=14400.0, gt=0)


class _Supply(_M):
    skill: str
    site: str
    tenured: float = Field(default=0.0, ge=0)
    recent: tuple[tuple[int, float], ...] = ()


class _Class(_M):
    skill: str
    site: str
    start_week: int = Field(ge=-52)
    size: int = Field(ge=0)


class _Cohort(_M):
    name: str
    hired: int = Field(ge=1)
    training_leavers: int = Field(default=0, ge=0)
    knowledge: tuple[float, ...] = ()
    mock: tuple[float, ...] = ()
    nesting_leavers: int = Field(default=0, ge=0)
    productivity: tuple[float, ...] = ()


class _Shrinkage(_M):
    model_config = ConfigDict(extra="allow", frozen=True)
    absenteeism: Fraction | None = None


class _File(_M):
    plan: _PlanSection = _PlanSection()
    pipeline: _Pipeline = _Pipeline()
    hiring: _Hiring = _Hiring()
    roles: _Roles = _Roles()
    shrinkage: _Shrinkage | None = None
    sites: tuple[_Site, ...] = Field(min_length=1)
    skills: tuple[_Skill, ...] = Field(min_length=1)
    supply: tuple[_Supply, ...] = ()
    classes: tuple[_Class, ...] = ()
    cohorts: tuple[_Cohort, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanFile:
    """A parsed PLAN.toml: the plan's input, the optimiser's time limit, and cohorts that ran."""

    input: PlanInput
    time_limit_s: float
    cohorts: tuple[CohortActuals, ...]
    graduation: GraduationRules


def _loc(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + part
    return out or "(top level)"


def _open_intervals(text: str, per_day: int, where: str) -> tuple[int, int]:
    try:
        a, b = text.strip().split("-")
        h1, m1 = (int(x) for x in a.split(":"))
        h2, m2 = (int(x) for x in b.split(":"))
    except ValueError:
        raise ConfigError(f"{where}.open: {text!r} is not 'HH:MM-HH:MM'") from None
    step = 1440 // per_day
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if not 0 <= start < end <= 1440 or start % step or end % step:
        raise ConfigError(f"{where}.open: {text!r} must run forward within a day on {step}-minute boundaries")
    return start // step, end // step


def _profile(s: _Skill, per_day: int, where: str) -> np.ndarray:
    lo, hi = _open_intervals(s.open, per_day, where)
    if len(s.days) != 7 or any(d < 0 for d in s.days) or sum(s.days) <= 0:
        raise ConfigError(f"{where}.days: needs 7 weights ≥ 0 (Monday first), not all zero")
    shape = np.ones(hi - lo) if s.interval_weights is None else np.asarray(s.interval_weights, dtype=np.float64)
    if shape.size != hi - lo or np.any(shape < 0) or shape.sum() <= 0:
        raise ConfigError(f"{where}.interval_weights: needs {hi - lo} weights ≥ 0 (one per open interval)")
    day = np.zeros(per_day)
    day[lo:hi] = shape
    grid = np.outer(np.asarray(s.days, dtype=np.float64), day)
    out: np.ndarray = (grid / grid.sum()).reshape(-1)
    return out


def _weekly(value: float | tuple[float, ...], weeks: int, where: str) -> np.ndarray:
    if isinstance(value, float | int):
        return np.full(weeks, float(value))
    if len(value) < weeks:
        raise ConfigError(f"{where}: {len(value)} weekly values for a {weeks}-week plan")
    return np.asarray(value[:weeks], dtype=np.float64)


def parse_plan(text: str, *, source: str, defaults: PlanDefaults, read_volume: VolumeReader) -> PlanFile:
    """Validate a PLAN.toml's text against the defaults and build the plan input."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML: {exc}") from None
    try:
        f = _File.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for e in exc.errors():
            msg = e["msg"].removeprefix("Value error, ")
            if e["type"] == "extra_forbidden":
                msg = "unknown key (see docs/capacity.md for the PLAN.toml keys)"
            problems.append(f"{_loc(tuple(e['loc']))}: {msg}")
        raise ConfigError(f"{source}: " + "; ".join(problems)) from None
    try:
        return _build(f, defaults, read_volume, source)
    except ConfigError:
        raise
    except SupportOpsError as exc:
        raise ConfigError(f"{source}: {exc}") from None


def _build(f: _File, d: PlanDefaults, read_volume: VolumeReader, source: str) -> PlanFile:
    weeks = f.plan.weeks
    interval = f.plan.interval_minutes or d.interval_minutes
    per_day = 1440 // interval
    p = f.pipeline
    base = d.pipeline
    pipeline = Pipeline(
        training_weeks=p.training_weeks or base.training_weeks,
        training_attrition=base.training_attrition if p.training_attrition is None else p.training_attrition,
        nesting_ramp=p.nesting_ramp or base.nesting_ramp,
        nesting_attrition=base.nesting_attrition if p.nesting_attrition is None else p.nesting_attrition,
        monthly_attrition=base.monthly_attrition if p.monthly_attrition is None else p.monthly_attrition,
        early_monthly_attrition=(
            base.early_monthly_attrition if p.early_monthly_attrition is None else p.early_monthly_attrition
        ),
        early_tenure_weeks=base.early_tenure_weeks if p.early_tenure_weeks is None else p.early_tenure_weeks,
    )
    if f.hiring.class_min > f.hiring.class_max:
        raise ConfigError(f"{source}: hiring.class_min {f.hiring.class_min} is above class_max {f.hiring.class_max}")
    rules = HiringRules(
        class_min=f.hiring.class_min,
        class_max=f.hiring.class_max,
        trainees_per_trainer=f.hiring.trainees_per_trainer or d.trainees_per_trainer,
    )
    r = f.roles
    ratios = RoleRatios(
        team_lead=r.team_lead or d.ratios.team_lead,
        qa_analyst=r.qa_analyst or d.ratios.qa_analyst,
        wfm_analyst=r.wfm_analyst or d.ratios.wfm_analyst,
        team_lead_cost=r.team_lead_cost,
        qa_analyst_cost=r.qa_analyst_cost,
        trainer_cost=r.trainer_cost,
        wfm_analyst_cost=r.wfm_analyst_cost,
    )
    if f.shrinkage is None:
        shrinkage = Shrinkage(categories={"planned": d.shrinkage}, absenteeism=d.absenteeism)
    else:
        extra = dict(f.shrinkage.model_extra or {})
        cats: dict[str, float] = {}
        for k, v in extra.items():
            if not isinstance(v, int | float) or isinstance(v, bool):
                raise ConfigError(f"{source}: shrinkage.{k}: must be a fraction, got {v!r}")
            cats[k] = float(v)
        absent = d.absenteeism if f.shrinkage.absenteeism is None else f.shrinkage.absenteeism
        shrinkage = Shrinkage(categories=cats or {"planned": d.shrinkage}, absenteeism=absent)
    sites = []
    for i, s in enumerate(f.sites):
        rate = d.cost_rates.get(s.name)
        model = s.delivery_model or (rate[0] if rate else None)
        hourly = s.hourly_cost or (rate[1] if rate else None)
        if model is None or hourly is None:
            raise ConfigError(
                f"{source}: sites[{i}] ({s.name}): give delivery_model and hourly_cost (no workspace cost rate "
                f"names this site)"
            )
        if model not in d.lead_weeks:
            raise ConfigError(f"{source}: sites[{i}].delivery_model: {model!r} is not one of {', '.join(d.lead_weeks)}")
        sites.append(
            Site(
                name=s.name,
                delivery_model=model,
                hourly_cost=hourly,
                paid_hours_per_year=s.paid_hours_per_year or (rate[2] if rate else 1920.0),
                lead_weeks=d.lead_weeks[model][1] if s.lead_weeks is None else s.lead_weeks,
                trainers=s.trainers,
                hiring_cost=s.hiring_cost,
                skills=s.skills,
            )
        )
    demand = []
    for i, sk in enumerate(f.skills):
        where = f"{source}: skills[{i}] ({sk.name})"
        if (sk.volume is None) == (sk.volume_csv is None):
            raise ConfigError(f"{where}: give exactly one of volume (a list per week) or volume_csv (a file)")
        aht_file: list[float] | None = None
        if sk.volume is not None:
            vol = _weekly(sk.volume, weeks, f"{where}.volume")
        else:
            assert sk.volume_csv is not None
            try:
                values, aht_file = read_volume(sk.volume_csv)
            except InputError as exc:
                raise ConfigError(f"{where}.volume_csv: {exc}") from None
            vol = _weekly(tuple(values), weeks, f"{where}.volume_csv")
        if sk.aht_s is not None:
            aht = _weekly(sk.aht_s, weeks, f"{where}.aht_s")
        elif aht_file is not None:
            aht = _weekly(tuple(aht_file), weeks, f"{where}.volume_csv aht_s")
        else:
            raise ConfigError(f"{where}: give aht_s (seconds, one number or a list per week)")
        demand.append(
            SkillDemand(
                skill=sk.name,
                channel=sk.channel,
                volume=vol,
                aht=aht,
                profile=_profile(sk, per_day, where),
                interval_minutes=interval,
                service_level=d.service_level if sk.service_level is None else sk.service_level,
                threshold_s=sk.threshold_s or d.threshold_s,
                patience_s=sk.patience_s,
                concurrency=sk.concurrency or d.chat_concurrency,
                slowdown=sk.slowdown,
                deadline_s=sk.deadline_s,
            )
        )
    supply = tuple(SupplyLine(skill=x.skill, site=x.site, tenured=x.tenured, recent=x.recent) for x in f.supply)
    classes = tuple(HireClass(skill=c.skill, site=c.site, start_week=c.start_week, size=c.size) for c in f.classes)
    graduation = GraduationRules(
        training_attrition_max=pipeline.training_attrition, nesting_attrition_max=pipeline.nesting_attrition
    )
    cohorts = tuple(
        CohortActuals(
            name=c.name,
            hired=c.hired,
            training_leavers=c.training_leavers,
            knowledge=c.knowledge,
            mock=c.mock,
            nesting_leavers=c.nesting_leavers,
            productivity=c.productivity,
            training_weeks=pipeline.training_weeks,
        )
        for c in f.cohorts
    )
    inp = PlanInput(
        weeks=weeks,
        demand=tuple(demand),
        supply=supply,
        sites=tuple(sites),
        pipeline=pipeline,
        rules=rules,
        ratios=ratios,
        shrinkage=shrinkage,
        in_flight=classes,
        fte_hours_per_week=f.plan.fte_hours_per_week,
        first_week=f.plan.first_week,
    )
    return PlanFile(input=inp, time_limit_s=f.plan.time_limit_s, cohorts=cohorts, graduation=graduation)
