"""Scorecards as configuration: weighted sections of items, critical and fatal items, versions per program and
channel, and the automated checks that answer items from transcripts.

A scorecard file (TOML, read by the CLI from the workspace's ``scorecards/`` folder) looks like::

    id = "acme-voice"
    version = 2
    effective_from = 2026-01-01      # optional: the version in force from this day
    program = "acme"                 # "*" = every program
    channels = ["voice"]             # empty = every channel

    [[sections]]
    id = "process"
    label = "Process compliance"
    weight = 0.20                    # section weights sum to 1

    [[sections.items]]
    id = "verification"
    label = "Verification / authentication"
    fatal = true                     # a miss fails the whole evaluation (score 0)
    # critical = true                # a miss counts as a critical error (the score stands)
    # kind = "scale", scale = [1, 5] # default: yes / no / not applicable
    # weight = 1.0                   # weight of the item inside its section

    [[checks]]                       # automated QA: see supportops.quality.autoqa
    item = "verification"
    phrases = ["your name", "account id"]

:data:`DEFAULT_SCORECARD` is the brief's: resolution and accuracy 35%, customer experience 30%, process
compliance 20%, efficiency 15%.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from supportops.errors import ConfigError

__all__ = [
    "DEFAULT_SCORECARD",
    "Check",
    "Item",
    "Scorecard",
    "Section",
    "scorecard_from_mapping",
    "select_scorecard",
]

ItemKind = Literal["binary", "scale"]
CheckKind = Literal["phrase", "pattern"]
Speaker = Literal["agent", "customer", "action", "any"]
Window = Literal["all", "before", "after"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Item:
    """One question of a scorecard.

    A binary item is answered yes (credit 1), no (credit 0) or not applicable; a scale item with points from
    ``scale[0]`` to ``scale[1]`` earns ``(points - low) / (high - low)``. A *critical* item's miss is a critical
    error; a *fatal* item's miss (a compliance violation) sets the evaluation's score to 0 and is also a
    critical error. ``category`` groups misses for coaching (default: the section's label).
    """

    id: str
    label: str
    kind: ItemKind = "binary"
    scale: tuple[int, int] = (0, 1)
    weight: float = 1.0
    critical: bool = False
    fatal: bool = False
    category: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Section:
    """A weighted group of items; ``weight`` is the section's share of the score (fraction 0-1)."""

    id: str
    label: str
    weight: float
    items: tuple[Item, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Check:
    """An automated check that answers one binary item from a transcript.

    The item is answered *yes* when a turn of ``speaker`` contains one of ``phrases`` (case-insensitive) or
    matches one of ``patterns`` (regular expressions) or, for a trained check, a sentence that the model
    fitted on ``examples`` and ``counter_examples`` (see :mod:`supportops.quality.model`) scores at least
    ``threshold``; *no* otherwise; and *not applicable* when
    ``applies_when`` is given and no turn (of any speaker) matches it. ``window`` limits the search to the turns
    ``before`` the first turn that triggered ``applies_when`` (ask for a receipt before refusing a return) or
    from it on (``after``: explain the refusal). With ``forbidden`` the sense flips: a match is a miss (for
    phrases an agent must never say). The matching sentence is kept as evidence.
    """

    item: str
    speaker: Speaker = "agent"
    phrases: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    counter_examples: tuple[str, ...] = ()
    threshold: float = 0.5
    applies_when: tuple[str, ...] = ()
    window: Window = "all"
    forbidden: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Scorecard:
    """A versioned scorecard for a program (``"*"`` = any) and channels (empty = any), with its checks."""

    id: str
    version: int
    sections: tuple[Section, ...]
    program: str = "*"
    channels: tuple[str, ...] = ()
    effective_from: date | None = None
    checks: tuple[Check, ...] = ()

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(i for s in self.sections for i in s.items)

    def item(self, item_id: str) -> Item:
        for i in self.items:
            if i.id == item_id:
                return i
        raise KeyError(f"scorecard {self.id} v{self.version} has no item {item_id!r}")

    def section_of(self, item_id: str) -> Section:
        for s in self.sections:
            if any(i.id == item_id for i in s.items):
                return s
        raise KeyError(f"scorecard {self.id} v{self.version} has no item {item_id!r}")

    def category_of(self, item_id: str) -> str:
        return self.item(item_id).category or self.section_of(item_id).label

    def applies_to(self, program: str, channel: str | None, on: date | None = None) -> bool:
        if self.program not in ("*", program):
            return False
        if self.channels and channel is not None and channel not in self.channels:
            return False
        return not (on is not None and self.effective_from is not None and on < self.effective_from)


def _items(*spec: tuple[str, str, str]) -> tuple[Item, ...]:
    return tuple(Item(id=i, label=label, critical=flag == "critical", fatal=flag == "fatal") for i, label, flag in spec)


DEFAULT_SCORECARD = Scorecard(
    id="default",
    version=1,
    sections=(
        Section(
            id="resolution",
            label="Resolution / accuracy",
            weight=0.35,
            items=_items(
                ("correct_information", "Correct information provided", "critical"),
                ("issue_resolved", "Issue fully resolved", ""),
                ("documentation", "Proper documentation", ""),
            ),
        ),
        Section(
            id="experience",
            label="Customer experience",
            weight=0.30,
            items=_items(
                ("empathy", "Empathy and tone", ""),
                ("active_listening", "Active listening", ""),
                ("personalization", "Personalization", ""),
                ("effort_reduction", "Effort reduction", ""),
            ),
        ),
        Section(
            id="compliance",
            label="Process compliance",
            weight=0.20,
            items=_items(
                ("verification", "Verification / authentication", "fatal"),
                ("disclosure", "Required disclosures", "fatal"),
                ("escalation", "Proper escalation", "critical"),
            ),
        ),
        Section(
            id="efficiency",
            label="Efficiency",
            weight=0.15,
            items=_items(
                ("concise", "Concise communication", ""),
                ("hold", "Appropriate hold time and hold etiquette", ""),
                ("wrap_up", "Proper wrap-up", ""),
            ),
        ),
    ),
    checks=(
        Check(
            item="verification",
            phrases=(
                "your name",
                "full name",
                "account id",
                "username",
                "email address",
                "date of birth",
                "verify your",
                "order id",
                "security question",
                "last four",
            ),
        ),
        Check(
            item="empathy",
            phrases=(
                "sorry",
                "apolog",
                "i understand",
                "unfortunately",
                "i'm afraid",
                "happy to help",
                "a pleasure to help",
                "thank you for your patience",
                "i can imagine",
            ),
        ),
        Check(
            item="hold",
            phrases=(
                "one moment",
                "just a moment",
                "let me check",
                "bear with me",
                "please hold",
                "give me a minute",
                "a few minutes",
            ),
            applies_when=(r"\b(search|validation|checking|looking up|on hold)\b",),
        ),
        Check(
            item="escalation",
            phrases=("escalate", "my manager", "supervisor", "notified", "specialist team"),
            applies_when=(r"\b(manager|supervisor|escalat\w*|complain\w*)\b",),
        ),
        Check(
            item="wrap_up",
            phrases=("anything else", "any other", "something else i can"),
        ),
    ),
)


def _need(raw: Mapping[str, Any], key: str, where: str, kind: type | tuple[type, ...]) -> Any:
    if key not in raw:
        raise ConfigError(f"{where}: missing key {key!r}")
    value = raw[key]
    if isinstance(value, bool) or not isinstance(value, kind):
        raise ConfigError(f"{where}.{key}: {value!r} has the wrong type")
    return value


def _strings(raw: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}.{key}: expected a list of strings")
    return tuple(value)


def _item(raw: Mapping[str, Any], where: str) -> Item:
    known = {"id", "label", "kind", "scale", "weight", "critical", "fatal", "category"}
    extra = set(raw) - known
    if extra:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(sorted(extra))}")
    kind = raw.get("kind", "binary")
    if kind not in ("binary", "scale"):
        raise ConfigError(f"{where}.kind: {kind!r} is not binary or scale")
    scale = raw.get("scale", [0, 1])
    if (
        not isinstance(scale, list)
        or len(scale) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in scale)
        or scale[0] >= scale[1]
    ):
        raise ConfigError(f"{where}.scale: expected [low, high] integers with low < high")
    weight = raw.get("weight", 1.0)
    if not isinstance(weight, int | float) or isinstance(weight, bool) or weight <= 0:
        raise ConfigError(f"{where}.weight: {weight!r} must be a positive number")
    critical, fatal = raw.get("critical", False), raw.get("fatal", False)
    if not isinstance(critical, bool) or not isinstance(fatal, bool):
        raise ConfigError(f"{where}: critical and fatal are true or false")
    if (critical or fatal) and kind != "binary":
        raise ConfigError(f"{where}: only yes/no items can be critical or fatal")
    return Item(
        id=_need(raw, "id", where, str),
        label=str(raw.get("label", raw["id"])),
        kind=kind,
        scale=(scale[0], scale[1]),
        weight=float(weight),
        critical=critical,
        fatal=fatal,
        category=str(raw.get("category", "")),
    )


