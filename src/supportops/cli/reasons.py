"""``supportops reasons``: train and use the contact-reason classifier, rank reasons, build business cases."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from supportops.cli.output import JSON_OPTION, err, guarded, print_json, table
from supportops.cli.workspace import WORKSPACE_OPTION
from supportops.errors import ConfigError, InputError

if TYPE_CHECKING:
    from collections.abc import Mapping

    import polars as pl

    from supportops.config import Settings
    from supportops.reasons import BusinessCase, Lever, Pareto, ReasonClassifier, Taxonomy
    from supportops.reasons.embeddings import Encoder

reasons_app = typer.Typer(
    help="Contact reasons: classify contacts, rank reasons (Pareto, drivers) and build the case to remove them.",
    no_args_is_help=True,
)

DATA_OPTION = typer.Option(..., "--data", help="CSV file (optionally .gz) with one text per row.")
TEXT_OPTION = typer.Option("text", "--text-column", help="Column holding the contact text.")
LABEL_OPTION = typer.Option("category", "--label-column", help="Column holding the reason label.")
SOURCE_DATA_OPTION = typer.Option(
    None, "--data", help="Read contacts from this file instead of the workspace warehouse (see --format)."
)
FORMAT_OPTION = typer.Option(
    "csv", "--format", help="--data format: cfpb (CFPB complaints export) or csv (reason-frame columns)."
)
PROGRAM_OPTION = typer.Option(None, "--program", help="Only this program's contacts (warehouse).")
_LEVEL_COLUMNS = ("reason_l1", "reason_l2", "reason_l3")
LEVEL_OPTION = typer.Option(3, "--level", min=1, max=3, help="Taxonomy level to rank (1, 2 or 3).")


def register(app: typer.Typer) -> None:
    app.add_typer(reasons_app, name="reasons")


def _settings(workspace: Path) -> Settings | None:
    from supportops.workspace import open_settings

    if (workspace / "supportops.toml").exists():
        return open_settings(workspace)
    return None


def _read_labelled(path: Path, text_column: str, label_column: str | None) -> tuple[list[str], list[str] | None]:
    import polars as pl

    if not path.is_file():
        raise InputError(f"{path}: no such file")
    try:
        frame = pl.read_csv(path, infer_schema_length=0)
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise InputError(f"{path}: not a readable CSV ({exc})") from None
    for col in (text_column, label_column):
        if col is not None and col not in frame.columns:
            raise InputError(f"{path}: no column {col!r} (has {', '.join(frame.columns)})")
    if label_column is not None:
        frame = frame.filter(pl.col(text_column).is_not_null() & pl.col(label_column).is_not_null())
    texts = frame[text_column].fill_null("").to_list()
    labels = frame[label_column].to_list() if label_column is not None else None
    if not texts:
        raise InputError(f"{path}: no rows with text{' and label' if label_column else ''}")
    return texts, labels


def _encoder_for(kind: str) -> Encoder | None:
    if kind != "best":
        return None
    from supportops.reasons.embeddings import minilm_encoder

    return minilm_encoder()


def _load(model_path: Path) -> tuple[ReasonClassifier, dict[str, Any]]:
    from supportops.reasons import load_model

    return load_model(model_path)


@reasons_app.command("train")
@guarded
def train(
    data: Path = DATA_OPTION,
    text_column: str = TEXT_OPTION,
    label_column: str = LABEL_OPTION,
    out_file: Path | None = typer.Option(
        None, "--out", help="Model file (.npz); default: the workspace's models/ folder, named by version."
    ),
    model: str = typer.Option("fast", "--model", help="fast (TF-IDF + linear SVM) or best (+ MiniLM embeddings)."),
    test: Path | None = typer.Option(None, "--test", help="A labelled test CSV (same columns) to score and record."),
    holdout: float = typer.Option(0.05, "--holdout", help="Share of rows held out to calibrate and measure."),
    threshold: float | None = typer.Option(None, "--threshold", help="Confidence below which a reason is unknown."),
    seed: int = typer.Option(0, "--seed", help="Seed of the held-out draw."),
    workspace: Path = WORKSPACE_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Train a reason model on labelled texts and save it with its version and measured accuracy."""
    import numpy as np

    from supportops.reasons import save_model, score, train_classifier
    from supportops.reasons.store import MODELS_DIR, model_version

    if model not in ("fast", "best"):
        raise InputError(f"--model must be fast or best, got {model!r}")
    settings = _settings(workspace)
    if threshold is None:
        threshold = settings.reasons.unknown_threshold if settings else 0.5
    texts, labels = _read_labelled(data, text_column, label_column)
    assert labels is not None
    encoder = _encoder_for(model)
    if not as_json:
        err.print(f"training the {model} model on {len(texts):,} texts ...")
    report = train_classifier(
        texts,
        labels,
        kind="best" if model == "best" else "fast",
        rng=np.random.default_rng(seed),
        holdout=holdout,
        threshold=threshold,
        encoder=encoder,
    )
    version = model_version(model)
    fitted = report.model
    fitted.info["version"] = version
    test_doc: dict[str, Any] | None = None
    if test is not None:
        t_texts, t_labels = _read_labelled(test, text_column, label_column)
        assert t_labels is not None
        pred = fitted.predict(t_texts, encoder)
        m = score(t_labels, list(pred.best_guess))
        test_doc = {"file": test.name, "accuracy": m.accuracy, "macro_f1": m.macro_f1, "n": m.n}
    holdout_doc = (
        {
            "accuracy": report.holdout.accuracy,
            "macro_f1": report.holdout.macro_f1,
            "n": report.holdout.n,
            "unknown_share": report.holdout_unknown_share,
        }
        if report.holdout
        else None
    )
    path = out_file or workspace / MODELS_DIR / f"reasons-{version}.npz"
    header = save_model(
        fitted,
        path,
        extra={
            "trained_on": {"file": data.name, "rows": len(texts), "reasons": len(fitted.labels)},
            "holdout": holdout_doc,
            "test": test_doc,
            "train_seconds": report.seconds,
        },
    )
    doc = {
        "model": str(path),
        "version": header["version"],
        "kind": model,
        "rows": len(texts),
        "reasons": len(fitted.labels),
        "train_seconds": round(report.seconds, 2),
        "temperature": fitted.temperature,
        "threshold": fitted.threshold,
        "holdout": holdout_doc,
        "test": test_doc,
    }
    if as_json:
        print_json(doc)
        return
    rows: list[list[Any]] = []
    for name, d in (("held out", holdout_doc), ("test", test_doc)):
        if d:
            rows.append([name, d["n"], f"{d['accuracy']:.4f}", f"{d['macro_f1']:.4f}"])
    table(f"reason model {header['version']} → {path}", ["measured on", "texts", "accuracy", "macro-F1"], rows)


