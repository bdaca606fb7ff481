"""The contact-reason taxonomy: three levels (L1 / L2 / L3) per program, each reason tagged with what can be
done about it.

The brief's question for every top reason is whether the contact is *avoidable* (a proactive notice, a
process fix or a product fix removes the cause), *automatable* (self-service or a bot can handle it) or
*optimizable* (better knowledge, tools or training make it cheaper). A learnt taxonomy tags each reason with
a default from plain keyword rules (:data:`DEFAULT_RULES`, case-insensitive substrings of the reason's
path, first match wins; no regular expressions, so a rule cannot be made to run away); the owner of the
program reviews the tags and overrides them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from supportops.errors import InputError

__all__ = [
    "DEFAULT_RULES",
    "LEVERS",
    "SEPARATOR",
    "Action",
    "Lever",
    "Reason",
    "TagRule",
    "Taxonomy",
    "learn_taxonomy",
    "reason_key",
    "tag_reason",
]

Action = Literal["avoidable", "automatable", "optimizable"]
Lever = Literal["proactive_notice", "process_fix", "product_fix", "self_service", "bot", "knowledge", "training"]

LEVERS: dict[Lever, Action] = {
    "proactive_notice": "avoidable",
    "process_fix": "avoidable",
    "product_fix": "avoidable",
    "self_service": "automatable",
    "bot": "automatable",
    "knowledge": "optimizable",
    "training": "optimizable",
}
"""Each lever and the kind of opportunity it belongs to."""

SEPARATOR = " › "
"""Joins the levels of a reason into one key: ``billing › refund status``."""


def reason_key(*levels: str | None) -> str:
    """The key of a reason from its levels (empty or missing trailing levels are left out)."""
    parts = [p.strip() for p in levels if p is not None and p.strip()]
    return SEPARATOR.join(parts) if parts else "unknown"


@dataclass(frozen=True, slots=True, kw_only=True)
class TagRule:
    """A default tag: a reason whose path contains any of ``keywords`` (case-insensitive) gets ``lever``."""

    keywords: tuple[str, ...]
    lever: Lever


DEFAULT_RULES: tuple[TagRule, ...] = (
    # Status chases exist because nobody told the customer: tell them first.
    TagRule(
        keywords=("where is", "status", "arrival", "pending", "not received", "delay", "waiting", "tracking"),
        lever="proactive_notice",
    ),
    # Something broke or was wrong: fix the product or the process that produced it.
    TagRule(keywords=("error", "failed", "not working", "declined", "connection", "bug", "crash"), lever="product_fix"),
    TagRule(
        keywords=("incorrect", "wrong", "dispute", "charged", "fee", "not owed", "unauthori", "fraud", "investigation"),
        lever="process_fix",
    ),
    # Routine changes the customer could do alone.
    TagRule(
        keywords=(
            "password",
            "passcode",
            "pin",
            "reset",
            "update",
            "change",
            "cancel",
            "activate",
            "top up",
            "top-up",
            "address",
            "details",
            "verify",
            "statement",
        ),
        lever="self_service",
    ),
    TagRule(keywords=("how to", "how do", "balance", "rate", "limit", "information", "hours"), lever="bot"),
    TagRule(keywords=("complaint", "rude", "attitude", "agent was"), lever="training"),
)


def tag_reason(path: str, rules: Sequence[TagRule] = DEFAULT_RULES) -> Lever:
    """The lever of the first rule with a keyword in the deepest level of ``path`` that any rule matches
    (then the level above, and so on); ``knowledge`` when none matches."""
    for level in reversed(path.split(SEPARATOR)):
        text = level.lower().replace("_", " ")
        for rule in rules:
            if any(k in text for k in rule.keywords):
                return rule.lever
    return "knowledge"


@dataclass(frozen=True, slots=True, kw_only=True)
class Reason:
    """One leaf of the taxonomy with its levels, how often it was seen and what to do about it."""

    key: str
    l1: str
    l2: str | None
    l3: str | None
    count: int
    lever: Lever

    @property
    def action(self) -> Action:
        """Avoidable, automatable or optimizable, from the lever."""
        return LEVERS[self.lever]


@dataclass(frozen=True, slots=True, kw_only=True)
class Taxonomy:
    """The reasons of one program, most frequent first; ``depth`` is the deepest level present (1-3)."""

    program: str
    depth: int
    reasons: tuple[Reason, ...]

    def reason(self, key: str) -> Reason:
        for r in self.reasons:
            if r.key == key:
                return r
        raise InputError(f"taxonomy of program {self.program!r} has no reason {key!r}")

    def levels(self, level: int) -> dict[str, int]:
        """Counts per node at ``level`` (1 = L1 ... 3 = L3), most frequent first."""
        if not 1 <= level <= 3:
            raise InputError(f"taxonomy level must be 1, 2 or 3, got {level}")
        counts: Counter[str] = Counter()
        for r in self.reasons:
            path = [r.l1, r.l2, r.l3][:level]
            counts[reason_key(*path)] += r.count
        return dict(counts.most_common())

    def with_lever(self, key: str, lever: Lever) -> Taxonomy:
        """The same taxonomy with one reason re-tagged (the owner's override)."""
        if lever not in LEVERS:
            raise InputError(f"unknown lever {lever!r}; choose one of {', '.join(LEVERS)}")
        self.reason(key)
        reasons = tuple(
            Reason(key=r.key, l1=r.l1, l2=r.l2, l3=r.l3, count=r.count, lever=lever) if r.key == key else r
            for r in self.reasons
        )
        return Taxonomy(program=self.program, depth=self.depth, reasons=reasons)


def learn_taxonomy(
    rows: Iterable[tuple[str | None, str | None, str | None]],
    *,
    program: str,
    rules: Sequence[TagRule] = DEFAULT_RULES,
) -> Taxonomy:
    """The taxonomy the labels in ``rows`` (L1, L2, L3 per contact) imply, with default tags.

    Rows without an L1 are skipped (they are unlabelled). A missing or blank L2/L3 shortens that
    reason's path. Raises :class:`InputError` when no row is labelled.
    """
    counts: Counter[tuple[str, str | None, str | None]] = Counter()
    for l1, l2, l3 in rows:
        if l1 is None or not l1.strip():
            continue
        a = l1.strip()
        b = l2.strip() if l2 and l2.strip() else None
        c = l3.strip() if b is not None and l3 and l3.strip() else None
        counts[(a, b, c)] += 1
    if not counts:
        raise InputError(f"program {program!r}: no labelled contact (every reason_l1 is empty)")
    depth = max(1 + (b is not None) + (c is not None) for a, b, c in counts)
    reasons = tuple(
        Reason(key=reason_key(a, b, c), l1=a, l2=b, l3=c, count=n, lever=tag_reason(reason_key(a, b, c), rules))
        for (a, b, c), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0][0], kv[0][1] or "", kv[0][2] or ""))
    )
    return Taxonomy(program=program, depth=depth, reasons=reasons)
