"""Time to generate the quarterly labour-market bulletin (issue 4, "Bulletin PDF generation time").

Run by hand from the project root, on a database that holds a demo (or let the script create one)::

    SIEE_DATABASE_URL=sqlite:////tmp/bench-obs/siee.sqlite3 \\
        .venv/bin/python bench/observatory_bulletin.py --demo-people 20000 --demo-vacancies 2000 \\
        --territory 68 --quarter 2026Q4 --repeat 5

Prints, for one territory and quarter: gathering the figures (`build_bulletin`: every indicator this quarter with
sex and territory breakdowns, the previous quarter, 8-quarter series of the headline indicators), laying out the
PDF (reportlab) and the XLSX (openpyxl), first run (cold) and the median of the warm runs, plus the file sizes.
Reference measured in the same run: one `compute_all` of the dashboard (the same quarter, sex and territory
breakdowns), and the ratio of the whole bulletin to it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def timed(fn):
    started = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--territory", default="68")
    parser.add_argument("--quarter", default=None, help="default: the current quarter (the demo's registrations)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--demo-people", type=int, default=0, help="create a demo first if the database is empty")
    parser.add_argument("--demo-vacancies", type=int, default=0)
    parser.add_argument("--out", default=None, help="folder to keep the generated files")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "siee.settings")
    import django

    django.setup()
    from django.conf import settings

    from siee.cli import ensure_database
    from siee.observatory import bulletin, services
    from siee.observatory.periods import current_quarter, parse_period
    from siee.people.models import Person

    ensure_database()
    if not Person.objects.exists():
        if not args.demo_people:
            print("La base está vacía: use --demo-people N --demo-vacancies M o una base con demo.", file=sys.stderr)
            return 2
        from siee.core.demo import generate_demo

        stats, seconds = timed(lambda: generate_demo(people=args.demo_people, vacancies=args.demo_vacancies or
                                                     max(1, args.demo_people // 10), seed=1, history=True))
        print(f"demo: {stats['people']} personas, {stats['vacancies']} vacantes ({seconds:.1f} s)")
    quarter = parse_period(args.quarter) if args.quarter else current_quarter()
    territory = services.resolve_territory(args.territory)
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    people = Person.objects.count()
    print(f"base: {engine}, {thousands(people)} personas; territorio {territory.code} "
          f"({territory.display_name()}), trimestre {quarter.label}")

    timings: dict[str, list[float]] = {"compute_all": [], "build": [], "pdf": [], "xlsx": []}
    sizes = {}
    for _ in range(max(1, args.repeat)):
        _r, t = timed(lambda: services.compute_all(territory=territory, period=quarter, breakdowns=["sex", "territory"]))
        timings["compute_all"].append(t)
        data, t = timed(lambda: bulletin.build_bulletin(territory=territory, quarter=quarter))
        timings["build"].append(t)
        pdf, t = timed(lambda d=data: bulletin.render_pdf(d))
        timings["pdf"].append(t)
        xlsx, t = timed(lambda d=data: bulletin.render_xlsx(d))
        timings["xlsx"].append(t)
        sizes = {"pdf": len(pdf), "xlsx": len(xlsx)}
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        (out / f"boletin-{territory.code}-{quarter.label}.pdf").write_bytes(pdf)
        (out / f"boletin-{territory.code}-{quarter.label}.xlsx").write_bytes(xlsx)

    def row(name, values):
        warm = statistics.median(values[1:]) if len(values) > 1 else values[0]
        return f"  {name:<34} primera {values[0] * 1000:8.0f} ms   mediana en caliente {warm * 1000:8.0f} ms"

    print(f"{len(data.figures)} indicadores, {len(data.series)} series, {len(data.by_territory)} tablas por territorio")
    print(row("compute_all (tablero, referencia)", timings["compute_all"]))
    print(row("reunir las cifras (build_bulletin)", timings["build"]))
    print(row("PDF (reportlab)", timings["pdf"]))
    print(row("XLSX (openpyxl)", timings["xlsx"]))
    warm = lambda k: statistics.median(timings[k][1:]) if len(timings[k]) > 1 else timings[k][0]  # noqa: E731
    total_pdf = warm("build") + warm("pdf")
    total_xlsx = warm("build") + warm("xlsx")
    print(f"boletín PDF completo: {total_pdf * 1000:.0f} ms ({thousands(sizes['pdf'])} bytes); "
          f"XLSX completo: {total_xlsx * 1000:.0f} ms ({thousands(sizes['xlsx'])} bytes)")
    base = warm("compute_all")
    if base > 0:
        print(f"razón boletín PDF / compute_all del tablero: {total_pdf / base:.1f}x")
    try:
        print("carga:", os.getloadavg())
    except OSError:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
