"""What metrics are grouped by: dimensions of the contact record and time grains in the workspace's zone.

Time is bucketed on *local wall-clock seconds*: the UTC epoch second of an instant plus the zone's UTC offset
at that instant. The offset is a piecewise-constant function of the UTC instant, built here from the IANA
zone's transitions within the data's range, and written as ``offset0 + Σ (epoch ≥ tᵢ) · δᵢ`` so that the
same integer arithmetic runs on DuckDB and on PySpark (which lacks timestamp bucketing and time zone
conversion in Ibis). Grain keys are integers (local seconds, local day numbers, month indexes); their labels
are formatted in Python after aggregation:

- ``15min`` / ``30min`` / ``60min`` (alias ``hour``): ``YYYY-MM-DDTHH:MM±HH:MM``, the interval start in local
  time with its UTC offset, so the repeated hour of a fall-back day gives two distinct intervals;
- ``day``: ``YYYY-MM-DD``; ``week``: ISO ``YYYY-Www`` when the workspace week starts on Monday, otherwise the
  local date of the week's first day (``YYYY-MM-DD``); ``month``: ``YYYY-MM``; ``quarter``: ``YYYY-Qn``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Literal
from zoneinfo import ZoneInfo

from supportops.errors import InputError

if TYPE_CHECKING:
    import ibis.expr.types as ir

__all__ = [
    "DIMENSIONS",
    "GRAINS",
    "Grouping",
    "OffsetSchedule",
    "grain_key",
    "grain_label",
    "local_midnight",
    "offset_schedule",
    "parse_grouping",
    "period_bounds",
]

DIMENSIONS: dict[str, str] = {
    "program": "program_id",
    "queue": "queue_id",
    "channel": "channel",
    "language": "language",
    "site": "site_id",
    "team": "team_id",
    "agent": "agent_id",
    "segment": "segment",
    "reason": "reason_l1",
    "tier": "tier",
}
"""Grouping name → column of the contact record."""

Grain = Literal["15min", "30min", "60min", "day", "week", "month", "quarter"]
GRAINS: tuple[str, ...] = ("15min", "30min", "60min", "day", "week", "month", "quarter")
_ALIASES = {"hour": "60min", "interval15": "15min", "interval30": "30min", "interval60": "60min", "isoweek": "week"}
_EPOCH = date(1970, 1, 1)


@dataclass(frozen=True, slots=True, kw_only=True)
class Grouping:
    """A parsed ``--by`` list: dimension names (in the order given) and at most one time grain."""

    dimensions: tuple[str, ...] = ()
    grain: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        """Output column names, in the order the user gave them (time grain last)."""
        return (*self.dimensions, *((self.grain,) if self.grain else ()))


def parse_grouping(spec: str | None) -> Grouping:
    """``"queue,day"`` → Grouping(dimensions=("queue",), grain="day"); unknown names raise InputError."""
    dims: list[str] = []
    grain: str | None = None
    for raw in (spec or "").split(","):
        name = raw.strip().lower()
        if not name:
            continue
        name = _ALIASES.get(name, name)
        if name in DIMENSIONS:
            if name not in dims:
                dims.append(name)
        elif name in GRAINS:
            if grain is not None and grain != name:
                raise InputError(f"--by: two time grains ({grain} and {name}); choose one")
            grain = name
        else:
            known = ", ".join((*DIMENSIONS, *GRAINS, "hour"))
            raise InputError(f"--by: {raw.strip()!r} is not a dimension or time grain (known: {known})")
    return Grouping(dimensions=tuple(dims), grain=grain)


@dataclass(frozen=True, slots=True, kw_only=True)
class OffsetSchedule:
    """UTC offset (seconds) of a zone as a step function of the UTC epoch second.

    ``initial`` holds before the first transition; ``steps`` are (epoch second, change in offset).
    """

    zone: str
    initial: int
    steps: tuple[tuple[int, int], ...]

    def offset_at(self, epoch_s: int) -> int:
        return self.initial + sum(delta for at, delta in self.steps if epoch_s >= at)

    def local_seconds(self, epoch: ir.IntegerValue) -> ir.IntegerValue:
        """An Ibis expression: local wall-clock seconds of the UTC epoch second ``epoch``."""
        return epoch + self.offset(epoch)

    def offset(self, epoch: ir.IntegerValue) -> ir.IntegerValue:
        """An Ibis expression: the zone's UTC offset (seconds) at the UTC epoch second ``epoch``."""
        import ibis

        expr: ir.IntegerValue = ibis.literal(self.initial, type="int64")
        for at, delta in self.steps:
            expr = expr + ibis.ifelse(epoch >= at, ibis.literal(delta, type="int64"), ibis.literal(0, type="int64"))
        return expr


def _offset(zone: ZoneInfo, epoch_s: int) -> int:
    off = datetime.fromtimestamp(epoch_s, tz=UTC).astimezone(zone).utcoffset()
    return int(off.total_seconds()) if off is not None else 0


