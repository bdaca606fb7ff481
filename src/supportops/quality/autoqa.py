"""Automated QA: answer scorecard items from transcripts for every contact, with the sentence as evidence,
and measure its agreement with human evaluators per item (Cohen's kappa).

A transcript is a sequence of turns ``(speaker, text)`` with speaker ``agent``, ``customer`` or ``action``
(a system event, e.g. "Account has been pulled up"). Each :class:`~supportops.quality.scorecard.Check` of a
scorecard answers one yes/no item (see its docstring for the rule); checks on the same item combine: the item
is not applicable when every check says so, a miss when any applicable check misses, else yes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import polars as pl

from supportops.errors import ComputationError, InputError
from supportops.quality.agreement import cohen_kappa
from supportops.quality.model import train_sentence_model
from supportops.quality.scorecard import Check, Scorecard

__all__ = ["AutoAnswer", "Transcript", "Turn", "auto_answers", "auto_vs_human", "run_checks", "transcript_from_mapping"]

_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_SPEAKERS = {"agent": "agent", "customer": "customer", "action": "action", "system": "action", "user": "customer"}


@dataclass(frozen=True, slots=True, kw_only=True)
class Turn:
    """One turn of a transcript."""

    speaker: str
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Transcript:
    """A contact's transcript (redacted text) with the contact's id and, when known, its agent."""

    contact_id: str
    turns: tuple[Turn, ...]
    agent_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class AutoAnswer:
    """An item answered by a check: ``yes``, ``no`` or ``na``, and the evidence sentence with its turn number
    (1-based) when a check matched (for a forbidden phrase, the offending sentence)."""

    contact_id: str
    item: str
    answer: str
    evidence: str | None
    turn: int | None


def transcript_from_mapping(raw: Mapping[str, object], *, where: str = "transcript") -> Transcript:
    """A transcript from a JSON object: ``{"contact_id", "turns": [{"speaker", "text"}]}``, or an ABCD
    conversation (``convo_id`` and ``original``: a list of ``[speaker, text]``)."""
    cid = raw.get("contact_id", raw.get("convo_id"))
    if cid is None:
        raise InputError(f"{where}: no contact_id (or convo_id)")
    turns_raw = raw.get("turns", raw.get("original"))
    if not isinstance(turns_raw, list):
        raise InputError(f"{where}: no turns (a list of {{speaker, text}} or [speaker, text])")
    turns: list[Turn] = []
    for k, t in enumerate(turns_raw):
        if isinstance(t, Mapping):
            speaker, text = t.get("speaker"), t.get("text")
        elif isinstance(t, list | tuple) and len(t) == 2:
            speaker, text = t
        else:
            raise InputError(f"{where}: turn {k + 1} is neither {{speaker, text}} nor [speaker, text]")
        role = _SPEAKERS.get(str(speaker).strip().lower())
        if role is None or not isinstance(text, str):
            raise InputError(f"{where}: turn {k + 1} has speaker {speaker!r} (agent, customer or action) or no text")
        turns.append(Turn(speaker=role, text=text))
    agent = raw.get("agent_id")
    return Transcript(contact_id=str(cid), turns=tuple(turns), agent_id=None if agent is None else str(agent))


class _Matcher:
    """Phrases and patterns as one regular expression, and the trained model when the check has one."""

    def __init__(self, check: Check) -> None:
        parts = [re.escape(p.lower()) for p in check.phrases] + [f"(?:{p})" for p in check.patterns]
        self.rx = re.compile("|".join(parts), re.IGNORECASE) if parts else None
        self.model = train_sentence_model(check.examples, check.counter_examples) if check.examples else None
        self.threshold = check.threshold

    def search(self, sentence: str) -> bool:
        if self.rx is not None and self.rx.search(sentence):
            return True
        return self.model is not None and self.model.probability(sentence) >= self.threshold


def _find(
    turns: Sequence[Turn], speaker: str, rx: re.Pattern[str] | _Matcher, lo: int = 0, hi: int | None = None
) -> tuple[str, int] | None:
    """The first sentence of ``speaker`` in turns ``lo`` to ``hi`` (0-based, ``hi`` excluded) matching ``rx``,
    with its 1-based turn number."""
    for k, t in enumerate(turns):
        if k < lo or (hi is not None and k >= hi):
            continue
        if speaker != "any" and t.speaker != speaker:
            continue
        for sentence in _SENTENCE.split(t.text.strip()):
            if rx.search(sentence.lower()):
                return sentence, k + 1
    return None


def run_checks(transcript: Transcript, checks: Sequence[Check]) -> list[AutoAnswer]:
    """Each checked item of ``checks`` answered on ``transcript`` (one answer per item)."""
    per_item: dict[str, list[AutoAnswer]] = {}
    for check in checks:
        lo, hi = 0, None
        if check.applies_when:
            trigger = re.compile("|".join(f"(?:{p})" for p in check.applies_when), re.IGNORECASE)
            found = _find(transcript.turns, "any", trigger)
            if found is None:
                per_item.setdefault(check.item, []).append(
                    AutoAnswer(contact_id=transcript.contact_id, item=check.item, answer="na", evidence=None, turn=None)
                )
                continue
            if check.window == "after":
                lo = found[1] - 1
            elif check.window == "before":
                hi = found[1] - 1
        hit = _find(transcript.turns, check.speaker, _Matcher(check), lo, hi)
        passed = (hit is None) if check.forbidden else (hit is not None)
        per_item.setdefault(check.item, []).append(
            AutoAnswer(
                contact_id=transcript.contact_id,
                item=check.item,
                answer="yes" if passed else "no",
                evidence=hit[0] if hit else None,
                turn=hit[1] if hit else None,
            )
        )
    out: list[AutoAnswer] = []
    for answers in per_item.values():
        applicable = [a for a in answers if a.answer != "na"]
        if not applicable:
            out.append(answers[0])
            continue
        missed = [a for a in applicable if a.answer == "no"]
        out.append(missed[0] if missed else applicable[0])
    return out


def auto_answers(transcripts: Iterable[Transcript], card: Scorecard) -> pl.DataFrame:
    """Every transcript through the scorecard's checks: ``contact_id, agent_id, item, answer, evidence, turn``."""
    if not card.checks:
        raise InputError(f"scorecard {card.id} v{card.version} has no automated checks")
    rows = []
    for t in transcripts:
        for a in run_checks(t, card.checks):
            rows.append(
                {
                    "contact_id": a.contact_id,
                    "agent_id": t.agent_id,
                    "item": a.item,
                    "answer": a.answer,
                    "evidence": a.evidence,
                    "turn": a.turn,
                }
            )
    schema = {
        "contact_id": pl.String,
        "agent_id": pl.String,
        "item": pl.String,
        "answer": pl.String,
        "evidence": pl.String,
        "turn": pl.Int64,
    }
    return pl.DataFrame(rows, schema=schema)


