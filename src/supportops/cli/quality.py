"""``supportops qa``: sampling plans, scoring evaluations, automated QA on transcripts, calibration, reports."""

from __future__ import annotations

import csv
import json
import tomllib
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.markup import escape

from supportops.cli.output import JSON_OPTION, err, guarded, out, print_json, table
from supportops.cli.workspace import WORKSPACE_OPTION
from supportops.errors import ConfigError, InputError

if TYPE_CHECKING:
    import polars as pl

    from supportops.config import Settings
    from supportops.quality import Scorecard

qa = typer.Typer(
    help="Quality management: sampling, scoring, automated QA, calibration and coaching.", no_args_is_help=True
)

SCORECARD_OPTION = typer.Option(
    None, "--scorecard", help="A scorecard file (.toml) or the id of one in the workspace's scorecard folder."
)


def register(app: typer.Typer) -> None:
    app.add_typer(qa, name="qa")


def _settings(workspace: Path) -> Settings:
    from supportops.config import Settings
    from supportops.workspace import open_settings

    if (workspace / "supportops.toml").exists():
        return open_settings(workspace)
    return Settings()


def load_scorecards(workspace: Path, settings: Settings) -> list[Scorecard]:
    """Every scorecard file (``*.toml``) in the workspace's scorecard folder (``[quality] scorecard_dir``)."""

    folder = workspace / settings.quality.scorecard_dir
    cards = []
    for path in sorted(folder.glob("*.toml")) if folder.is_dir() else []:
        cards.append(_read_card(path))
    return cards


def _read_card(path: Path) -> Scorecard:
    from supportops.quality import scorecard_from_mapping

    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise InputError(f"{path}: no such scorecard file") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return scorecard_from_mapping(raw, source=str(path))


def resolve_scorecard(
    workspace: Path, settings: Settings, choice: str | None, *, program: str, channel: str | None = None
) -> Scorecard:
    """``--scorecard`` as a file or an id; without it, the workspace's card in force for program and channel."""
    from supportops.quality import DEFAULT_SCORECARD, select_scorecard

    if choice and (choice.endswith(".toml") or Path(choice).is_file()):
        return _read_card(Path(choice))
    cards = load_scorecards(workspace, settings)
    if choice:
        if choice == DEFAULT_SCORECARD.id and not any(c.id == choice for c in cards):
            return DEFAULT_SCORECARD
        matching = [c for c in cards if c.id == choice]
        if not matching:
            known = ", ".join(sorted({c.id for c in cards} | {DEFAULT_SCORECARD.id}))
            raise InputError(f"--scorecard {choice!r}: no such scorecard (known: {known})")
        return max(matching, key=lambda c: c.version)
    return select_scorecard(cards, program=program, channel=channel, on=date.today())


def _month(value: str | None) -> tuple[date, date]:
    if value is None:
        today = date.today()
        first = today.replace(day=1)
    else:
        try:
            first = datetime.strptime(value, "%Y-%m").date()
        except ValueError:
            raise InputError(f"--month {value!r}: not a month (YYYY-MM)") from None
    nxt = (first + timedelta(days=32)).replace(day=1)
    return first, nxt - timedelta(days=1)


def _pct(v: float | None) -> str:
    return "-" if v is None else f"{v:.1%}"