def _check(raw: Mapping[str, Any], where: str, item_ids: Sequence[str]) -> Check:
    import re

    known = {
        "item",
        "speaker",
        "phrases",
        "patterns",
        "examples",
        "counter_examples",
        "threshold",
        "applies_when",
        "window",
        "forbidden",
    }
    extra = set(raw) - known
    if extra:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(sorted(extra))}")
    item = _need(raw, "item", where, str)
    if item not in item_ids:
        raise ConfigError(f"{where}.item: {item!r} is not an item of this scorecard")
    speaker = raw.get("speaker", "agent")
    if speaker not in ("agent", "customer", "action", "any"):
        raise ConfigError(f"{where}.speaker: {speaker!r} is not agent, customer, action or any")
    patterns = _strings(raw, "patterns", where)
    applies = _strings(raw, "applies_when", where)
    for p in (*patterns, *applies):
        try:
            re.compile(p)
        except re.error as exc:
            raise ConfigError(f"{where}: {p!r} is not a regular expression ({exc})") from None
    phrases = _strings(raw, "phrases", where)
    examples = _strings(raw, "examples", where)
    counter = _strings(raw, "counter_examples", where)
    if not phrases and not patterns and not examples:
        raise ConfigError(f"{where}: give phrases, patterns or examples (a trained check)")
    if bool(examples) != bool(counter):
        raise ConfigError(f"{where}: a trained check needs both examples and counter_examples")
    threshold = raw.get("threshold", 0.5)
    if isinstance(threshold, bool) or not isinstance(threshold, int | float) or not 0 < threshold < 1:
        raise ConfigError(f"{where}.threshold: {threshold!r} must be a number between 0 and 1")
    forbidden = raw.get("forbidden", False)
    if not isinstance(forbidden, bool):
        raise ConfigError(f"{where}.forbidden: true or false")
    window = raw.get("window", "all")
    if window not in ("all", "before", "after"):
        raise ConfigError(f"{where}.window: {window!r} is not all, before or after")
    if window != "all" and not applies:
        raise ConfigError(f"{where}.window: {window!r} needs applies_when (the turn it is counted from)")
    return Check(
        item=item,
        speaker=speaker,
        phrases=phrases,
        patterns=patterns,
        examples=examples,
        counter_examples=counter,
        threshold=float(threshold),
        applies_when=applies,
        window=window,
        forbidden=forbidden,
    )


