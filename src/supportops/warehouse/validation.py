"""Row validation generated from the canonical declarations in :mod:`supportops.schema`.

A staged row carries its canonical columns plus ``_err_reason`` / ``_err_field`` / ``_err_detail`` set by the
reader when a value could not be parsed. :func:`reason_sql` returns the SQL expressions that give each row
its quarantine reason, field and detail (NULL when the row is valid), in a fixed order: parse errors first,
then per column (required, allowed values, minimum, maximum) in declaration order, then the table's
cross-column rules.
"""

from __future__ import annotations

from supportops.schema import Column, Table

__all__ = ["reason_sql", "sql_literal"]


def sql_literal(value: str) -> str:
    """A DuckDB string literal for ``value``."""
    return "'" + value.replace("'", "''") + "'"


def _rules(col: Column) -> list[tuple[str, str, str]]:
    """(condition, reason, detail expression) for one column."""
    n = col.name
    out: list[tuple[str, str, str]] = []
    if col.required:
        blank = f"{n} IS NULL" + (f" OR trim({n}) = ''" if col.type == "text" else "")
        out.append((blank, "missing_required", "NULL"))
    if col.allowed:
        allowed = ", ".join(sql_literal(a) for a in col.allowed)
        out.append((f"{n} NOT IN ({allowed})", "invalid_value", f"CAST({n} AS VARCHAR)"))
    if col.minimum is not None:
        out.append((f"{n} < {col.minimum!r}", col.below_minimum_reason, f"CAST({n} AS VARCHAR)"))
    if col.maximum is not None:
        out.append((f"{n} > {col.maximum!r}", "out_of_range", f"CAST({n} AS VARCHAR)"))
    return out


def reason_sql(table: Table) -> tuple[str, str, str, str]:
    """SQL for (rule, reason, field, detail) of a staged row of ``table``.

    ``rule`` is the index of the first rule the row breaks (0: the reader's own parse error), NULL when the
    row is valid; it is computed once, and ``reason``, ``field`` and ``detail`` (which refer to a column
    ``_rule`` holding it) only look it up, so the rules are evaluated once per row.
    """
    whens: list[tuple[str, str, str, str]] = [
        ("_err_reason IS NOT NULL", "_err_reason", "_err_field", "_err_detail"),
    ]
    for col in table.columns:
        for cond, reason, detail in _rules(col):
            whens.append((f"({cond})", sql_literal(reason), sql_literal(col.name), detail))
    for check in table.checks:
        whens.append(
            (
                f"coalesce(({check.violated_sql}), false)",
                sql_literal(check.reason),
                sql_literal(check.field),
                "NULL",
            )
        )
    rule = "CASE " + " ".join(f"WHEN {w[0]} THEN {i}" for i, w in enumerate(whens)) + " END"

    def lookup(pick: int) -> str:
        constant = all(w[pick].startswith("'") for w in whens[1:])
        if constant:
            items = ", ".join(w[pick] for w in whens[1:])
            return f"(CASE WHEN _rule IS NULL THEN NULL WHEN _rule = 0 THEN {whens[0][pick]} ELSE [{items}][_rule] END)"
        body = " ".join(f"WHEN {i} THEN {w[pick]}" for i, w in enumerate(whens) if w[pick] != "NULL")
        return f"(CASE _rule {body} END)"

    return rule, lookup(1), lookup(2), lookup(3)