def auto_vs_human(auto: pl.DataFrame, human: pl.DataFrame) -> pl.DataFrame:
    """Agreement of automated and human answers per item, on the contacts both answered.

    Both frames have ``contact_id, item, answer`` (yes / no / na). Returns ``item, contacts, agreement``
    (share of equal answers), ``kappa`` (Cohen's; null when undefined, e.g. both always said yes),
    ``auto_yes``, ``human_yes``, ``missed_by_auto`` (the human found a miss, the check did not: human no,
    auto yes or n/a) and ``false_alarms`` (the check reported a miss the human did not: auto no, human yes or
    n/a).
    """
    for name, f in (("auto", auto), ("human", human)):
        lacking = [c for c in ("contact_id", "item", "answer") if c not in f.columns]
        if lacking:
            raise InputError(f"{name} answers lack column(s) {', '.join(lacking)}")
    norm = [pl.col("answer").cast(pl.String).str.strip_chars().str.to_lowercase().replace({"n/a": "na"})]
    a = auto.select("contact_id", "item", "answer").with_columns(norm)
    h = human.select("contact_id", "item", "answer").with_columns(norm)
    both = a.join(h, on=["contact_id", "item"], suffix="_human").sort("item", "contact_id")
    rows = []
    for item in sorted(both["item"].unique().to_list()):
        sub = both.filter(pl.col("item") == item)
        x, y = sub["answer"].to_list(), sub["answer_human"].to_list()
        try:
            kappa: float | None = cohen_kappa(x, y)
        except ComputationError:
            kappa = None
        rows.append(
            {
                "item": item,
                "contacts": len(x),
                "agreement": sum(p == q for p, q in zip(x, y, strict=True)) / len(x),
                "kappa": kappa,
                "auto_yes": sum(p == "yes" for p in x),
                "human_yes": sum(q == "yes" for q in y),
                "missed_by_auto": sum(p != "no" and q == "no" for p, q in zip(x, y, strict=True)),
                "false_alarms": sum(p == "no" and q != "no" for p, q in zip(x, y, strict=True)),
            }
        )
    schema = {
        "item": pl.String,
        "contacts": pl.Int64,
        "agreement": pl.Float64,
        "kappa": pl.Float64,
        "auto_yes": pl.Int64,
        "human_yes": pl.Int64,
        "missed_by_auto": pl.Int64,
        "false_alarms": pl.Int64,
    }
    return pl.DataFrame(rows, schema=schema)
