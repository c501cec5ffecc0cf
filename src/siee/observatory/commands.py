"""`siee` sub-commands of the observatory (see siee.cli).

    siee indicators list [--json]
    siee indicators compute --territory CODE --period 2026Q3 [--breakdown sex,territory] [--json] [--no-disclosure]
    siee indicators refresh [--full] [--months N]
    siee indicators define FILE.json [--check] [--replace]
    siee series import FILE.csv --code CODE --name NAME [--territory CODE] [--unit U] [--source S]
    siee series list [--json]
    siee export opendata --territory CODE --period 2026Q3 --format parquet|csv --out DIR

Errors (unknown territory or period, invalid definition or CSV rows) go to standard error with exit status 2.
"""

from __future__ import annotations

import argparse
import json
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("indicators", help="Indicadores del observatorio: listar, calcular, agregar, definir.",
                       description="Indicadores del observatorio del mercado de trabajo.")
    isub = p.add_subparsers(dest="indicators_command", metavar="ACCIÓN")
    isub.required = True

    c = isub.add_parser("list", help="Lista los indicadores disponibles (incorporados y definidos por analistas).")
    c.add_argument("--published", action="store_true", help="solo los publicados")
    c.add_argument("--json", action="store_true", help="salida JSON")
    c.set_defaults(func=cmd_list)

    c = isub.add_parser("compute", help="Calcula todos los indicadores para un territorio y un periodo.",
                        description="Calcula cada indicador (total y desagregaciones pedidas) con control de "
                                    "divulgación: las celdas con menos casos que el umbral se suprimen.")
    c.add_argument("--territory", required=True, metavar="CODE", help="código del territorio (p. ej. 68001 o 68)")
    c.add_argument("--period", required=True, metavar="PERIODO", help="trimestre 2026Q3, mes 2026-07 o año 2026")
    c.add_argument("--breakdown", default="", metavar="DIMS",
                   help="desagregaciones separadas por comas: territory, sex, age_group, nationality, "
                        "migratory_status, disability, education_level, isco1..isco4, isic_section, employer_size")
    c.add_argument("--indicator", default="", metavar="CODES", help="solo estos indicadores (códigos separados por comas)")
    c.add_argument("--published", action="store_true", help="solo los indicadores publicados")
    c.add_argument("--json", action="store_true", help="salida JSON")
    c.set_defaults(func=cmd_compute)

    c = isub.add_parser("refresh", help="Actualiza las tablas agregadas (hechos) a partir de los datos.",
                        description="Sin --full reconstruye solo los meses que pueden haber cambiado: los últimos "
                                    "--months meses y los de los registros añadidos o modificados desde la última "
                                    "actualización. Con --full reconstruye todo (tarea nocturna).")
    c.add_argument("--full", action="store_true", help="reconstruir todos los meses de todas las medidas")
    c.add_argument("--months", type=int, default=0, metavar="N",
                   help="meses recientes que se reconstruyen siempre (por defecto 2: el actual y el anterior)")
    c.set_defaults(func=cmd_refresh)

    c = isub.add_parser("define", help="Valida y guarda un indicador definido en un archivo JSON.",
                        description="El archivo contiene un objeto (o una lista de objetos) con las claves code, "
                                    "name, description, kind, measure o numerator/denominator, factor, unit, "
                                    "periodicity, dimensions, published. Ver docs/observatory-engine.md.")
    c.add_argument("file", help="archivo .json")
    c.add_argument("--check", action="store_true", help="solo validar, sin guardar")
    c.add_argument("--replace", action="store_true", help="reemplazar un indicador de analista con el mismo código")
    c.add_argument("--json", action="store_true", help="salida JSON")
    c.set_defaults(func=cmd_define)

    c = isub.add_parser("measures", help="Lista las medidas sobre las que se pueden definir indicadores.")
    c.add_argument("--json", action="store_true", help="salida JSON")
    c.set_defaults(func=cmd_measures)

    p = sub.add_parser("series", help="Series externas (p. ej. la tasa de desempleo oficial).")
    ssub = p.add_subparsers(dest="series_command", metavar="ACCIÓN")
    ssub.required = True
    c = ssub.add_parser("import", help="Importa una serie desde un CSV con columnas period,value (todo o nada).")
    c.add_argument("file", help="archivo .csv con columnas period,value")
    c.add_argument("--code", required=True, help="código de la serie")
    c.add_argument("--name", required=True, help="nombre de la serie")
    c.add_argument("--territory", default=None, metavar="CODE", help="territorio al que se refiere")
    c.add_argument("--unit", default="", help="unidad (p. ej. %%)")
    c.add_argument("--source", default="", help="fuente (p. ej. DANE, GEIH)")
    c.set_defaults(func=cmd_series_import)
    c = ssub.add_parser("list", help="Lista las series externas.")
    c.add_argument("--json", action="store_true", help="salida JSON")
    c.set_defaults(func=cmd_series_list)

    _extend_export(sub)

    import importlib

    try:  # `siee report bulletin` lives in siee.observatory.bulletin_commands
        bulletin_commands = importlib.import_module("siee.observatory.bulletin_commands")
    except ModuleNotFoundError as exc:
        if exc.name != "siee.observatory.bulletin_commands":
            raise
    else:
        bulletin_commands.register(sub)


