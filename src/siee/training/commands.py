"""`siee` sub-commands of the training app.

    siee gaps --territory CODE [--period 2026Q3] [--top 20] [--by gap|placements] [--json]
    siee gaps --person ID [--json] [--as USERNAME]
    siee training courses [--territory CODE] [--json] [--as USERNAME]
    siee training contracts payable CONTRACT_ID [--json] [--as USERNAME]
    siee training spec OPPORTUNITY_ID [--json] [--as USERNAME]

Without --as a command runs as the first active system administrator. Domain errors go to standard error with
exit status 2; a record of another territory is "not found", exactly as in the API.
"""

from __future__ import annotations

import argparse
import json
import sys

_AS_HELP = "usuario cuyo ámbito territorial se aplica (por defecto, el administrador del sistema)"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("gaps", help="Brechas de habilidades de un territorio (o de una persona) con los cursos que las cierran.",
                       description="Demanda (vacantes abiertas y recientes ponderadas por puestos, necesidades de "
                                   "proveeduría y oportunidades registradas) frente a oferta (personas activas con la "
                                   "habilidad), ordenadas por brecha; con --person, las habilidades que le faltan a la "
                                   "persona para las vacantes que casi cumple y los cursos que las enseñan.")
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--territory", metavar="CODE", help="código del municipio, departamento o territorio (p. ej. 68001)")
    target.add_argument("--person", type=int, metavar="ID", help="id de la persona")
    p.add_argument("--period", metavar="PERIODO", help="2026Q3, 2026-08 o 2026 (por defecto, los últimos 12 meses)")
    p.add_argument("--top", type=int, default=20, help="cuántas brechas mostrar (por defecto 20)")
    p.add_argument("--by", choices=("gap", "placements"), default="gap",
                   help="orden: tamaño de la brecha o colocaciones que desbloquearía")
    p.add_argument("--json", action="store_true", help="salida JSON")
    p.add_argument("--as", "--user", dest="as_user", metavar="USERNAME", help=_AS_HELP)
    p.set_defaults(func=cmd_gaps)

    p = sub.add_parser("training", help="Formación: cursos, contratos con pago por resultados, especificaciones.")
    tsub = p.add_subparsers(dest="training_command", metavar="ACTION")
    tsub.required = True
    c = tsub.add_parser("courses", help="Lista los cursos del territorio del usuario.")
    c.add_argument("--territory", metavar="CODE")
    c.add_argument("--json", action="store_true")
    c.add_argument("--as", "--user", dest="as_user", metavar="USERNAME", help=_AS_HELP)
    c.set_defaults(func=cmd_courses)
    c = tsub.add_parser("contracts", help="Contratos con pago por resultados.")
    csub = c.add_subparsers(dest="contracts_command", metavar="ACTION")
    csub.required = True
    pay = csub.add_parser("payable", help="Monto pagable por cohorte y por qué (indicadores medidos y metas).")
    pay.add_argument("contract_id", type=int, metavar="CONTRACT_ID")
    pay.add_argument("--json", action="store_true")
    pay.add_argument("--as", "--user", dest="as_user", metavar="USERNAME", help=_AS_HELP)
    pay.set_defaults(func=cmd_payable)
    lst = csub.add_parser("list", help="Lista los contratos.")
    lst.add_argument("--json", action="store_true")
    lst.add_argument("--as", "--user", dest="as_user", metavar="USERNAME", help=_AS_HELP)
    lst.set_defaults(func=cmd_contracts)
    s = tsub.add_parser("spec", help="Especificación de un curso a la medida (para licitar) a partir de una oportunidad.")
    s.add_argument("opportunity_id", type=int, metavar="OPPORTUNITY_ID")
    s.add_argument("--json", action="store_true")
    s.add_argument("--as", "--user", dest="as_user", metavar="USERNAME", help=_AS_HELP)
    s.set_defaults(func=cmd_spec)


# --- helpers -----------------------------------------------------------------------------------------------

def _actor(username: str | None):
    from django.db.models import Q

    from siee.core.models import Role, User

    if username:
        user = User.objects.filter(username=username, is_active=True).select_related("organization").first()
        if user is None:
            print(f"Error: usuario desconocido o inactivo: {username}", file=sys.stderr)
        return user
    user = User.objects.filter(Q(is_superuser=True) | Q(role=Role.SYSTEM_ADMIN), is_active=True).order_by("pk").first()
    if user is None:
        print("Error: no hay administrador del sistema; indique --as USERNAME.", file=sys.stderr)
    return user


