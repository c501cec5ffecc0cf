"""Core CLI: migrate, setup, serve, users."""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("migrate", help="Crea o actualiza las tablas de la base de datos.")
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("setup", help="Migra, carga datos de referencia y el territorio de demostración si la base está vacía, crea el administrador de demostración.")
    p.add_argument("--people", type=int, default=300, help="personas de demostración (base vacía)")
    p.add_argument("--vacancies", type=int, default=40, help="vacantes de demostración (base vacía)")
    p.add_argument("--no-demo", action="store_true", help="no cargar datos de demostración")
    p.add_argument("--url", default="http://127.0.0.1:8000/", help="dirección que se anuncia al terminar")
    p.set_defaults(func=cmd_setup)

    p = sub.add_parser("serve", help="Sirve la interfaz web y la API (http://127.0.0.1:8000).")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("user", help="Gestiona usuarios del personal.")
    usub = p.add_subparsers(dest="user_command", metavar="ACTION")
    usub.required = True
    c = usub.add_parser("create", help="Crea un usuario con rol y organización.")
    c.add_argument("username")
    c.add_argument("--password", required=True)
    c.add_argument("--role", required=True)
    c.add_argument("--organization", help="nombre de la organización")
    c.add_argument("--token", action="store_true", help="imprime un token para la API")
    c.set_defaults(func=cmd_user_create)

    p = sub.add_parser("org", help="Gestiona organizaciones (agencias, ONG, proveedores, entidades públicas).")
    osub = p.add_subparsers(dest="org_command", metavar="ACTION")
    osub.required = True
    c = osub.add_parser("create", help="Crea una organización ligada a uno o más territorios.")
    c.add_argument("name")
    c.add_argument("--kind", default="agency", help="agency, ngo, training_provider, employer, public_entity")
    c.add_argument("--territory", action="append", required=True, metavar="CODE",
                   help="código de departamento, municipio o territorio (repetible): 68, 68001, CL-13101")
    c.add_argument("--tax-id", default="")
    c.set_defaults(func=cmd_org_create)
    c = osub.add_parser("list", help="Lista las organizaciones y sus territorios.")
    c.set_defaults(func=cmd_org_list)

    p = sub.add_parser("manage", help="Ejecuta un comando de administración de Django (avanzado).")
    p.add_argument("args", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_manage)


def cmd_migrate(args) -> int:
    from siee.cli import ensure_database

    ensure_database(verbosity=1)
    print("Base de datos al día.")
    return 0


def cmd_setup(args) -> int:
    from siee.cli import ensure_database
    from siee.core.services import ensure_demo_admin

    ensure_database(verbosity=1)
    from siee.people.models import Person

    # The demo staff exist before the demo history so its referrals and follow-ups have their officers.
    username, password, created = ensure_demo_admin()
    if not args.no_demo and not Person.objects.exists():
        from siee.core.demo import generate_demo

        print(f"Cargando territorio de demostración ({args.people} personas, {args.vacancies} vacantes)...")
        generate_demo(people=args.people, vacancies=args.vacancies, seed=1, progress=True, history=True)
    print("")
    print(f"SIEE listo. Abra {args.url} e ingrese con:")
    print(f"  usuario: {username}")
    print(f"  contraseña: {password}" + ("" if created else " (ya existía)"))
    print("  (con la misma contraseña: orientadora, gestor, asesora, analista, admin_agencia)")
    return 0


def cmd_serve(args) -> int:
    from django.core.management import call_command

    call_command("runserver", f"{args.host}:{args.port}", use_reloader=False, use_threading=True)
    return 0


def cmd_user_create(args) -> int:
    from siee.cli import ensure_database
    from siee.core.errors import DomainError
    from siee.core.services import create_staff_user

    ensure_database()
    try:
        user = create_staff_user(actor=None, username=args.username, password=args.password, role=args.role,
                                 organization_name=args.organization, with_token=args.token)
    except DomainError as exc:
        print(f"Error: {exc.message}", file=sys.stderr)
        return 1
    print(f"Usuario {user.username} creado ({user.get_role_display()}).")
    if args.token:
        print(f"token: {user.api_token}")
    return 0


def cmd_org_create(args) -> int:
    from siee.cli import ensure_database
    from siee.core.errors import DomainError
    from siee.core.selectors import find_territory
    from siee.core.services import create_organization

    ensure_database()
    territories = []
    for code in args.territory:
        t = find_territory(code)
        if t is None:
            print(f"Error: territorio desconocido: {code}", file=sys.stderr)
            return 1
        territories.append(t)
    try:
        org = create_organization(actor=None, name=args.name, kind=args.kind, territories=territories, tax_id=args.tax_id)
    except DomainError as exc:
        print(f"Error: {exc.message}", file=sys.stderr)
        return 1
    print(f"Organización {org.name} creada (id {org.pk}): " + ", ".join(t.display_name() for t in territories))
    return 0


def cmd_org_list(args) -> int:
    from siee.cli import ensure_database
    from siee.core.models import Organization

    ensure_database()
    for org in Organization.objects.prefetch_related("territories"):
        names = ", ".join(f"{t.code} {t.display_name()}" for t in org.territories.all())
        print(f"{org.pk}\t{org.get_kind_display()}\t{org.name}\t{names}")
    return 0


def cmd_manage(args) -> int:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["siee manage", *args.args])
    return 0