def _extend_export(sub) -> None:
    """`siee export` belongs to the people app (entities in import format); add the `opendata` entity to it."""
    export = sub.choices.get("export")
    if export is None:
        export = sub.add_parser("export", help="Exporta datos abiertos del observatorio.")
        export.add_argument("entity", choices=["opendata"])
        export.add_argument("--out", required=True, metavar="DIR")
        export.add_argument("--format", default=None)
        original = None
    else:
        original = export.get_default("func")
    for action in export._actions:
        if action.dest == "entity" and action.choices is not None:
            action.choices = list(action.choices) + ["opendata"]
            action.help = (action.help or "") + " | opendata: agregados anonimizados del observatorio"
        if action.dest == "format":
            action.choices = None
            action.help = "csv o xlsx (entidades); parquet o csv (opendata)"
    export.add_argument("--territory", default=None, metavar="CODE", help="opendata: territorio")
    export.add_argument("--period", default=None, metavar="PERIODO",
                        help="opendata: periodo (por defecto, el último trimestre completo)")
    export.add_argument("--breakdown", default=None, metavar="DIMS",
                        help="opendata: desagregaciones (por defecto territory, sex, age_group, migratory_status, "
                             "isco1, isic_section, employer_size)")

    def dispatch(args) -> int:
        if args.entity == "opendata":
            return cmd_opendata(args)
        if args.format not in (None, "csv", "xlsx"):
            print(f"Error: formato no válido para {args.entity}: {args.format!r} (use csv o xlsx).", file=sys.stderr)
            return 2
        return original(args)

    export.set_defaults(func=dispatch)


def _fail(message: str) -> int:
    print(f"Error: {message}", file=sys.stderr)
    return 2


def _errors_text(exc) -> str:
    lines = [exc.message]
    for fieldname, reasons in (exc.errors or {}).items():
        for reason in reasons:
            line = f"  {fieldname}: {reason}"
            if reason != exc.message and line not in lines:
                lines.append(line)
    return "\n".join(lines)


def cmd_list(args) -> int:
    from siee.cli import ensure_database
    from siee.observatory.services import available_indicators

    ensure_database()
    infos = available_indicators(published_only=args.published)
    if args.json:
        print(json.dumps([i.to_dict() for i in infos], ensure_ascii=False, indent=2))
        return 0
    for i in infos:
        flags = ("publicado" if i.published else "interno") + ("" if i.builtin else ", de analista")
        print(f"{i.code:32} {i.kind:8} {i.unit:12} {i.category:16} {i.name} [{flags}]")
    print(f"{len(infos)} indicadores")
    return 0


def cmd_compute(args) -> int:
    from siee.cli import ensure_database
    from siee.core.errors import DomainError
    from siee.observatory.services import compute_all, resolve_period, resolve_territory

    ensure_database()
    breakdowns = [b.strip() for b in args.breakdown.split(",") if b.strip()]
    try:
        territory = resolve_territory(args.territory)
        period = resolve_period(args.period)
        results = compute_all(territory=territory, period=period, breakdowns=breakdowns, published_only=args.published)
    except DomainError as exc:
        return _fail(_errors_text(exc))
    if args.indicator:
        wanted = {c.strip() for c in args.indicator.split(",") if c.strip()}
        unknown = wanted - {r.code for r in results}
        if unknown:
            return _fail(f"indicadores desconocidos: {', '.join(sorted(unknown))}")
        results = [r for r in results if r.code in wanted]
    if args.json:
        out = {"territory": territory.code, "territory_name": territory.display_name(), "period": period.label,
               "indicators": [r.to_dict() for r in results]}
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    print(f"{territory.display_name()} ({territory.code}) · {period.label}")
    for r in results:
        title = r.name + (f" — por {r.breakdown}" if r.breakdown else "")
        if r.kind == "ranking":
            print(f"{r.code:32} {title}")
            for c in r.cells:
                print(f"    {c.label[:60]:60} {'suprimido' if c.suppressed else _fmt(c.value)}")
            continue
        if r.breakdown is None:
            value = "suprimido" if r.suppressed else ("—" if r.value is None else _fmt(r.value))
            print(f"{r.code:32} {value:>14} {r.unit:12} {title}")
        else:
            print(f"{'':32} {title}")
            for c in r.cells:
                print(f"    {c.label[:50]:50} {'suprimido' if c.suppressed else _fmt(c.value):>14}")
    return 0


def _fmt(value) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def cmd_refresh(args) -> int:
    import time

    from siee.cli import ensure_database
    from siee.observatory.services import refresh

    ensure_database()
    started = time.perf_counter()
    if args.months < 0:
        print("Error: --months debe ser positivo.", file=sys.stderr)
        return 2
    written = refresh(full=args.full, months=args.months or None, progress=True)
    print(f"Agregadas {len(written)} medidas ({sum(written.values())} filas) en {time.perf_counter() - started:.1f} s")
    return 0