@reasons_app.command("evaluate")
@guarded
def evaluate(
    model_path: Path = typer.Option(..., "--model", help="A model file written by `reasons train`."),
    data: Path = DATA_OPTION,
    text_column: str = TEXT_OPTION,
    label_column: str = LABEL_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Accuracy and macro-F1 of a saved model on a labelled CSV (every text gets its best guess)."""
    from supportops.reasons import score

    model, header = _load(model_path)
    texts, labels = _read_labelled(data, text_column, label_column)
    assert labels is not None
    pred = model.predict(texts, _encoder_for(model.kind))
    m = score(labels, list(pred.best_guess))
    if as_json:
        print_json({"accuracy": m.accuracy, "macro_f1": m.macro_f1, "n": m.n})
        return
    table(
        f"reason model {header.get('version')} on {data.name}",
        ["texts", "accuracy", "macro-F1", "unknown at threshold"],
        [[m.n, f"{m.accuracy:.4f}", f"{m.macro_f1:.4f}", f"{pred.unknown_share:.1%}"]],
    )


@reasons_app.command("classify")
@guarded
def classify(
    model_path: Path = typer.Option(..., "--model", help="A model file written by `reasons train`."),
    data: Path = DATA_OPTION,
    text_column: str = TEXT_OPTION,
    id_column: str | None = typer.Option(None, "--id-column", help="Column to carry into the output (an id)."),
    out_file: Path | None = typer.Option(None, "--out", "-o", help="CSV/XLSX of the labels (default: reports/)."),
    threshold: float | None = typer.Option(None, "--threshold", help="Override the model's unknown threshold."),
    workspace: Path = WORKSPACE_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Label every text with a reason and a confidence (``unknown`` below the threshold)."""
    from collections import Counter

    import polars as pl

    from supportops.exports import write_table
    from supportops.reasons import UNKNOWN

    model, _ = _load(model_path)
    if threshold is not None:
        if not 0.0 <= threshold <= 1.0:
            raise InputError(f"--threshold must be a fraction 0-1, got {threshold}")
        model = model.with_threshold(threshold)
    texts, _ = _read_labelled(data, text_column, None)
    ids: list[Any] = list(range(1, len(texts) + 1))
    if id_column is not None:
        frame = pl.read_csv(data, infer_schema_length=0)
        if id_column not in frame.columns:
            raise InputError(f"{data}: no column {id_column!r}")
        ids = frame[id_column].to_list()
    pred = model.predict(texts, _encoder_for(model.kind))
    path = out_file or workspace / "reports" / f"reasons-{data.name.split('.')[0]}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_table(
        path,
        [id_column or "row", "reason", "confidence", "best_guess"],
        [
            [i, lab, round(float(c), 4), g]
            for i, lab, c, g in zip(ids, pred.labels, pred.confidence, pred.best_guess, strict=True)
        ],
    )
    counts = Counter(pred.labels)
    doc = {
        "n": len(texts),
        "unknown": counts.get(UNKNOWN, 0),
        "unknown_share": pred.unknown_share,
        "threshold": model.threshold,
        "top": [{"reason": r, "contacts": n} for r, n in counts.most_common(10)],
        "out": str(path),
    }
    if as_json:
        print_json(doc)
        return
    table(
        f"{len(texts):,} texts labelled → {path} ({pred.unknown_share:.1%} unknown below {model.threshold:.2f})",
        ["reason", "contacts"],
        [[r, n] for r, n in counts.most_common(10)],
    )