def offset_schedule(zone_name: str, first_epoch_s: int, last_epoch_s: int) -> OffsetSchedule:
    """The zone's offsets over [first, last] (padded by two days), transitions found to the second."""
    zone = ZoneInfo(zone_name)
    lo, hi = first_epoch_s - 2 * 86400, last_epoch_s + 2 * 86400
    initial = _offset(zone, lo)
    steps: list[tuple[int, int]] = []
    step = 3600
    prev_t, prev_off = lo, initial
    t = lo + step
    while t <= hi + step:
        off = _offset(zone, t)
        if off != prev_off:
            a, b = prev_t, t  # offset(a) == prev_off, offset(b) == off: find the first second of the change
            while b - a > 1:
                mid = (a + b) // 2
                if _offset(zone, mid) == prev_off:
                    a = mid
                else:
                    b = mid
            steps.append((b, off - prev_off))
            prev_off = off
        prev_t = t
        t += step
    return OffsetSchedule(zone=zone_name, initial=initial, steps=tuple(steps))


def grain_key(grain: str, local_s: ir.IntegerValue, offset: ir.IntegerValue, week_start: str) -> ir.IntegerValue:
    """An integer bucket key for ``grain`` from local wall-clock seconds (and the offset, for intervals).

    Intervals: local seconds of the interval start × 100000 + (offset in minutes + 50000), so that both the
    wall-clock start and the offset survive in one integer; day: local day number since 1970-01-01; week: day
    number of the week's first day; month: year × 12 + month − 1; quarter: year × 4 + quarter − 1.
    """
    if grain.endswith("min"):
        width = int(grain.removesuffix("min")) * 60
        return ((local_s // width) * width) * 100000 + (offset // 60 + 50000)
    days = local_s // 86400
    if grain == "day":
        return days
    if grain == "week":
        shift = {"monday": 3, "sunday": 4, "saturday": 5}[week_start]  # 1970-01-01 was a Thursday
        return days - (days + shift) % 7
    year, month = _civil_year_month(days)
    if grain == "month":
        return year * 12 + month - 1
    if grain == "quarter":
        return year * 4 + (month - 1) // 3
    raise InputError(f"unknown time grain {grain!r}")


def _civil_year_month(days: ir.IntegerValue) -> tuple[ir.IntegerValue, ir.IntegerValue]:
    """(year, month 1-12) of a day number since 1970-01-01, by integer arithmetic (H. Hinnant's algorithm)."""
    import ibis

    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    month = ibis.ifelse(mp < 10, mp + 3, mp - 9)
    year = yoe + era * 400 + ibis.ifelse(month <= 2, 1, 0)
    return year, month


def grain_label(grain: str, key: int | None, week_start: str) -> str | None:
    """The human label of an integer bucket key made by :func:`grain_key`."""
    if key is None:
        return None
    if grain.endswith("min"):
        local_s, off_code = divmod(int(key), 100000)
        off_min = off_code - 50000
        tz = timezone(timedelta(minutes=off_min))
        wall = datetime(1970, 1, 1) + timedelta(seconds=local_s)
        return wall.replace(tzinfo=tz).isoformat(timespec="minutes")
    if grain == "day":
        return (_EPOCH + timedelta(days=int(key))).isoformat()
    if grain == "week":
        first = _EPOCH + timedelta(days=int(key))
        if week_start == "monday":
            iso = first.isocalendar()
            return f"{iso.year}-W{iso.week:02d}"
        return first.isoformat()
    if grain == "month":
        y, m = divmod(int(key), 12)
        return f"{y}-{m + 1:02d}"
    if grain == "quarter":
        y, q = divmod(int(key), 4)
        return f"{y}-Q{q + 1}"
    raise InputError(f"unknown time grain {grain!r}")


def period_bounds(period: str, time_zone: str, week_start: str) -> tuple[datetime, datetime]:
    """UTC [start, end) of a period label (``2024-W05``, ``2024-01``, ``2024-Q1``, ``2024-01-15``) in the zone."""
    zone = ZoneInfo(time_zone)
    p = period.strip()
    try:
        if "-W" in p.upper():
            y, w = p.upper().split("-W")
            first = date.fromisocalendar(int(y), int(w), 1)
            if week_start != "monday":
                raise InputError(f"--period {p}: ISO weeks need week_start = 'monday'; give a date range instead")
            last = first + timedelta(days=7)
        elif "-Q" in p.upper():
            y, q = p.upper().split("-Q")
            qi = int(q)
            if not 1 <= qi <= 4:
                raise ValueError(q)
            first = date(int(y), 3 * qi - 2, 1)
            last = date(int(y) + (qi == 4), (3 * qi) % 12 + 1, 1)
        elif len(p) == 7:
            year, month = (int(x) for x in p.split("-"))
            first = date(year, month, 1)
            last = date(year + (month == 12), month % 12 + 1, 1)
        else:
            first = date.fromisoformat(p)
            last = first + timedelta(days=1)
    except ValueError:
        raise InputError(f"--period {p!r}: use YYYY-Www, YYYY-MM, YYYY-Qn or YYYY-MM-DD") from None
    return local_midnight(first, zone), local_midnight(last, zone)


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The UTC instant of local midnight starting ``day`` in ``zone``."""
    return datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)
