"""`siee report bulletin`: the quarterly labour-market bulletin as PDF or XLSX (format from the extension).

Registered by `siee.observatory.commands.register`, which calls `register(sub)` here. The `report` command
already exists (intermediation's fairness report); `bulletin` is added to its sub-commands.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def _report_subparsers(sub):
    """The sub-command group of `siee report`, creating `report` if no other app registered it."""
    parser = sub.choices.get("report")
    if parser is None:
        parser = sub.add_parser("report", help="Informes.")
        rsub = parser.add_subparsers(dest="report_command", metavar="REPORT")
        rsub.required = True
        return rsub
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    rsub = parser.add_subparsers(dest="report_command", metavar="REPORT")
    rsub.required = True
    return rsub


def register(sub) -> None:
    rsub = _report_subparsers(sub)
    if "bulletin" in rsub.choices:
        return
    c = rsub.add_parser(
        "bulletin", help="Boletín trimestral del mercado de trabajo (PDF o XLSX).",
        description="Genera el boletín trimestral del mercado de trabajo de un territorio: portada, resumen "
                    "ejecutivo, indicadores del trimestre frente al anterior, evolución, mujeres y hombres, "
                    "territorios y habilidades. El formato sale de la extensión de --out (.pdf o .xlsx). "
                    "Solo cifras agregadas con control de divulgación.")
    c.add_argument("--territory", required=True, metavar="CODE", help="código del territorio (p. ej. 68001 o 68)")
    c.add_argument("--quarter", required=True, metavar="AAAAQn", help="trimestre, p. ej. 2026Q3")
    c.add_argument("--out", required=True, metavar="FILE", help="archivo de salida .pdf o .xlsx")
    c.set_defaults(func=cmd_report_bulletin)


def cmd_report_bulletin(args) -> int:
    from siee.cli import ensure_database
    from siee.core.errors import DomainError
    from siee.core.selectors import find_territory
    from siee.observatory import bulletin
    from siee.observatory.periods import parse_period

    out = Path(args.out)
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in ("pdf", "xlsx"):
        print(f"Error: formato desconocido {out.suffix or '(sin extensión)'!r} en --out; use .pdf o .xlsx.",
              file=sys.stderr)
        return 2
    try:
        quarter = parse_period(args.quarter)
    except ValueError as exc:
        print(f"Error: --quarter: {exc}", file=sys.stderr)
        return 2
    if quarter.kind != "quarter":
        print(f"Error: --quarter: {args.quarter!r} no es un trimestre; use por ejemplo 2026Q3.", file=sys.stderr)
        return 2
    ensure_database()
    territory = find_territory(args.territory)
    if territory is None:
        print(f"Error: --territory: territorio desconocido {args.territory!r}.", file=sys.stderr)
        return 2
    if not out.parent.exists():
        print(f"Error: --out: la carpeta {str(out.parent)!r} no existe.", file=sys.stderr)
        return 2
    started = time.perf_counter()
    try:
        data = bulletin.build_bulletin(territory=territory, quarter=quarter)
        content = bulletin.render_pdf(data) if fmt == "pdf" else bulletin.render_xlsx(data)
    except DomainError as exc:
        print(f"Error: {exc.message}", file=sys.stderr)
        return 2
    out.write_bytes(content)
    from siee.core import audit
    from siee.core.models import AuditAction

    audit.record(actor=None, action=AuditAction.EXPORT, object_type="bulletin", object_id=territory.code,
                 detail={"quarter": quarter.label, "format": fmt, "file": str(out)})
    size = f"{len(content):,}".replace(",", ".")
    print(f"Boletín {data.quarter_label} de {data.territory_name}: {out} ({size} bytes, "
          f"{time.perf_counter() - started:.2f} s).")
    return 0