def _frame(workspace: Path, data: Path | None, fmt: str, program: str | None) -> pl.DataFrame:
    from supportops.reasons.sources import cfpb_frame, csv_frame, warehouse_frame

    if data is None:
        return warehouse_frame(workspace, program=program)
    if not data.is_file():
        raise InputError(f"{data}: no such file")
    if fmt == "cfpb":
        return cfpb_frame(data)
    if fmt == "csv":
        return csv_frame(data)
    raise InputError(f"--format must be cfpb or csv, got {fmt!r}")


def cost_per_minute(settings: Settings | None, hourly_cost: float | None) -> tuple[float | None, dict[str, Any]]:
    """Cost of one handled minute: the paid hourly cost (``--hourly-cost`` or the mean of the workspace's cost
    rates) over the productive minutes of an hour, 60 × (1 − shrinkage) × occupancy."""
    if hourly_cost is None and settings is not None and settings.cost_rates:
        hourly_cost = sum(r.hourly_cost for r in settings.cost_rates) / len(settings.cost_rates)
    if hourly_cost is None:
        return None, {}
    if hourly_cost <= 0:
        raise InputError(f"--hourly-cost must be positive, got {hourly_cost}")
    shrinkage = settings.staffing.shrinkage if settings else 0.30
    occupancy = settings.staffing.max_occupancy if settings else 0.85
    productive = 60.0 * (1.0 - shrinkage) * occupancy
    if productive <= 0:
        raise ConfigError("staffing: shrinkage and occupancy leave no productive minute in an hour")
    return hourly_cost / productive, {
        "hourly_cost": hourly_cost,
        "shrinkage": shrinkage,
        "occupancy": occupancy,
        "productive_minutes_per_hour": productive,
        "cost_per_handled_minute": hourly_cost / productive,
    }


