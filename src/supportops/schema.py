"""The canonical tables of the warehouse, declared once.

The declarations below are the single source of truth for the warehouse: the DuckDB DDL
(:func:`duckdb_ddl`), the Arrow schemas the connectors fill (:func:`arrow_schema`), the row validation that
ingestion runs (:mod:`supportops.warehouse.validation`) and the schema page in ``docs/schema.md``
(:func:`markdown`) are all generated from them.

Conventions: timestamps are UTC instants (``TIMESTAMPTZ``); durations are integer milliseconds (``*_ms``);
identifiers are text; a leg is one pass of a customer through a queue to an agent, grouped into a
conversation by ``conversation_id``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "AGENTS",
    "AGENT_STATES",
    "CONTACTS",
    "SURVEYS",
    "TABLES",
    "Column",
    "ColumnType",
    "RowCheck",
    "Table",
    "arrow_schema",
    "duckdb_ddl",
    "markdown",
    "table",
]

ColumnType = Literal["text", "int", "bigint", "double", "bool", "timestamp", "date", "text[]"]

_DUCKDB_TYPES: dict[str, str] = {
    "text": "VARCHAR",
    "int": "INTEGER",
    "bigint": "BIGINT",
    "double": "DOUBLE",
    "bool": "BOOLEAN",
    "timestamp": "TIMESTAMPTZ",
    "date": "DATE",
    "text[]": "VARCHAR[]",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Column:
    """One column of a canonical table.

    ``minimum``/``maximum`` bound numeric values (inclusive); a value outside them is rejected with
    ``below_minimum_reason`` (durations: ``negative_duration``) or ``out_of_range``.
    """

    name: str
    type: ColumnType
    description: str
    required: bool = False
    allowed: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    unit: str | None = None
    below_minimum_reason: str = "out_of_range"

    @property
    def duckdb_type(self) -> str:
        return _DUCKDB_TYPES[self.type]


@dataclass(frozen=True, slots=True, kw_only=True)
class RowCheck:
    """A rule across columns: a row where ``violated_sql`` is true is rejected with ``reason``.

    ``violated_sql`` is a DuckDB boolean expression over the table's columns; NULL counts as not violated.
    ``field`` names the column the quarantine entry points at.
    """

    reason: str
    field: str
    violated_sql: str
    description: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Table:
    """A canonical table: its columns, its key and the version column that decides which copy wins."""

    name: str
    description: str
    columns: tuple[Column, ...]
    key: str
    version_column: str | None = None
    checks: tuple[RowCheck, ...] = field(default_factory=tuple)

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"table {self.name!r} has no column {name!r}")

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


CHANNELS = ("voice", "chat", "messaging", "email", "social", "self_service", "bot")
DIRECTIONS = ("inbound", "outbound", "internal")
OUTCOMES = (
    "handled",
    "abandoned",
    "flowed_out",
    "callback_requested",
    "contained",
    "deflected",
    "ended_in_ivr",
    "timed_out",
    "outbound_no_answer",
)
AGENT_STATE_NAMES = (
    "available",
    "on_contact",
    "acw",
    "break",
    "lunch",
    "meeting",
    "training",
    "coaching",
    "system_down",
    "aux",
    "offline",
)
DELIVERY_MODELS = ("onshore", "nearshore", "offshore", "work_from_home")


def _lineage(record_desc: str) -> tuple[Column, ...]:
    return (
        Column(name="source_system", type="text", required=True, description="System the row came from."),
        Column(name="source_record_id", type="text", required=True, description=record_desc),
        Column(
            name="source_version",
            type="timestamp",
            description="Version of the source record (e.g. LastUpdateTimestamp); a newer one replaces it.",
        ),
        Column(name="ingest_batch_id", type="text", required=True, description="Import that wrote the row."),
    )


def _ms(name: str, description: str) -> Column:
    return Column(
        name=name,
        type="bigint",
        description=description,
        minimum=0,
        unit="ms",
        below_minimum_reason="negative_duration",
    )


CONTACTS = Table(
    name="contacts",
    description="One row per contact leg: a pass of a customer through a queue to an agent.",
    key="leg_id",
    version_column="source_version",
    columns=(
        Column(name="program_id", type="text", required=True, description="Program (client line of business)."),
        Column(
            name="leg_id",
            type="text",
            required=True,
            description="Deterministic id: `program:source_system:source_record_id`.",
        ),
        Column(name="conversation_id", type="text", required=True, description="Groups the legs of a contact."),
        Column(name="leg_seq", type="int", minimum=1, description="Order of the leg in its conversation."),
        *_lineage("Record id in the source system (ContactId, CALL ID, ticket id...)."),
        Column(name="channel", type="text", required=True, allowed=CHANNELS, description="Contact channel."),
        Column(name="direction", type="text", allowed=DIRECTIONS, description="Who initiated the contact."),
        Column(name="queue_id", type="text", description="Queue or skill the leg was routed through."),
        Column(name="language", type="text", description="Language of the contact (ISO 639-1)."),
        Column(name="segment", type="text", description="Customer value tier (e.g. vip, priority, regular)."),
        Column(name="customer_key", type="text", description="Pseudonymous customer key (salted hash)."),
        Column(name="agent_id", type="text", description="Agent who handled the leg; empty if unanswered."),
        Column(name="team_id", type="text", description="Agent's team."),
        Column(name="site_id", type="text", description="Agent's site."),
        Column(name="tier", type="int", minimum=1, maximum=3, description="Support tier of the leg (1, 2, 3)."),
        Column(name="arrived_at", type="timestamp", required=True, description="Arrival into the system (UTC)."),
        Column(name="answered_at", type="timestamp", description="Agent connect or first agent reply (UTC)."),
        Column(name="ended_at", type="timestamp", description="End of the leg (UTC)."),
        _ms("ivr_ms", "Time in IVR / VRU / bot before queueing."),
        _ms("queue_ms", "Time in queue; for an abandoned leg, the time to abandon."),
        _ms("talk_ms", "Talk (or active chat) time."),
        _ms("hold_ms", "Customer hold time."),
        _ms("acw_ms", "After-contact work time. Handle time = talk + hold + ACW."),
        _ms("first_response_ms", "Asynchronous channels: time to first agent response."),
        Column(name="outcome", type="text", required=True, allowed=OUTCOMES, description="How the leg ended."),
        Column(name="transferred", type="bool", description="The leg was transferred to another agent/queue."),
        Column(name="escalated", type="bool", description="The contact was escalated (supervisor, tier)."),
        Column(name="escalation_level", type="int", minimum=0, maximum=3, description="Highest tier reached."),
        Column(name="resolved", type="bool", description="Resolved on this contact (agent flag)."),
        Column(name="reason_l1", type="text", description="Contact reason, level 1."),
        Column(name="reason_l2", type="text", description="Contact reason, level 2."),
        Column(name="reason_l3", type="text", description="Contact reason, level 3."),
        Column(name="reason_source", type="text", description="Where the reason came from: agent, crm, model."),
        Column(name="disposition_code", type="text", description="Wrap-up / disposition code."),
        Column(name="transcript_ref", type="text", description="Reference to the redacted transcript."),
    ),
    checks=(
        RowCheck(
            reason="end_before_start",
            field="ended_at",
            violated_sql="ended_at < arrived_at",
            description="The leg ends before it arrives.",
        ),
        RowCheck(
            reason="answer_before_arrival",
            field="answered_at",
            violated_sql="answered_at < arrived_at",
            description="The leg is answered before it arrives.",
        ),
        RowCheck(
            reason="end_before_answer",
            field="ended_at",
            violated_sql="ended_at < answered_at",
            description="The leg ends before it is answered.",
        ),
    ),
)

AGENT_STATES = Table(
    name="agent_states",
    description="Agent state intervals (available, on contact, ACW, breaks, aux...) from the ACD.",
    key="state_id",
    version_column="source_version",
    columns=(
        Column(name="program_id", type="text", required=True, description="Program the agent works for."),
        Column(name="state_id", type="text", required=True, description="Deterministic id of the interval."),
        Column(name="agent_id", type="text", required=True, description="Agent."),
        Column(name="state", type="text", required=True, allowed=AGENT_STATE_NAMES, description="State."),
        Column(name="reason", type="text", description="Aux / reason code as the source names it."),
        Column(name="start_at", type="timestamp", required=True, description="Start of the state (UTC)."),
        Column(name="end_at", type="timestamp", required=True, description="End of the state (UTC)."),
        *_lineage("Record id in the source system."),
    ),
    checks=(
        RowCheck(
            reason="end_before_start",
            field="end_at",
            violated_sql="end_at < start_at",
            description="The state ends before it starts.",
        ),
    ),
)

SURVEYS = Table(
    name="surveys",
    description="Survey responses (CSAT 1-5, NPS 0-10, CES 1-7), attributed to the agent at response time.",
    key="survey_id",
    version_column="source_version",
    columns=(
        Column(name="program_id", type="text", required=True, description="Program."),
        Column(name="survey_id", type="text", required=True, description="Deterministic id of the response."),
        Column(name="conversation_id", type="text", description="Conversation surveyed."),
        Column(name="leg_id", type="text", description="Leg surveyed, when known."),
        Column(name="responded_at", type="timestamp", required=True, description="Response time (UTC)."),
        Column(name="csat", type="double", minimum=1, maximum=5, description="CSAT on a 1-5 scale."),
        Column(
            name="csat_label",
            type="text",
            allowed=("good", "bad"),
            description="Binary CSAT (e.g. Zendesk good / bad) when no 1-5 score exists.",
        ),
        Column(name="nps", type="double", minimum=0, maximum=10, description="Likelihood to recommend, 0-10."),
        Column(name="ces", type="double", minimum=1, maximum=7, description="Customer effort (CES 2.0), 1-7."),
        Column(name="fcr", type="bool", description="Customer says the issue was resolved."),
        Column(name="agent_id", type="text", description="Agent attributed at response time."),
        Column(name="team_id", type="text", description="Team attributed at response time."),
        Column(name="comment", type="text", description="Verbatim comment (untrusted text)."),
        *_lineage("Record id in the source system."),
    ),
)

AGENTS = Table(
    name="agents",
    description="Agents: skills, languages, site, hire date, tier, contract hours.",
    key="agent_id",
    version_column="source_version",
    columns=(
        Column(name="agent_id", type="text", required=True, description="Agent id as contacts use it."),
        Column(name="program_id", type="text", required=True, description="Program the agent works for."),
        Column(name="name", type="text", description="Display name."),
        Column(name="team_id", type="text", description="Team."),
        Column(name="supervisor_id", type="text", description="Team lead."),
        Column(name="site_id", type="text", description="Site."),
        Column(
            name="delivery_model",
            type="text",
            allowed=DELIVERY_MODELS,
            description="onshore, nearshore, offshore or work_from_home.",
        ),
        Column(name="skills", type="text[]", description="Skills (queue ids) the agent can take."),
        Column(name="languages", type="text[]", description="Languages spoken."),
        Column(name="tier", type="int", minimum=1, maximum=3, description="Support tier."),
        Column(name="hire_date", type="date", description="First day."),
        Column(name="end_date", type="date", description="Last day, if the agent left."),
        Column(
            name="contract_hours_week",
            type="double",
            minimum=0,
            maximum=80,
            unit="h",
            description="Contracted hours per week.",
        ),
        *_lineage("Record id in the source system."),
    ),
    checks=(
        RowCheck(
            reason="end_before_start",
            field="end_date",
            violated_sql="end_date < hire_date",
            description="The agent leaves before being hired.",
        ),
    ),
)

TABLES: dict[str, Table] = {t.name: t for t in (CONTACTS, AGENT_STATES, SURVEYS, AGENTS)}


def table(name: str) -> Table:
    """The canonical table called ``name``."""
    try:
        return TABLES[name]
    except KeyError:
        raise KeyError(f"no canonical table {name!r}; tables are {', '.join(TABLES)}") from None


def duckdb_ddl(t: Table, *, name: str | None = None, temporary: bool = False) -> str:
    """``CREATE TABLE IF NOT EXISTS`` for ``t`` (uniqueness of the key is kept by ingestion, not an index)."""
    cols = ",\n  ".join(f"{c.name} {c.duckdb_type}" for c in t.columns)
    temp = "TEMP " if temporary else ""
    return f"CREATE {temp}TABLE IF NOT EXISTS {name or t.name} (\n  {cols}\n)"


def arrow_schema(t: Table) -> object:
    """The Arrow schema of ``t`` (imported lazily so ``import supportops`` stays cheap)."""
    import pyarrow as pa

    types = {
        "text": pa.string(),
        "int": pa.int32(),
        "bigint": pa.int64(),
        "double": pa.float64(),
        "bool": pa.bool_(),
        "timestamp": pa.timestamp("us", tz="UTC"),
        "date": pa.date32(),
        "text[]": pa.list_(pa.string()),
    }
    return pa.schema([pa.field(c.name, types[c.type]) for c in t.columns])


def markdown() -> str:
    """The schema page (``docs/schema.md``), generated from the declarations."""
    intro = "written: it goes to the quarantine with its file, record, line, field and one of the reasons below."
    lines = [
        "# Canonical tables",
        "",
        "Generated from `src/supportops/schema.py` by `supportops schema --markdown`; do not edit by hand.",
        "Timestamps are UTC; durations are integer milliseconds. A row that breaks a rule below is not",
        intro,
        "",
    ]
    for t in TABLES.values():
        lines += [f"## `{t.name}`", "", t.description, "", f"Key: `{t.key}`."]
        if t.version_column:
            lines.append(f"A row with a newer `{t.version_column}` replaces the stored one; an equal or older")
            lines.append("one is counted as a duplicate.")
        lines += ["", "| column | type | required | allowed / range | meaning |", "|---|---|---|---|---|"]
        for c in t.columns:
            rng = ""
            if c.allowed:
                rng = ", ".join(c.allowed)
            elif c.minimum is not None or c.maximum is not None:
                if c.maximum is None:
                    rng = f">= {c.minimum:g}"
                elif c.minimum is None:
                    rng = f"<= {c.maximum:g}"
                else:
                    rng = f"{c.minimum:g} to {c.maximum:g}"
                if c.below_minimum_reason != "out_of_range":
                    rng += f" (below: `{c.below_minimum_reason}`)"
            unit = f" ({c.unit})" if c.unit else ""
            req = "yes" if c.required else ""
            lines.append(f"| `{c.name}` | {c.type}{unit} | {req} | {rng} | {c.description} |")
        if t.checks:
            lines += ["", "Rules across columns:", ""]
            lines += [f"- `{ck.reason}` ({ck.field}): {ck.description}" for ck in t.checks]
        lines.append("")
    lines += [
        "## Quarantine reasons",
        "",
        "| reason | meaning |",
        "|---|---|",
        *[f"| `{code}` | {text} |" for code, text in QUARANTINE_REASONS.items()],
        "",
    ]
    return "\n".join(lines)


QUARANTINE_REASONS: dict[str, str] = {
    "missing_required": "A required field is empty.",
    "invalid_value": "The value is not one of the allowed values.",
    "unparseable_timestamp": "The value is not a date-time the format allows.",
    "unparseable_number": "The value is not a number.",
    "unparseable_duration": "The value is not a duration in the declared unit (s, ms, min or hh:mm:ss).",
    "unparseable_boolean": "The value is not a yes/no value.",
    "negative_duration": "A duration is below zero.",
    "out_of_range": "A number is outside its allowed range (for example a survey score).",
    "end_before_start": "The record ends before it starts.",
    "answer_before_arrival": "The contact is answered before it arrives.",
    "end_before_answer": "The contact ends before it is answered.",
    "malformed_row": "The row has the wrong number of fields or broken quoting.",
    "invalid_json": "The record is not valid JSON or lacks the structure the format needs.",
    "phantom_call": "The source marks the record as a virtual call to be ignored.",
    "unknown_queue": "The record names a queue the workspace does not know and no time zone was given.",
}