def scorecard_from_mapping(raw: Mapping[str, Any], *, source: str = "scorecard") -> Scorecard:
    """A :class:`Scorecard` from parsed TOML; :class:`ConfigError` names ``source`` and the key on a problem."""
    known = {"id", "version", "program", "channels", "effective_from", "sections", "checks"}
    extra = set(raw) - known
    if extra:
        raise ConfigError(f"{source}: unknown key(s) {', '.join(sorted(extra))}")
    version = _need(raw, "version", source, int)
    if version < 1:
        raise ConfigError(f"{source}.version: {version} must be 1 or more")
    eff = raw.get("effective_from")
    if eff is not None and not isinstance(eff, date):
        raise ConfigError(f"{source}.effective_from: expected a date (YYYY-MM-DD)")
    sections_raw = _need(raw, "sections", source, list)
    sections: list[Section] = []
    for s_i, s in enumerate(sections_raw):
        where = f"{source}: sections[{s_i}]"
        if not isinstance(s, dict):
            raise ConfigError(f"{where}: expected a table")
        weight = _need(s, "weight", where, (int, float))
        if weight <= 0:
            raise ConfigError(f"{where}.weight: {weight!r} must be positive")
        items_raw = _need(s, "items", where, list)
        if not items_raw:
            raise ConfigError(f"{where}.items: a section needs at least one item")
        items = tuple(_item(it, f"{where}.items[{j}]") for j, it in enumerate(items_raw))
        sid = _need(s, "id", where, str)
        sections.append(Section(id=sid, label=str(s.get("label", sid)), weight=float(weight), items=items))
    if not sections:
        raise ConfigError(f"{source}.sections: a scorecard needs at least one section")
    total = sum(s.weight for s in sections)
    if abs(total - 1.0) > 1e-6:
        raise ConfigError(f"{source}.sections: weights sum to {total:g}, not 1")
    ids = [i.id for s in sections for i in s.items]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ConfigError(f"{source}: item ids repeat: {', '.join(dupes)}")
    checks_raw = raw.get("checks", [])
    if not isinstance(checks_raw, list):
        raise ConfigError(f"{source}.checks: expected a list of tables")
    checks = tuple(_check(c, f"{source}: checks[{k}]", ids) for k, c in enumerate(checks_raw))
    for c in checks:
        item = next(i for s in sections for i in s.items if i.id == c.item)
        if item.kind != "binary":
            raise ConfigError(f"{source}: check on {c.item!r}: automated checks answer yes/no items only")
    return Scorecard(
        id=_need(raw, "id", source, str),
        version=version,
        sections=tuple(sections),
        program=str(raw.get("program", "*")),
        channels=_strings(raw, "channels", source),
        effective_from=eff,
        checks=checks,
    )


def select_scorecard(
    cards: Sequence[Scorecard], *, program: str, channel: str | None = None, on: date | None = None
) -> Scorecard:
    """The scorecard in force for ``program`` and ``channel`` on day ``on``: program-specific before ``"*"``,
    channel-specific before any-channel, then the highest version. Falls back to :data:`DEFAULT_SCORECARD`."""
    fitting = [c for c in cards if c.applies_to(program, channel, on)]
    if not fitting:
        return DEFAULT_SCORECARD
    return max(fitting, key=lambda c: (c.program == program, bool(c.channels), c.version))
