"""Demo data of the observatory: aggregate the facts of everything the other demos created (runs last)."""

from __future__ import annotations

import time


def generate(*, seed: int, progress: bool) -> dict:
    from siee.observatory.facts import refresh_facts

    started = time.perf_counter()
    written = refresh_facts(progress=progress)
    return {"fact_rows": sum(written.values()), "measures": len(written), "seconds": time.perf_counter() - started}
