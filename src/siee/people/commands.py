"""CLI: `siee import`, `siee export` (people, employers, vacancies) and `siee demo`.

    siee import people FILE [--report REPORT.csv] [--rejected FILE]
    siee export people|employers|vacancies --format csv|xlsx --out FILE
    siee demo --people N --vacancies M --seed S [--territory CODE]

`siee import` exits 0 when every row was imported, 1 when some rows were rejected, 2 when the file could not
be read at all; its last line of output says how many rows were imported and rejected.
"""

from __future__ import annotations

import argparse
import sys

ENTITIES = ("people", "employers", "vacancies")
_ENTITY_HELP = "people (personas), employers (empleadores) o vacancies (vacantes)"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "import", help="Importa personas, empleadores o vacantes desde CSV o XLSX, con informe de filas rechazadas.",
        description="Importa un archivo CSV (UTF-8 o Latin-1; separador , ; o tabulador) o XLSX. Las filas válidas "
                    "se guardan; las que tienen errores se listan en el informe (fila, campo, motivo, valor). "
                    "Reimportar es seguro: las claves naturales (documento, NIT, código de vacante) actualizan en vez "
                    "de duplicar. Salida: 0 si todo se importó, 1 si hubo filas rechazadas, 2 si el archivo no se "
                    "pudo leer.",
    )
    p.add_argument("entity", choices=ENTITIES, help=_ENTITY_HELP)
    p.add_argument("file", help="archivo .csv o .xlsx")
    p.add_argument("--report", metavar="REPORT.csv", help="informe de errores (columnas row, field, reason, value)")
    p.add_argument("--rejected", metavar="FILE", help="archivo con las filas rechazadas y una columna 'errores', "
                   "para corregirlas y reimportarlas (.csv o .xlsx)")
    p.add_argument("--as", "--user", dest="user", metavar="USERNAME", help="importar como este usuario (aplica su alcance territorial); por defecto, el sistema")
    p.add_argument("--workers", type=int, default=None, metavar="N",
                   help="procesos para validar en paralelo archivos grandes (por defecto 1 o SIEE_IMPORT_WORKERS)")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("export", help="Exporta personas, empleadores o vacantes a CSV o XLSX (formato de importación).",
                       description="Exporta en el mismo formato que acepta 'siee import': lo que exporta una base de "
                                   "datos se importa en otra. Las exportaciones de datos personales quedan auditadas.")
    p.add_argument("entity", choices=ENTITIES, help=_ENTITY_HELP)
    p.add_argument("--format", choices=("csv", "xlsx"), default=None, help="formato (por defecto, según la extensión de --out)")
    p.add_argument("--out", required=True, metavar="FILE", help="archivo de salida")
    p.add_argument("--as", "--user", dest="user", metavar="USERNAME", help="exportar como este usuario (aplica su alcance); por defecto, el sistema")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("demo", help="Genera una población de demostración reproducible (personas, empleadores, vacantes).",
                       description="Añade datos de demostración realistas a la base (vacía o no): personas con "
                                   "experiencia, habilidades y autorizaciones, migrantes venezolanos, empleadores y "
                                   "vacantes tomados de la taxonomía y la geografía reales. La misma semilla da los "
                                   "mismos datos.")
    p.add_argument("--people", type=int, default=1000, help="número de personas (por defecto 1000)")
    p.add_argument("--vacancies", type=int, default=50, help="número de vacantes (por defecto 50)")
    p.add_argument("--seed", type=int, default=1, help="semilla (por defecto 1)")
    p.add_argument("--territory", help="código de municipio o departamento (p. ej. 68001 o 68); por defecto el área "
                   "metropolitana de Bucaramanga")
    p.set_defaults(func=cmd_demo)


def _actor(username):
    if not username:
        return None
    from siee.core.models import User

    user = User.objects.filter(username=username).first()
    if user is None:
        raise SystemExit(f"Error: no existe el usuario {username!r}.")
    return user


def cmd_import(args) -> int:
    from siee.cli import ensure_database
    from siee.core.errors import DomainError
    from siee.core.tabular import UnreadableFile

    ensure_database()
    if args.entity == "people":
        from siee.people.imports import import_people as importer
    elif args.entity == "employers":
        from siee.employers.imports import import_employers as importer
    else:
        from siee.employers.imports import import_vacancies as importer
    try:
        actor = _actor(args.user)
        result = importer(args.file, actor=actor, report_path=args.report, rejected_path=args.rejected, progress=True,
                          workers=args.workers)
    except UnreadableFile as exc:
        print(f"Error: {exc.message}", file=sys.stderr)
        print("Importadas 0 filas; el archivo no se pudo leer.", file=sys.stderr)
        return 2
    except DomainError as exc:
        print(f"Error: {exc.message}", file=sys.stderr)
        return 2
    sys.stderr.flush()
    shown = result.errors[:20]
    for e in shown:
        value = f" [{e.value}]" if e.value else ""
        print(f"fila {e.row}, {e.field}: {e.reason}{value}")
    if len(result.errors) > len(shown):
        print(f"... y {len(result.errors) - len(shown)} errores más" + (f" (ver {args.report})." if args.report else "."))
    if result.rejected_path:
        print(f"Filas rechazadas para corregir y reimportar: {result.rejected_path}")
    print(result.summary())
    sys.stdout.flush()
    return 1 if result.rejected else 0


def cmd_export(args) -> int:
    from siee.cli import ensure_database
    from siee.core.errors import DomainError
    from siee.core.tabular import guess_format

    ensure_database()
    fmt = args.format or guess_format(args.out)
    if args.entity == "people":
        from siee.people.exports import export_people as exporter
    elif args.entity == "employers":
        from siee.employers.exports import export_employers as exporter
    else:
        from siee.employers.exports import export_vacancies as exporter
    try:
        count = exporter(args.out, fmt=fmt, actor=_actor(args.user), progress=True)
    except DomainError as exc:
        print(f"Error: {exc.message}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"Error: no se pudo escribir {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"Exportadas {count} filas a {args.out}")
    return 0


def cmd_demo(args) -> int:
    from siee.cli import ensure_database
    from siee.core.demo import DemoError, generate_demo

    if args.people < 0 or args.vacancies < 0:
        print("Error: --people y --vacancies deben ser 0 o más.", file=sys.stderr)
        return 2
    ensure_database()
    try:
        stats = generate_demo(people=args.people, vacancies=args.vacancies, seed=args.seed, territory=args.territory, history=True,
                              progress=True)
    except DemoError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    if stats.get("history"):
        h = stats["history"]
        print(f"Historial de intermediación: {h['referrals']} remisiones, {h['placements']} colocaciones, "
              f"{h['follow_ups']} seguimientos ({h['follow_ups_overdue']} vencidos).")
    for area, counts in stats.get("extras", {}).items():
        print(f"Demostración de {area}: " + ", ".join(f"{k}={v}" for k, v in counts.items()))
    print(f"Demostración creada: {stats['people']} personas ({stats['migrants']} migrantes), "
          f"{stats['employers']} empleadores, {stats['vacancies']} vacantes en {stats['territory']} "
          f"({stats['seconds']:.1f} s).")
    return 0