# ---------------------------------------------------------------------------------------------------- sample
@qa.command("sample")
@guarded
def sample(
    workspace: Path = WORKSPACE_OPTION,
    month: str | None = typer.Option(None, "--month", help="Month to sample (YYYY-MM; default: this month)."),
    program: str | None = typer.Option(None, "--program", help="Only this program's contacts."),
    per_agent: int | None = typer.Option(None, "--per-agent", help="Random evaluations per agent (within 4-8)."),
    seed: int = typer.Option(0, "--seed", help="Seed: the same seed and data give the same plan."),
    out_file: Path | None = typer.Option(None, "--out", "-o", help="CSV/XLSX of the picks (default: reports/)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Pick the contacts to evaluate this month: new agents daily, complaints, AHT outliers, low performers,
    then random evaluations per agent; never a contact already evaluated."""
    import numpy as np

    from supportops.exports import write_table
    from supportops.quality import SamplingRules, plan_sample
    from supportops.warehouse.evaluations import sampling_inputs

    settings = _settings(workspace)
    q = settings.quality
    first, last = _month(month)
    rules = SamplingRules(
        random_per_agent=per_agent if per_agent is not None else q.random_per_agent_month[0],
        random_range=q.random_per_agent_month,
        targeted_per_agent=q.targeted_per_agent_month,
        new_agent_days=q.new_agent_days,
        aht_outlier_iqr=q.aht_outlier_iqr,
    )
    contacts, agents, excluded, done, low = sampling_inputs(
        workspace, program=program, first=first, last=last, quality_min=settings.targets.quality_min
    )
    if contacts.height == 0:
        raise InputError(f"no handled contacts with an agent between {first} and {last}")
    plan = plan_sample(
        contacts,
        rng=np.random.default_rng(seed),
        rules=rules,
        agents=agents,
        low_performers=low,
        excluded=excluded,
        done=done,
    )
    path = out_file or workspace / "reports" / f"qa-sample-{first:%Y-%m}.csv"
    write_table(path, plan.picks.columns, plan.picks.rows())
    by_reason = dict(plan.picks.group_by("reason").len().iter_rows()) if plan.picks.height else {}
    doc = {
        "month": f"{first:%Y-%m}",
        "seed": seed,
        "picks": plan.picks.height,
        "by_reason": by_reason,
        "agents": plan.quotas.height,
        "agents_short_of_quota": int((~plan.quotas["quota_met"]).sum()),
        "file": str(path),
        "quotas": plan.quotas.to_dicts(),
    }
    if as_json:
        print_json(doc)
        return
    table(
        f"QA sample {first:%Y-%m} (seed {seed}): {plan.picks.height:,} contacts for {plan.quotas.height} agents",
        plan.quotas.columns,
        [[escape(str(v)) if isinstance(v, str) else v for v in r] for r in plan.quotas.rows()],
    )
    out.print(f"by reason: {', '.join(f'{k} {v}' for k, v in sorted(by_reason.items()))}; wrote {path}")


# ---------------------------------------------------------------------------------------------------- score
def _read_csv(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            return [{(k or "").strip(): (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)]
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None


def _timestamp(value: str, where: str) -> datetime:
    if not value:
        return datetime.now(UTC)
    try:
        ts = datetime.fromisoformat(value)
    except ValueError:
        raise InputError(f"{where}: {value!r} is not an ISO timestamp") from None
    return ts if ts.tzinfo else ts.replace(tzinfo=UTC)


def score_rows(
    workspace: Path, settings: Settings, rows: list[dict[str, str]], *, source: str, choice: str | None, where: str
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Score wide evaluation rows (``contact_id, evaluator`` and one column per item id; optional
    ``evaluated_at, agent_id, team_id, sample_reason``) into evaluation and item frames for the warehouse."""
    import polars as pl

    from supportops.quality import score_evaluation
    from supportops.warehouse.evaluations import EVALUATION_COLUMNS, ITEM_COLUMNS, contact_facts

    if not rows:
        raise InputError(f"{where}: no evaluations")
    for col in ("contact_id", "evaluator"):
        if col not in rows[0]:
            raise InputError(f"{where}: no {col} column")
    facts: dict[str, dict[str, Any]] = {}
    if (workspace / "warehouse.duckdb").exists():
        facts = {r["leg_id"]: r for r in contact_facts(workspace, [r["contact_id"] for r in rows]).to_dicts()}
    default_program = settings.programs[0].id if settings.programs else "default"
    evs: list[dict[str, Any]] = []
    items: list[dict[str, Any]] = []
    cards: dict[tuple[str | None, str, str | None], Scorecard] = {}
    meta = {
        "contact_id",
        "evaluator",
        "evaluated_at",
        "agent_id",
        "team_id",
        "sample_reason",
        "scorecard",
        "program_id",
    }
    for n, row in enumerate(rows, start=2):
        f = facts.get(row["contact_id"], {})
        program = f.get("program_id") or row.get("program_id") or default_program
        key = (row.get("scorecard") or choice, program, f.get("channel"))
        if key not in cards:
            cards[key] = resolve_scorecard(workspace, settings, key[0], program=program, channel=key[2])
        card = cards[key]
        answers = {k: (v if v != "" else None) for k, v in row.items() if k not in meta}
        try:
            result = score_evaluation(card, answers)
        except InputError as exc:
            raise InputError(f"{where}: row {n}: {exc}") from None
        eid = uuid.uuid5(uuid.NAMESPACE_URL, f"{source}:{row['contact_id']}:{row['evaluator']}").hex[:16]
        evs.append(
            {
                "evaluation_id": eid,
                "program_id": program,
                "leg_id": row["contact_id"],
                "agent_id": f.get("agent_id") or row.get("agent_id") or None,
                "team_id": f.get("team_id") or row.get("team_id") or None,
                "queue_id": f.get("queue_id"),
                "channel": f.get("channel"),
                "evaluator": row["evaluator"],
                "source": source,
                "scorecard_id": card.id,
                "scorecard_version": card.version,
                "sample_reason": row.get("sample_reason") or None,
                "contact_at": f.get("arrived_at"),
                "evaluated_at": _timestamp(row.get("evaluated_at", ""), f"{where}: row {n}: evaluated_at"),
                "score": result.score,
                "critical_error": result.critical_error,
                "fatal": result.fatal,
            }
        )
        for r in result.items:
            items.append(
                {
                    "evaluation_id": eid,
                    "item": r.item,
                    "section": r.section,
                    "category": card.category_of(r.item),
                    "answer": answers.get(r.item),
                    "credit": r.credit,
                    "missed": r.missed,
                    "critical": r.critical,
                    "fatal": r.fatal,
                    "evidence": None,
                }
            )
    ev_schema: dict[str, Any] = dict.fromkeys(EVALUATION_COLUMNS, pl.String)
    ev_schema.update(
        scorecard_version=pl.Int32,
        contact_at=pl.Datetime("us", "UTC"),
        evaluated_at=pl.Datetime("us", "UTC"),
        score=pl.Float64,
        critical_error=pl.Boolean,
        fatal=pl.Boolean,
    )
    it_schema: dict[str, Any] = dict.fromkeys(ITEM_COLUMNS, pl.String)
    it_schema.update(credit=pl.Float64, missed=pl.Boolean, critical=pl.Boolean, fatal=pl.Boolean)
    return pl.DataFrame(evs, schema=ev_schema), pl.DataFrame(items, schema=it_schema)


@qa.command("score")
@guarded
def score(
    file: Path = typer.Argument(..., help="CSV: contact_id, evaluator, one column per item (yes/no/na or points)."),
    workspace: Path = WORKSPACE_OPTION,
    scorecard: str | None = SCORECARD_OPTION,
    save: bool = typer.Option(True, "--save/--no-save", help="Store the evaluations in the warehouse."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Score evaluations against the scorecard (N/A re-weighted, fatal items fail the evaluation), store
    them, and show quality per agent against the targets."""
    from supportops.quality import summarize_scores
    from supportops.warehouse.evaluations import save_evaluations

    settings = _settings(workspace)
    evs, items = score_rows(workspace, settings, _read_csv(file), source="human", choice=scorecard, where=str(file))
    saved = save_evaluations(workspace, evs, items) if save and (workspace / "warehouse.duckdb").exists() else 0
    t = settings.targets
    summary = summarize_scores(
        evs.with_columns(evs["agent_id"].fill_null("(unknown)")),
        by=["agent_id"],
        quality_min=t.quality_min,
        quality_excellent=t.quality_excellent,
        critical_error_rate_max=t.critical_error_rate_max,
    )
    ev_rows = (
        evs.select("leg_id", "evaluator", "agent_id", "scorecard_id", "score", "critical_error", "fatal")
        .rename({"leg_id": "contact_id"})
        .to_dicts()
    )
    doc = {
        "evaluations": ev_rows,
        "by_agent": summary.to_dicts(),
        "saved": saved,
    }
    if as_json:
        print_json(doc)
        return
    table(
        f"Evaluations scored from {file.name}",
        ["contact", "evaluator", "agent", "scorecard", "score", "critical", "fatal"],
        [
            [escape(str(r["contact_id"])), escape(r["evaluator"]), escape(str(r["agent_id"] or "-")), r["scorecard_id"],
             _pct(r["score"]), "yes" if r["critical_error"] else "", "FAIL" if r["fatal"] else ""]
            for r in ev_rows
        ],
    )  # fmt: skip
    _summary_table("Quality per agent", summary, "agent_id")
    out.print(f"stored {saved} evaluations in the warehouse" if saved else "not stored (no warehouse or --no-save)")


def _summary_table(title: str, summary: pl.DataFrame, key: str) -> None:
    table(
        title,
        [key, "evaluations", "score", "status", "critical errors", "fatal", "critical target"],
        [
            [escape(str(r[key])), r["evaluations"], _pct(r["score"]), r["status"], _pct(r["critical_error_rate"]),
             _pct(r["fatal_rate"]), r["critical_status"]]
            for r in summary.iter_rows(named=True)
        ],
    )  # fmt: skip


# ---------------------------------------------------------------------------------------------------- auto
def read_transcripts(path: Path) -> list[Any]:
    """Transcripts from JSON Lines (one object per line) or a JSON list (e.g. the ABCD dialogues)."""
    from supportops.quality import transcript_from_mapping

    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    objects: list[tuple[str, Any]] = []
    stripped = text.lstrip()
    try:
        if stripped.startswith("["):
            objects = [(f"{path}: item {k + 1}", o) for k, o in enumerate(json.loads(text))]
        else:
            for n, line in enumerate(text.splitlines(), start=1):
                if line.strip():
                    objects.append((f"{path}: line {n}", json.loads(line)))
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not JSON Lines or a JSON list: {exc}") from None
    out_list = []
    for where, o in objects:
        if not isinstance(o, dict):
            raise InputError(f"{where}: expected an object")
        out_list.append(transcript_from_mapping(o, where=where))
    return out_list


@qa.command("auto")
@guarded
def auto(
    file: Path = typer.Argument(
        ..., help="Transcripts: JSON Lines {contact_id, turns: [{speaker, text}]} or a JSON list."
    ),
    workspace: Path = WORKSPACE_OPTION,
    scorecard: str | None = SCORECARD_OPTION,
    program: str | None = typer.Option(None, "--program", help="Program whose scorecard's checks to run."),
    human: Path | None = typer.Option(
        None, "--human", help="CSV contact_id, item, answer of human evaluations: agreement per item (Cohen's kappa)."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Automated QA on every transcript: the scorecard's checks answer its items with the sentence as
    evidence; with --human, agreement with human evaluators per item."""
    import polars as pl

    from supportops.quality import auto_answers, auto_vs_human

    settings = _settings(workspace)
    prog = program or (settings.programs[0].id if settings.programs else "default")
    card = resolve_scorecard(workspace, settings, scorecard, program=prog)
    answers = auto_answers(read_transcripts(file), card)
    doc: dict[str, Any] = {
        "scorecard": f"{card.id} v{card.version}",
        "contacts": answers["contact_id"].n_unique(),
        "answers": answers.to_dicts(),
        "by_item": answers.group_by("item", "answer").len().sort("item", "answer").to_dicts(),
    }
    agreement = None
    if human is not None:
        rows = _read_csv(human)
        if not rows or not {"contact_id", "item", "answer"} <= set(rows[0]):
            raise InputError(f"{human}: expected columns contact_id, item, answer")
        agreement = auto_vs_human(answers, pl.DataFrame(rows).select("contact_id", "item", "answer"))
        doc["agreement"] = agreement.to_dicts()
    if as_json:
        print_json(doc)
        return
    table(
        f"Automated QA with {card.id} v{card.version}: {doc['contacts']} transcripts",
        ["contact", "item", "answer", "turn", "evidence"],
        [
            [escape(r["contact_id"]), r["item"], r["answer"], r["turn"] or "", escape(r["evidence"] or "")]
            for r in answers.iter_rows(named=True)
        ],
    )
    if agreement is not None:
        table(
            "Automated against human answers",
            ["item", "contacts", "agreement", "kappa", "missed by auto", "false alarms"],
            [
                [r["item"], r["contacts"], _pct(r["agreement"]), "-" if r["kappa"] is None else f"{r['kappa']:.2f}",
                 r["missed_by_auto"], r["false_alarms"]]
                for r in agreement.iter_rows(named=True)
            ],
        )  # fmt: skip


# ---------------------------------------------------------------------------------------------------- calibrate
@qa.command("calibrate")
@guarded
def calibrate_cmd(
    file: Path = typer.Argument(..., help="CSV: contact_id, evaluator, score (0-1 or 0-100), optional item."),
    workspace: Path = WORKSPACE_OPTION,
    expert: str | None = typer.Option(None, "--expert", help="Evaluator whose scores are the reference."),
    tolerance: float | None = typer.Option(None, "--tolerance", help="Flag beyond ± this (default 0.05)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Calibration: each evaluator's deviation from the expert (or consensus), flags beyond ±5%, Krippendorff's
    alpha and ICC(2,1), and the items with most disagreement."""
    import polars as pl

    from supportops.quality import calibrate

    settings = _settings(workspace)
    rows = _read_csv(file)
    if not rows:
        raise InputError(f"{file}: no rows")
    cols = ["contact_id", "evaluator", "score", *(["item"] if "item" in rows[0] else [])]
    lacking = [c for c in cols if c not in rows[0]]
    if lacking:
        raise InputError(f"{file}: no {', '.join(lacking)} column")
    frame = pl.DataFrame(rows, schema=dict.fromkeys(rows[0], pl.String)).select(cols)
    tol = settings.quality.calibration_tolerance if tolerance is None else tolerance
    result = calibrate(frame, expert=expert, tolerance=tol)
    doc = result.to_json()
    if as_json:
        print_json(doc)
        return
    table(
        f"Calibration of {result.contacts} contacts against the {result.reference} (tolerance ±{tol:.0%})",
        ["evaluator", "contacts", "mean score", "mean deviation", "mean |deviation|", "flagged"],
        [
            [escape(e.evaluator), e.contacts, _pct(e.mean_score), f"{e.mean_deviation:+.1%}",
             _pct(e.mean_abs_deviation), "FLAG" if e.flagged else ""]
            for e in result.evaluators
        ],
    )  # fmt: skip

    def num(v: float | None) -> str:
        return "-" if v is None else f"{v:.3f}"

    out.print(
        f"Krippendorff's alpha (interval) {num(result.krippendorff_alpha_interval)}; "
        f"{result.icc_form} {num(result.icc)} on {result.icc_contacts} contacts scored by everyone"
        + (f"; alpha (nominal, items) {num(result.krippendorff_alpha_nominal)}" if result.items else "")
    )
    if result.items:
        table(
            "Items with most disagreement",
            ["item", "contacts", "disagreement"],
            [[escape(i.item), i.contacts, _pct(i.disagreement)] for i in result.items[:10]],
        )


# ---------------------------------------------------------------------------------------------------- report
@qa.command("report")
@guarded
def report(
    workspace: Path = WORKSPACE_OPTION,
    month: str | None = typer.Option(None, "--month", help="Month of evaluation (YYYY-MM; default: all)."),
    top: int = typer.Option(3, "--top", help="Error categories per agent on the coaching list."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Quality per agent, team and month against the targets, and the coaching list for team leads."""
    from supportops.quality import coaching_list, summarize_scores
    from supportops.warehouse.evaluations import read_evaluations

    settings = _settings(workspace)
    start = end = None
    if month:
        first, last = _month(month)
        start = datetime(first.year, first.month, 1, tzinfo=UTC)
        end = datetime.combine(last + timedelta(days=1), datetime.min.time(), UTC)
    evs, items = read_evaluations(workspace, start=start, end=end)
    if evs.height == 0:
        raise InputError("no evaluations stored for this period; score some with `supportops qa score`")
    t = settings.targets
    kw = {
        "quality_min": t.quality_min,
        "quality_excellent": t.quality_excellent,
        "critical_error_rate_max": t.critical_error_rate_max,
    }
    evs = evs.with_columns(evs["agent_id"].fill_null("(unknown)"), evs["team_id"].fill_null("(none)"))
    by_month = summarize_scores(evs, by=["month"], **kw)
    by_team = summarize_scores(evs, by=["team_id", "month"], **kw)
    by_agent = summarize_scores(evs, by=["agent_id", "month"], **kw)
    coaching = coaching_list(evs, items, quality_min=t.quality_min, top=top)
    doc = {
        "by_month": by_month.to_dicts(),
        "by_team": by_team.to_dicts(),
        "by_agent": by_agent.to_dicts(),
        "coaching": coaching.to_dicts(),
    }
    if as_json:
        print_json(doc)
        return
    _summary_table("Quality per month", by_month, "month")
    _summary_table(
        "Quality per team and month", by_team.with_columns(by_team["team_id"] + " " + by_team["month"]), "team_id"
    )
    table(
        "Coaching list",
        ["team", "agent", "priority", "evaluations", "score", "critical errors", "focus"],
        [
            [escape(str(r["team_id"])), escape(r["agent_id"]), r["priority"], r["evaluations"], _pct(r["score"]),
             r["critical_errors"], escape(r["focus"])]
            for r in coaching.iter_rows(named=True)
        ],
    )  # fmt: skip
    err.print(f"{evs.height:,} evaluations; per-agent rows in --json", highlight=False)