def pareto_document(ranking: Pareto, top: int) -> dict[str, Any]:
    return {
        "contacts": ranking.total,
        "reasons": ranking.reasons,
        "top10_share": ranking.top10_share,
        "brief_band": [0.60, 0.70],
        "top10_verdict": ranking.top10_verdict,
        "rows": [
            {
                "rank": r.rank,
                "reason": r.reason,
                "volume": r.volume,
                "share": r.share,
                "cumulative_share": r.cumulative_share,
                "aht_s": r.aht_s,
                "cost": r.cost,
            }
            for r in ranking.rows[:top]
        ],
    }


def learn(frame: pl.DataFrame, program: str, levers: Mapping[str, str] | None) -> Taxonomy:
    """The taxonomy of a reason frame with the owner's tags (``[reasons] levers``) applied."""
    from supportops.reasons import learn_taxonomy

    levels = [frame[c].to_list() if c in frame.columns else [None] * frame.height for c in _LEVEL_COLUMNS]
    tax = learn_taxonomy(zip(*levels, strict=True), program=program)
    known = {r.key for r in tax.reasons}
    for key, lever in (levers or {}).items():
        if key in known:
            tax = tax.with_lever(key, lever)  # type: ignore[arg-type]  # validated by the settings
    return tax


def analyse(
    frame: pl.DataFrame,
    *,
    level: int,
    window_days: int,
    cpm: float | None,
    top: int,
    levers: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Pareto, taxonomy, repeat / transfer / escalation drivers and handle-time outliers of a reason frame."""
    from supportops.reasons import flag_drivers, handle_outliers, pareto, repeat_drivers
    from supportops.reasons.sources import with_reason

    framed = with_reason(frame, level)
    has_aht = "handle_s" in framed.columns and framed["handle_s"].is_not_null().any()
    ranking = pareto(framed if has_aht else framed.drop("handle_s", strict=False), cost_per_minute=cpm)
    tax = learn(framed, "all", levers)
    doc: dict[str, Any] = {"level": level, "pareto": pareto_document(ranking, top)}
    doc["taxonomy"] = {
        "depth": tax.depth,
        "l1": len(tax.levels(1)),
        "l2": len(tax.levels(2)) if tax.depth >= 2 else 0,
        "l3": len(tax.reasons) if tax.depth >= 3 else 0,
        "top": [
            {"reason": r.key, "contacts": r.count, "action": r.action, "lever": r.lever} for r in tax.reasons[:top]
        ],
    }
    if "customer_key" in framed.columns:
        doc["repeat_drivers"] = [
            {"reason": d.reason, "eligible": d.eligible, "repeats": d.repeats, "repeat_rate": d.repeat_rate}
            for d in repeat_drivers(framed, window_days=window_days, min_eligible=20)[:top]
        ]
    for flag in ("transferred", "escalated"):
        if flag in framed.columns and framed[flag].is_not_null().any():
            doc[f"{flag}_drivers"] = [
                {"reason": d.reason, "contacts": d.contacts, "flagged": d.flagged, "rate": d.rate}
                for d in flag_drivers(framed, flag, min_contacts=20)[:top]
            ]
    if has_aht:
        doc["handle_outliers"] = [
            {
                "reason": o.reason,
                "contacts": o.contacts,
                "median_s": o.median_s,
                "outliers": o.outliers,
                "excess_hours": o.excess_hours,
            }
            for o in handle_outliers(framed)[:top]
        ]
    return doc


def _short(text: str, width: int = 70) -> str:
    return text if len(text) <= width else "…" + text[-(width - 1) :]


def print_analysis(doc: dict[str, Any]) -> None:
    p = doc["pareto"]
    table(
        f"Pareto, level {doc['level']}: {p['contacts']:,} contacts, {p['reasons']} reasons; top 10 carry "
        f"{p['top10_share']:.1%} ({p['top10_verdict']} the brief's 60-70%)",
        ["#", "reason", "contacts", "share", "cumulative", "AHT s", "cost"],
        [
            [
                r["rank"],
                _short(r["reason"]),
                r["volume"],
                f"{r['share']:.1%}",
                f"{r['cumulative_share']:.1%}",
                "-" if r["aht_s"] is None else f"{r['aht_s']:.0f}",
                "-" if r["cost"] is None else f"{r['cost']:,.0f}",
            ]
            for r in p["rows"]
        ],
    )
    t = doc["taxonomy"]
    table(
        f"Taxonomy: {t['l1']} L1, {t['l2']} L2, {t['l3']} L3 reasons; default tags (review them)",
        ["reason", "contacts", "action", "lever"],
        [[_short(r["reason"]), r["contacts"], r["action"], r["lever"]] for r in t["top"]],
    )
    if doc.get("repeat_drivers"):
        table(
            "Repeat drivers (another contact of the same customer within the window)",
            ["reason", "eligible", "repeats", "repeat rate"],
            [
                [_short(d["reason"]), d["eligible"], d["repeats"], f"{d['repeat_rate']:.1%}"]
                for d in doc["repeat_drivers"]
            ],
        )
    for flag, title in (("transferred", "Transfer drivers"), ("escalated", "Escalation drivers")):
        if doc.get(f"{flag}_drivers"):
            table(
                title,
                ["reason", "contacts", flag, "rate"],
                [
                    [_short(d["reason"]), d["contacts"], d["flagged"], f"{d['rate']:.1%}"]
                    for d in doc[f"{flag}_drivers"]
                ],
            )
    if doc.get("handle_outliers"):
        table(
            "Handle-time outliers (above Q3 + 1.5 IQR)",
            ["reason", "contacts", "median s", "outliers", "hours above median"],
            [
                [_short(o["reason"]), o["contacts"], f"{o['median_s']:.0f}", o["outliers"], f"{o['excess_hours']:.1f}"]
                for o in doc["handle_outliers"]
            ],
        )


@reasons_app.command("pareto")
@guarded
def pareto_cmd(
    workspace: Path = WORKSPACE_OPTION,
    data: Path | None = SOURCE_DATA_OPTION,
    fmt: str = FORMAT_OPTION,
    program: str | None = PROGRAM_OPTION,
    level: int = LEVEL_OPTION,
    top: int = typer.Option(10, "--top", min=1, help="Rows to show per ranking."),
    window_days: int | None = typer.Option(None, "--window-days", help="Repeat window (default: targets)."),
    hourly_cost: float | None = typer.Option(None, "--hourly-cost", help="Paid cost per agent hour."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Reasons ranked by volume and cost (Pareto), with repeat, transfer and escalation drivers and
    handle-time outliers, from the warehouse or a file."""
    settings = _settings(workspace)
    frame = _frame(workspace, data, fmt, program)
    cpm, _ = cost_per_minute(settings, hourly_cost)
    window = window_days or (settings.targets.repeat_window_days if settings else 7)
    doc = analyse(
        frame, level=level, window_days=window, cpm=cpm, top=top, levers=settings.reasons.levers if settings else None
    )
    doc["repeat_window_days"] = window
    if as_json:
        print_json(doc)
        return
    print_analysis(doc)


def case_document(case: BusinessCase) -> dict[str, Any]:
    i, a = case.inputs, case.inputs.assumptions
    return {
        "reason": i.reason,
        "action": i.action,
        "lever": i.lever,
        "annual_contacts": i.annual_volume,
        "aht_s": i.aht_s,
        "cost_per_contact": i.cost_per_contact,
        "removed_share": a.removed_share,
        "residual_cost_per_contact": a.residual_cost_per_contact,
        "aht_cut_share": a.aht_cut_share,
        "implementation_cost": a.implementation_cost,
        "running_cost_per_year": a.running_cost_per_year,
        "contacts_removed": case.contacts_removed,
        "gross_saving": case.gross_saving,
        "net_saving": case.net_saving,
        "payback_months": case.payback_months,
        "first_year": case.first_year,
    }


def build_cases(
    frame: pl.DataFrame, settings: Settings | None, *, level: int, cpm: float, aht_s: float | None, top: int
) -> tuple[list[BusinessCase], float]:
    """The top business cases of a reason frame and the number of days it covers."""
    import polars as pl

    from supportops.config import Reasons
    from supportops.reasons import LEVERS, default_assumptions, pareto, top_cases
    from supportops.reasons.sources import with_reason

    framed = with_reason(frame, level)
    if "handle_s" not in framed.columns or framed["handle_s"].is_null().all():
        if aht_s is None:
            raise InputError("these contacts have no handle time: give --aht-s (seconds per contact)")
        framed = framed.with_columns(pl.lit(float(aht_s)).alias("handle_s"))
    elif aht_s is not None:
        framed = framed.with_columns(pl.col("handle_s").fill_null(float(aht_s)))
    days = framed.select((pl.col("arrived_at").max() - pl.col("arrived_at").min()).dt.total_days()).item()
    period = float(days or 0) + 1.0
    r = settings.reasons if settings else Reasons()
    assumptions = default_assumptions(
        avoidable_share=r.avoidable_share,
        automatable_share=r.automatable_share,
        automated_cost_per_contact=r.automated_cost_per_contact,
        optimizable_aht_cut=r.optimizable_aht_cut,
        implementation_cost=r.implementation_cost,
        running_cost_per_year=r.running_cost_per_year,
    )
    ranking = pareto(framed, cost_per_minute=cpm)
    levers: dict[str, Lever] = {k: v for k, v in r.levers.items() if v in LEVERS}
    found = top_cases(ranking, period_days=period, assumptions=assumptions, levers=levers, top=top)
    return list(found), period


def print_cases(cases: list[dict[str, Any]], title: str) -> None:
    table(
        title,
        ["reason", "lever", "contacts/yr", "removed", "cost/contact", "net saving/yr", "payback months"],
        [
            [
                _short(c["reason"], 50),
                c["lever"],
                f"{c['annual_contacts']:,.0f}",
                f"{c['contacts_removed']:,.0f}",
                f"{c['cost_per_contact']:.2f}",
                f"{c['net_saving']:,.0f}",
                "never" if c["payback_months"] is None else f"{c['payback_months']:.1f}",
            ]
            for c in cases
        ],
    )


@reasons_app.command("cases")
@guarded
def cases_cmd(
    workspace: Path = WORKSPACE_OPTION,
    data: Path | None = SOURCE_DATA_OPTION,
    fmt: str = FORMAT_OPTION,
    program: str | None = PROGRAM_OPTION,
    level: int = LEVEL_OPTION,
    top: int = typer.Option(5, "--top", min=1, help="Number of business cases."),
    hourly_cost: float | None = typer.Option(None, "--hourly-cost", help="Paid cost per agent hour."),
    aht_s: float | None = typer.Option(None, "--aht-s", help="Handle time (seconds) where the data has none."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Business cases for the top opportunities: contacts avoided or automated (or handle time cut) × cost per
    contact, less running and implementation costs; annual saving and payback, with every assumption."""
    settings = _settings(workspace)
    cpm, cost_doc = cost_per_minute(settings, hourly_cost)
    if cpm is None:
        raise InputError("no cost rates in the workspace: give --hourly-cost")
    frame = _frame(workspace, data, fmt, program)
    cases, period = build_cases(frame, settings, level=level, cpm=cpm, aht_s=aht_s, top=top)
    doc = {
        "period_days": period,
        "cost": cost_doc,
        "currency": settings.workspace.currency if settings else None,
        "cases": [case_document(c) for c in cases],
    }
    if as_json:
        print_json(doc)
        return
    print_cases(
        [case_document(c) for c in cases],
        f"Top {len(cases)} business cases (volumes annualised from {period:.0f} days)",
    )
    err.print(
        f"cost per handled minute {cpm:.3f} = hourly cost {cost_doc['hourly_cost']:.2f} / "
        f"{cost_doc['productive_minutes_per_hour']:.1f} productive minutes; assumptions per case in --json"
    )


@reasons_app.command("track")
@guarded
def track_cmd(
    reason: str = typer.Option(..., "--reason", help="The reason key (levels joined by ' › ')."),
    start: str = typer.Option(..., "--start", help="Date the initiative started (YYYY-MM-DD)."),
    workspace: Path = WORKSPACE_OPTION,
    data: Path | None = SOURCE_DATA_OPTION,
    fmt: str = FORMAT_OPTION,
    program: str | None = PROGRAM_OPTION,
    level: int = LEVEL_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """A reason's volume month by month after an initiative's start, against the trend before it."""
    from supportops.reasons import track_reason
    from supportops.reasons.sources import with_reason

    try:
        day = date.fromisoformat(start)
    except ValueError:
        raise InputError(f"--start must be a date YYYY-MM-DD, got {start!r}") from None
    result = track_reason(with_reason(_frame(workspace, data, fmt, program), level), reason=reason, start=day)
    doc = {
        "reason": reason,
        "start": day,
        "trend_per_month": result.trend_per_month,
        "reduction": result.reduction,
        "months": [
            {"month": m.month, "volume": m.volume, "expected": m.expected, "after_start": m.after_start}
            for m in result.months
        ],
    }
    if as_json:
        print_json(doc)
        return
    table(
        f"{_short(reason)} since {day}: "
        + ("no full month after the start yet" if result.reduction is None else f"{result.reduction:.1%} below trend"),
        ["month", "contacts", "trend", "after start"],
        [[f"{m.month:%Y-%m}", m.volume, f"{m.expected:.0f}", "yes" if m.after_start else ""] for m in result.months],
    )


@reasons_app.command("taxonomy")
@guarded
def taxonomy_cmd(
    workspace: Path = WORKSPACE_OPTION,
    data: Path | None = SOURCE_DATA_OPTION,
    fmt: str = FORMAT_OPTION,
    program: str | None = PROGRAM_OPTION,
    top: int = typer.Option(20, "--top", min=1, help="Reasons to show (the JSON has all)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """The three-level taxonomy per program, learnt from the labels, each reason with its action and lever:
    the keyword defaults, or the owner's tags (the levers setting of the reasons section)."""
    import polars as pl

    settings = _settings(workspace)
    frame = _frame(workspace, data, fmt, program)
    if "program_id" not in frame.columns:
        frame = frame.with_columns(pl.lit(program or "all").alias("program_id"))
    levers = settings.reasons.levers if settings else None
    docs: list[dict[str, Any]] = []
    for prog in sorted(frame["program_id"].unique().to_list()):
        tax = learn(frame.filter(pl.col("program_id") == prog), str(prog), levers)
        docs.append(
            {
                "program": tax.program,
                "depth": tax.depth,
                "l1": tax.levels(1),
                "reasons": [
                    {
                        "reason": r.key,
                        "l1": r.l1,
                        "l2": r.l2,
                        "l3": r.l3,
                        "contacts": r.count,
                        "action": r.action,
                        "lever": r.lever,
                    }
                    for r in tax.reasons
                ],
            }
        )
    if as_json:
        print_json({"programs": docs})
        return
    for d in docs:
        table(
            f"Program {d['program']}: {len(d['l1'])} L1, {len(d['reasons'])} reasons (depth {d['depth']})",
            ["reason", "contacts", "action", "lever"],
            [[_short(r["reason"]), r["contacts"], r["action"], r["lever"]] for r in d["reasons"][:top]],
        )
