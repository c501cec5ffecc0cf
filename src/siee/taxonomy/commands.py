"""Taxonomy and territory CLI: ``siee taxonomy load|search``, ``siee territories load``."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("taxonomy", help="Ocupaciones, habilidades, sectores y niveles educativos.",
                       description="Ocupaciones (ESCO/CIUO-08), habilidades, sectores (CIIU) y niveles educativos.")
    tsub = p.add_subparsers(dest="taxonomy_command", metavar="ACTION")
    tsub.required = True

    c = tsub.add_parser("load", help="Carga o actualiza la taxonomía (ESCO o el conjunto inicial).",
                        description="Carga ESCO desde DIR/esco (por defecto SIEE_REFERENCE_DIR) o, sin "
                                    "datos de referencia, el conjunto inicial incluido. Idempotente.")
    c.add_argument("--source", type=Path, metavar="DIR",
                   help="carpeta que contiene esco/ (por defecto SIEE_REFERENCE_DIR)")
    c.add_argument("--starter", action="store_true", help="usar el conjunto inicial incluido aunque haya DIR")
    c.set_defaults(func=cmd_taxonomy_load)

    c = tsub.add_parser("search", help="Busca ocupaciones y habilidades por nombre (tolera errores).",
                        description="Búsqueda aproximada por cualquier etiqueta, sin tildes ni mayúsculas.")
    c.add_argument("text", help="texto a buscar, p. ej. \"ayudante de cocina\"")
    c.add_argument("--kind", choices=["occupation", "skill"], help="limitar a ocupaciones o habilidades")
    c.add_argument("--limit", type=int, default=10, help="número máximo de resultados (10)")
    c.add_argument("--json", action="store_true", help="salida JSON")
    c.set_defaults(func=cmd_taxonomy_search)

    p = sub.add_parser("territories", help="Divisiones territoriales (CO, CL, EC, PE).",
                       description="Divisiones territoriales oficiales de Colombia, Chile, Ecuador y Perú.")
    tsub = p.add_subparsers(dest="territories_command", metavar="ACTION")
    tsub.required = True
    c = tsub.add_parser("load", help="Carga o actualiza los territorios.",
                        description="Carga DIR/geo/{co,cl,ec,pe}.csv (por defecto SIEE_REFERENCE_DIR) o, sin "
                                    "datos de referencia, el conjunto inicial incluido. Idempotente.")
    c.add_argument("--source", type=Path, metavar="DIR",
                   help="carpeta que contiene geo/ (por defecto SIEE_REFERENCE_DIR)")
    c.add_argument("--country", action="append", metavar="CC", choices=["CO", "CL", "EC", "PE"],
                   help="país a cargar (repetible; por defecto los cuatro)")
    c.add_argument("--starter", action="store_true", help="usar el conjunto inicial incluido aunque haya DIR")
    c.set_defaults(func=cmd_territories_load)
    c = tsub.add_parser("group", help="Crea o actualiza un territorio que agrupa municipios (p. ej. Chile Emprende).",
                        description="Un territorio personalizado agrupa municipios/comunas; las organizaciones "
                                    "ligadas a él ven a las personas de todos sus miembros. Idempotente por código.")
    c.add_argument("code", help="código propio del territorio, p. ej. LIMARI")
    c.add_argument("name", help="nombre, p. ej. 'Territorio Limarí'")
    c.add_argument("--country", default=None, help="país (por defecto SIEE_COUNTRY)")
    c.add_argument("--member", action="append", required=True, metavar="CODE",
                   help="código oficial de un municipio/comuna miembro (repetible)")
    c.set_defaults(func=cmd_territories_group)


def _source_dir(args) -> Path | None:
    if args.starter:
        return None
    if args.source is not None:
        return args.source
    from django.conf import settings

    return settings.REFERENCE_DIR


def cmd_taxonomy_load(args) -> int:
    from siee.cli import ensure_database
    from siee.taxonomy.loaders import load_taxonomy

    ensure_database(reference=False)
    started = time.perf_counter()
    try:
        counts = load_taxonomy(source_dir=_source_dir(args), progress=True)
    except (FileNotFoundError, ValueError) as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    elapsed = time.perf_counter() - started
    print(f"Taxonomía ({counts['source']}): {counts['occupations']} ocupaciones, {counts['skills']} habilidades, "
          f"{counts['relations']} relaciones ({counts['essential']} esenciales, {counts['optional']} opcionales), "
          f"{counts['isco_groups']} grupos CIUO, {counts['sectors']} sectores, "
          f"{counts['education_levels']} niveles educativos en {elapsed:.1f} s.")
    return 0


def cmd_territories_load(args) -> int:
    from siee.cli import ensure_database
    from siee.core.loaders import load_territories

    ensure_database(reference=False)
    started = time.perf_counter()
    try:
        counts = load_territories(source_dir=_source_dir(args), countries=args.country, progress=True)
    except (FileNotFoundError, ValueError) as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    elapsed = time.perf_counter() - started
    per_country = "; ".join(
        f"{country} " + "+".join(str(n) for n in levels.values()) for country, levels in counts["countries"].items()
    )
    print(f"Territorios ({counts['source']}): {counts['total']} filas ({per_country}): {counts['created']} nuevos, "
          f"{counts['updated']} actualizados, {counts['unchanged']} sin cambios en {elapsed:.1f} s.")
    return 0


def cmd_taxonomy_search(args) -> int:
    from siee.cli import ensure_database
    from siee.taxonomy.search import search_concepts

    ensure_database(reference=False)
    started = time.perf_counter()
    results = search_concepts(args.text, kind=args.kind, limit=args.limit)
    elapsed = time.perf_counter() - started
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
        return 0
    for r in results:
        kind = "ocupación" if r["kind"] == "occupation" else "habilidad"
        isco = f" [{r['isco']}]" if r["isco"] else ""
        via = f"  (por «{r['matched_label']}»)" if r["matched_label"] != r["label"] else ""
        print(f"{r['score']:.2f}  {kind:9}  {r['label']}{isco}{via}")
    print(f"{len(results)} resultados en {elapsed * 1000:.0f} ms.")
    return 0


def cmd_territories_group(args) -> int:
    from django.conf import settings

    from siee.cli import ensure_database
    from siee.core.loaders import create_territory_group

    ensure_database()
    country = (args.country or settings.DEFAULT_COUNTRY).upper()
    try:
        group = create_territory_group(name=args.name, code=args.code, country=country, member_codes=args.member)
    except ValueError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    members = ", ".join(m.name for m in group.members.order_by("code"))
    print(f"Territorio {group.name} ({country}-{group.code}): {group.members.count()} municipios: {members}")
    return 0