def cmd_define(args) -> int:
    from siee.cli import ensure_database
    from siee.core.errors import DomainError
    from siee.observatory.services import save_definition, validate_definition

    ensure_database()
    try:
        with open(args.file, encoding="utf-8") as fh:
            data = json.load(fh)
    except OSError as exc:
        return _fail(f"no se pudo leer {args.file}: {exc.strerror or exc}")
    except json.JSONDecodeError as exc:
        return _fail(f"{args.file} no es JSON válido (línea {exc.lineno}, columna {exc.colno}): {exc.msg}")
    items = data if isinstance(data, list) else [data]
    problems = []
    for n, item in enumerate(items, start=1):
        errors = validate_definition(item, replace=args.replace)
        if errors:
            label = item.get("code") if isinstance(item, dict) else None
            problems.append((n, label, errors))
    if problems:
        for n, label, errors in problems:
            print(f"Error: definición {n}{f' ({label})' if label else ''} no válida:", file=sys.stderr)
            for fieldname, reasons in errors.items():
                for reason in reasons:
                    print(f"  {fieldname}: {reason}", file=sys.stderr)
        return 2
    if args.check:
        print(f"{len(items)} definición(es) válida(s); no se guardó nada (--check).")
        return 0
    saved = []
    from django.db import transaction

    try:
        with transaction.atomic():
            for item in items:
                saved.append(save_definition(item, actor=None, replace=args.replace))
    except DomainError as exc:
        return _fail(_errors_text(exc))
    if args.json:
        print(json.dumps([s.to_dict() for s in saved], ensure_ascii=False, indent=2))
    else:
        for s in saved:
            print(f"Guardado el indicador {s.code}: {s.name}")
    return 0


def cmd_measures(args) -> int:
    from siee.cli import ensure_database
    from siee.observatory.services import available_measures

    ensure_database()
    measures = available_measures()
    if args.json:
        print(json.dumps(measures, ensure_ascii=False, indent=2))
        return 0
    for m in measures:
        print(f"{m['code']:24} {'/'.join(m['stats']):22} {m['label']} [{', '.join(m['dimensions'])}]")
    return 0


def cmd_series_import(args) -> int:
    import csv

    from siee.cli import ensure_database
    from siee.core.errors import DomainError
    from siee.observatory.services import import_external_series

    ensure_database()
    try:
        with open(args.file, encoding="utf-8-sig", newline="") as fh:
            sample = fh.read(4096)
            fh.seek(0)
            try:
                dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
            except csv.Error:
                dialect = csv.excel
            reader = csv.DictReader(fh, dialect=dialect)
            header = [h.strip().lower() for h in (reader.fieldnames or [])]
            missing = [c for c in ("period", "value") if c not in header]
            if missing:
                return _fail(f"{args.file}: faltan las columnas {', '.join(missing)} (se esperan period,value).")
            rows = [{(k or "").strip().lower(): v for k, v in row.items()} for row in reader]
    except OSError as exc:
        return _fail(f"no se pudo leer {args.file}: {exc.strerror or exc}")
    try:
        n = import_external_series(rows, code=args.code, name=args.name, territory=args.territory, unit=args.unit,
                                   source=args.source)
    except DomainError as exc:
        print(f"Error: no se importó nada de {args.file}:", file=sys.stderr)
        for fieldname, reasons in exc.errors.items():
            for reason in reasons:
                print(f"  {fieldname}: {reason}", file=sys.stderr)
        return 2
    print(f"Importados {n} puntos en la serie {args.code}")
    return 0


def cmd_series_list(args) -> int:
    from siee.cli import ensure_database
    from siee.observatory.services import external_points, external_series

    ensure_database()
    items = external_series()
    if args.json:
        print(json.dumps([{**s.to_dict(), "points": external_points(s.code)} for s in items], ensure_ascii=False, indent=2))
        return 0
    for s in items:
        print(f"{s.code:24} {s.name} ({s.unit}) {s.source} {s.territory or ''} · {len(external_points(s.code))} puntos")
    return 0


def cmd_opendata(args) -> int:
    from siee.cli import ensure_database
    from siee.core.errors import DomainError
    from siee.observatory.opendata import DEFAULT_BREAKDOWNS, export_opendata

    ensure_database()
    if not args.territory:
        return _fail("falta --territory (código del territorio).")
    fmt = (args.format or "parquet").lower()
    if fmt not in ("parquet", "csv"):
        return _fail(f"formato no válido para opendata: {fmt!r} (use parquet o csv).")
    breakdowns = ([b.strip() for b in args.breakdown.split(",") if b.strip()] if args.breakdown
                  else list(DEFAULT_BREAKDOWNS))
    try:
        written = export_opendata(territory=args.territory, period=args.period, fmt=fmt, out=args.out,
                                  breakdowns=breakdowns)
    except DomainError as exc:
        return _fail(_errors_text(exc))
    except OSError as exc:
        return _fail(f"no se pudo escribir en {args.out}: {exc.strerror or exc}")
    print(f"Escritos {len(written)} archivos en {args.out}")
    return 0
