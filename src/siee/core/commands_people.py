"""`siee people list|show --as USERNAME`: read people through the same scoped selectors as the UI and API.

A user of another territory gets "Persona no encontrada." and exit status 1, exactly like the API's 404.
"""

from __future__ import annotations

import argparse
import json
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("people", help="Consulta personas con el ámbito de un usuario (--as).")
    psub = p.add_subparsers(dest="people_command", metavar="ACTION")
    psub.required = True

    c = psub.add_parser("list", help="Lista las personas que el usuario puede ver.")
    c.add_argument("--as", dest="as_user", required=True, metavar="USERNAME", help="usuario cuyo ámbito se aplica")
    c.add_argument("--q", help="nombre o número de documento")
    c.add_argument("--municipality", help="código del municipio (p. ej. 68001)")
    c.add_argument("--status", help="active, employed, inactive")
    c.add_argument("--limit", type=int, default=50)
    c.add_argument("--offset", type=int, default=0)
    c.add_argument("--json", action="store_true", help="salida JSON")
    c.set_defaults(func=cmd_people_list)

    c = psub.add_parser("show", help="Muestra el perfil de una persona (lectura de datos sensibles auditada).")
    c.add_argument("person_id", metavar="ID")
    c.add_argument("--as", dest="as_user", required=True, metavar="USERNAME", help="usuario cuyo ámbito se aplica")
    c.add_argument("--json", action="store_true", help="salida JSON")
    c.set_defaults(func=cmd_people_show)


def _actor(username: str):
    from siee.core.models import User

    user = User.objects.filter(username=username, is_active=True).select_related("organization").first()
    if user is None:
        print(f"Error: usuario desconocido o inactivo: {username}", file=sys.stderr)
    return user


def _dump(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


def cmd_people_list(args) -> int:
    from siee.cli import ensure_database
    from siee.core.errors import DomainError
    from siee.core.selectors import find_territory
    from siee.people.schemas import person_summary
    from siee.people.selectors import people_for

    ensure_database()
    user = _actor(args.as_user)
    if user is None:
        return 1
    municipality_id = None
    if args.municipality:
        territory = find_territory(args.municipality)
        if territory is None:
            print(f"Error: municipio desconocido: {args.municipality}", file=sys.stderr)
            return 1
        municipality_id = territory.pk
    try:
        qs = people_for(user, q=args.q, municipality_id=municipality_id, status=args.status)
    except DomainError as exc:
        print(f"Error: {exc.message}", file=sys.stderr)
        return 1
    qs = qs.order_by("last_names", "first_names", "id")
    total = qs.count()
    rows = [person_summary(p) for p in qs[max(args.offset, 0):max(args.offset, 0) + max(args.limit, 0)]]
    if args.json:
        print(_dump({"count": total, "items": rows}))
        return 0
    for r in rows:
        print(f"{r['id']:>8}  {r['document_type']} {r['document_number']:<15}  {r['full_name']:<40}  "
              f"{r['municipality']['name']} ({r['municipality']['code']})  {r['status']}")
    print(f"{len(rows)} de {total} personas.")
    return 0


def cmd_people_show(args) -> int:
    from siee.cli import ensure_database
    from siee.core.errors import DomainError
    from siee.people.schemas import person_profile
    from siee.people.selectors import get_person_for

    ensure_database()
    user = _actor(args.as_user)
    if user is None:
        return 1
    sensitive = user.can_read_sensitive_data or user.role == "job_seeker"
    try:
        person = get_person_for(user, args.person_id, sensitive=sensitive, purpose="cli:show")
    except DomainError as exc:
        print(f"Error: {exc.message}", file=sys.stderr)
        return 1
    data = person_profile(person, include_sensitive=sensitive)
    if args.json:
        print(_dump(data))
        return 0
    print(f"{data['full_name']}  ({data['document_type']} {data['document_number']}), id {data['id']}")
    print(f"  nacimiento: {data['birth_date']}  sexo: {data['sex']}  nacionalidad: {data['nationality']}")
    print(f"  municipio: {data['municipality']['name']} ({data['municipality']['code']})  estado: {data['status']}")
    print(f"  contacto: {data['phone'] or '-'}  {data['email'] or '-'}")
    print(f"  autorización de datos vigente: {'sí' if data['has_consent'] else 'no'}")
    for x in data["experience"]:
        occ = f" [{x['occupation']['label']}]" if x["occupation"] else ""
        print(f"  experiencia: {x['description']}{occ} {x['employer_name']}")
    for e in data["education"]:
        print(f"  estudio: {e['level_label']} {e['title']} {e['institution']}")
    for s in data["skills"]:
        print(f"  habilidad: {s['skill']['label']} ({s['level']})")
    if data["sensitive"] is not None:
        for key, value in data["sensitive"].items():
            print(f"  {key}: {value}")
    return 0
