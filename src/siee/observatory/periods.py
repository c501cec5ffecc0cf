"""Reporting periods: months ("2026-07"), quarters ("2026Q3") and years ("2026"). Pure Python, no Django."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-?[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")


def _add_months(day: dt.date, n: int) -> dt.date:
    index = day.year * 12 + (day.month - 1) + n
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True, order=True)
class Period:
    """A calendar period: `start` inclusive, `end` exclusive."""

    start: dt.date
    end: dt.date
    kind: str
    label: str

    @property
    def length(self) -> int:
        """Length in months."""
        return {"month": 1, "quarter": 3, "year": 12}[self.kind]

    def shift(self, n: int) -> Period:
        """The period of the same kind `n` steps later (negative: earlier)."""
        return make_period(self.kind, _add_months(self.start, n * self.length))

    def previous(self) -> Period:
        return self.shift(-1)

    def months(self) -> list[Period]:
        return [make_period("month", _add_months(self.start, i)) for i in range(self.length)]

    def contains(self, day: dt.date) -> bool:
        return self.start <= day < self.end

    def __str__(self) -> str:
        return self.label


def make_period(kind: str, start: dt.date) -> Period:
    """The month, quarter or year that contains `start`."""
    if kind == "month":
        first = dt.date(start.year, start.month, 1)
        return Period(first, _add_months(first, 1), "month", f"{first.year}-{first.month:02d}")
    if kind == "quarter":
        q = (start.month - 1) // 3
        first = dt.date(start.year, q * 3 + 1, 1)
        return Period(first, _add_months(first, 3), "quarter", f"{first.year}Q{q + 1}")
    if kind == "year":
        first = dt.date(start.year, 1, 1)
        return Period(first, dt.date(start.year + 1, 1, 1), "year", str(start.year))
    raise ValueError(f"Tipo de periodo desconocido: {kind!r} (use month, quarter o year).")


def parse_period(text) -> Period:
    """Parse "2026Q3", "2026-07" or "2026". A Period passes through unchanged."""
    if isinstance(text, Period):
        return text
    value = str(text or "").strip()
    m = _QUARTER.match(value)
    if m:
        return make_period("quarter", dt.date(int(m.group(1)), (int(m.group(2)) - 1) * 3 + 1, 1))
    m = _MONTH.match(value)
    if m and 1 <= int(m.group(2)) <= 12:
        return make_period("month", dt.date(int(m.group(1)), int(m.group(2)), 1))
    m = _YEAR.match(value)
    if m and int(m.group(1)) >= 1900:
        return make_period("year", dt.date(int(m.group(1)), 1, 1))
    raise ValueError(
        f"Periodo no válido: {value!r}. Use un trimestre (2026Q3), un mes (2026-07) o un año (2026)."
    )


def last_n(period: Period, n: int) -> list[Period]:
    """The `n` periods of the same kind ending with `period`, oldest first."""
    return [period.shift(-i) for i in range(n - 1, -1, -1)]


def current_quarter(today: dt.date | None = None) -> Period:
    return make_period("quarter", today or dt.date.today())


def last_complete_quarter(today: dt.date | None = None) -> Period:
    return current_quarter(today).previous()


def month_starts(start: dt.date, end: dt.date) -> list[dt.date]:
    """First days of the months in [start, end)."""
    out = []
    day = dt.date(start.year, start.month, 1)
    while day < end:
        out.append(day)
        day = _add_months(day, 1)
    return out