def _dump(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


def _run(args, action, *, needs_user: bool = True) -> int:
    from siee.cli import ensure_database
    from siee.core.errors import DomainError

    ensure_database()
    user = None
    if needs_user or getattr(args, "as_user", None):
        user = _actor(getattr(args, "as_user", None))
        if user is None:
            return 2
    try:
        return action(user)
    except DomainError as exc:
        print(f"Error: {exc.message}", file=sys.stderr)
        return 2


# --- commands ----------------------------------------------------------------------------------------------

def cmd_gaps(args) -> int:
    if args.top is not None and not 1 <= args.top <= 10_000:
        print("Error: --top debe estar entre 1 y 10000.", file=sys.stderr)
        return 2

    if args.person is not None:
        def person_action(user):
            from siee.training.selectors import person_gaps_for

            data = person_gaps_for(user, args.person)
            if args.json:
                print(_dump(data))
                return 0
            print(f"Persona {args.person}: {data['vacancies_considered']} vacantes de su ocupación, cumple "
                  f"{data['already_qualified']}, casi cumple {data['nearly_matched']}.")
            for m in data["missing"]:
                courses = ", ".join(c["code"] for c in m["courses"]) or "ningún curso en el territorio"
                print(f"  le falta {m['label']} en {m['vacancies']} vacantes ({m['posts']} puestos); cursos: {courses}")
            return 0

        return _run(args, person_action)

    def action(user):
        from siee.training.selectors import territory_gaps

        data = territory_gaps(user, territory=args.territory, period=args.period, top=args.top, order=args.by)
        if args.json:
            print(_dump(data["gaps"]))
            return 0
        print(f"Brechas de habilidades · {data['territory']['name']} · {data['period']['label']} "
              f"({data['period']['start']} a {data['period']['end']})")
        print(f"{'brecha':>9} {'demanda':>9} {'oferta':>7} {'desbloquea':>10}  habilidad")
        for g in data["gaps"]:
            print(f"{g['gap']:>9.1f} {g['demand']:>9.1f} {g['supply']:>7} {g['placements_unlocked']:>10}  {g['label']}")
        return 0

    return _run(args, action, needs_user=False)


def cmd_courses(args) -> int:
    def action(user):
        from siee.core.selectors import find_territory, territory_subtree_ids
        from siee.training.schemas import course_data
        from siee.training.selectors import courses_for

        ids = None
        if args.territory:
            t = find_territory(args.territory)
            if t is None:
                print(f"Error: territorio desconocido: {args.territory}", file=sys.stderr)
                return 2
            ids = territory_subtree_ids([t])
        rows = [course_data(c) for c in courses_for(user, territory_ids=ids)]
        if args.json:
            print(_dump(rows))
            return 0
        for r in rows:
            print(f"{r['id']:>6}  {r['code']:<14} {r['title'][:50]:<50} {r['provider'][:30]:<30} {r['hours']:>4} h")
        print(f"{len(rows)} cursos.")
        return 0

    return _run(args, action)


def cmd_payable(args) -> int:
    def action(user):
        from siee.training.contracts import money
        from siee.training.services import contract_payable

        data = contract_payable(actor=user, contract_id=args.contract_id)
        if args.json:
            print(_dump(data))
            return 0
        print(f"Contrato {data['code']} · {data['provider']} · {data['title']}")
        for c in data["cohorts"]:
            print(f"  {c['course']} · {c['cohort']} ({c['start_date']} a {c['end_date']}): "
                  f"pagable {money(c['payable'])} de {money(c['maximum'])} {data['currency']}")
            for line in c["lines"]:
                print(f"    - {line['why']}")
        print(f"Total pagable: {money(data['total_payable'])} {data['currency']}")
        return 0

    return _run(args, action)


def cmd_contracts(args) -> int:
    def action(user):
        from siee.training.selectors import contracts_for

        rows = [{"id": c.pk, "code": c.code, "title": c.title, "provider": c.provider.name,
                 "start_date": c.start_date.isoformat(), "end_date": c.end_date.isoformat(), "formula": c.formula}
                for c in contracts_for(user)]
        if args.json:
            print(_dump(rows))
            return 0
        for r in rows:
            print(f"{r['id']:>5}  {r['code']:<16} {r['provider'][:35]:<35} {r['start_date']} a {r['end_date']}")
        return 0

    return _run(args, action)


def cmd_spec(args) -> int:
    def action(user):
        from siee.training.services import course_specification

        spec = course_specification(actor=user, opportunity_id=args.opportunity_id)
        if args.json:
            print(_dump(spec))
            return 0
        print(spec["title"])
        print(f"Territorio: {spec['territory']['name']} · Sector: {spec['sector'] or '-'}")
        for title, key in (("Objetivos", "objectives"), ("Contenidos mínimos", "minimum_contents"),
                           ("Indicadores de resultado", "result_indicators")):
            print(f"{title}:")
            for line in spec[key]:
                print(f"  - {line}")
        print("Habilidades a certificar: " + ", ".join(s["label"] for s in spec["skills_to_certify"]))
        return 0

    return _run(args, action)
