"""Statistical disclosure control. Pure Python, no Django.

A cell is *sensitive* when the number of units behind it (people, vacancies, employers...) is positive and below
the threshold (default 5, setting ``SIEE_DISCLOSURE_THRESHOLD``). Sensitive cells are suppressed (primary
suppression). When a published total would let a reader recover a suppressed cell by subtraction (exactly one
suppressed cell, or suppressed cells that add up to less than the threshold), the smallest other non-zero cells
are suppressed too (complementary suppression) until the suppressed group is itself at or above the threshold
and holds at least two cells. A zero cell is never sensitive: it reveals nobody.
"""

from __future__ import annotations

from collections.abc import Mapping

DEFAULT_THRESHOLD = 5


def is_sensitive(count: float | None, threshold: int = DEFAULT_THRESHOLD) -> bool:
    return count is not None and 0 < count < threshold


def suppress(cells: Mapping[str, float], *, threshold: int = DEFAULT_THRESHOLD, total_published: bool = True) -> set[str]:
    """Keys to suppress among `cells` (key -> unit count) that add up to a published total.

    >>> sorted(suppress({"F": 3, "M": 40, "X": 0}))
    ['F', 'M']
    >>> sorted(suppress({"F": 3, "M": 2, "X": 40}))
    ['F', 'M']
    >>> sorted(suppress({"a": 7, "b": 9}))
    []
    """
    primary = {k for k, c in cells.items() if is_sensitive(c, threshold)}
    if not primary or not total_published:
        return primary
    hidden = set(primary)
    candidates = sorted((c, k) for k, c in cells.items() if k not in hidden and c and c > 0)

    def exposed() -> bool:
        total_hidden = sum(cells[k] for k in hidden)
        return len(hidden) < 2 or total_hidden < threshold

    while exposed() and candidates:
        hidden.add(candidates.pop(0)[1])
    return hidden


def threshold_from_settings() -> int:
    try:
        from django.conf import settings

        value = getattr(settings, "SIEE_DISCLOSURE_THRESHOLD", None)
    except Exception:  # noqa: BLE001 - usable without Django configured
        value = None
    if value is None:
        import os

        value = os.environ.get("SIEE_DISCLOSURE_THRESHOLD") or DEFAULT_THRESHOLD
    return max(1, int(value))
