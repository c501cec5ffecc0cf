"""CLI of the intermediation workflow. Every command runs as a user (--as) and applies that user's scope.

    siee refer --vacancy ID --person ID [--as USERNAME] [--score S] [--no-notify] [--json]
    siee feedback REFERRAL_ID --status interviewed|hired|rejected|withdrawn [--reason R] [--detail TEXT]
    siee place REFERRAL_ID --start YYYY-MM-DD --contract TYPE --wage N [--informal] [--hours H]
    siee followups [--overdue] [--mine] [--today YYYY-MM-DD] [--as USERNAME] [--json]
    siee followups done ID --employed yes|no [--formal yes|no] [--wage N] [--notes TEXT]
    siee report fairness --territory CODE [--vacancies ID,ID] [--run ID] [--json]

Without --as the command runs as the first active system administrator. Errors go to standard error with exit
status 1; a record of another territory is "not found", exactly as in the API.
"""

from __future__ import annotations

import argparse
import json
import sys

_AS_HELP = "usuario cuyo ámbito territorial se aplica (por defecto, el administrador del sistema)"


def _add_as(p) -> None:
    p.add_argument("--as", "--user", dest="as_user", metavar="USERNAME", help=_AS_HELP)


def register(sub: argparse._SubParsersAction) -> None:
    from siee.employers.models import ContractType
    from siee.intermediation.models import RejectionReason

    p = sub.add_parser("refer", help="Remite a una persona a una vacante (remisión) y la notifica.",
                       description="Remisión: envía a la persona al empleador de la vacante. Exige autorización de "
                                   "datos, vacante abierta, persona activa y disponible, y que no haya sido remitida ya. "
                                   "Guarda el puntaje, la explicación y las versiones del motor y de los pesos.")
    p.add_argument("--vacancy", required=True, type=int, metavar="ID", help="id de la vacante")
    p.add_argument("--person", required=True, type=int, metavar="ID", help="id de la persona")
    p.add_argument("--score", type=float, help="puntaje 0–1 (por defecto, el de la preselección o el del motor)")
    p.add_argument("--notes", default="", help="notas de la remisión")
    p.add_argument("--no-notify", action="store_true", help="no enviar notificaciones")
    p.add_argument("--json", action="store_true", help="salida JSON")
    _add_as(p)
    p.set_defaults(func=cmd_refer)

    p = sub.add_parser("feedback", help="Registra la respuesta del empleador sobre una remisión.",
                       description="Transiciones válidas: referred → interviewed → hired | rejected | withdrawn. "
                                   "Un rechazo exige un motivo de la lista.")
    p.add_argument("referral_id", type=int, metavar="REFERRAL_ID")
    p.add_argument("--status", required=True, choices=("interviewed", "hired", "rejected", "withdrawn"))
    p.add_argument("--reason", default="", choices=[""] + list(RejectionReason.values), metavar="R",
                   help="motivo del rechazo: " + ", ".join(RejectionReason.values))
    p.add_argument("--detail", default="", help="detalle del motivo (obligatorio con --reason other)")
    p.add_argument("--json", action="store_true", help="salida JSON")
    _add_as(p)
    p.set_defaults(func=cmd_feedback)

    p = sub.add_parser("place", help="Registra la colocación de una remisión contratada y programa los seguimientos.",
                       description="Crea la colocación y los seguimientos a 1, 3, 6 y 12 meses de la fecha de inicio; "
                                   "marca a la persona como empleada y la vacante como cubierta si se llenaron los puestos.")
    p.add_argument("referral_id", type=int, metavar="REFERRAL_ID")
    p.add_argument("--start", required=True, metavar="YYYY-MM-DD", help="fecha de inicio")
    p.add_argument("--contract", required=True, choices=list(ContractType.values), metavar="TYPE",
                   help="tipo de contrato: " + ", ".join(ContractType.values))
    p.add_argument("--wage", required=True, metavar="N", help="salario mensual")
    p.add_argument("--informal", action="store_true", help="empleo informal (por defecto, formal)")
    p.add_argument("--hours", type=int, help="horas por semana (por defecto, las de la vacante)")
    p.add_argument("--json", action="store_true", help="salida JSON")
    _add_as(p)
    p.set_defaults(func=cmd_place)

    p = sub.add_parser("followups", help="Lista los seguimientos (--overdue: vencidos) o registra uno (done).",
                       description="Seguimientos de colocaciones del territorio del usuario. Vencido = no realizado y "
                                   "con fecha prevista anterior a hoy (o a --today).")
    p.add_argument("--overdue", action="store_true", help="solo los vencidos")
    p.add_argument("--mine", action="store_true", help="solo los asignados al usuario")
    p.add_argument("--today", metavar="YYYY-MM-DD", help="fecha de referencia (por defecto, hoy)")
    p.add_argument("--json", action="store_true", help="salida JSON")
    _add_as(p)
    fsub = p.add_subparsers(dest="followups_command", metavar="ACTION")
    c = fsub.add_parser("done", help="Registra el resultado de un seguimiento.")
    c.add_argument("follow_up_id", type=int, metavar="ID")
    c.add_argument("--employed", required=True, choices=("yes", "no", "si", "sí"), help="¿sigue empleada?")
    c.add_argument("--formal", choices=("yes", "no", "si", "sí"), help="¿empleo formal?")
    c.add_argument("--wage", help="salario mensual actual")
    c.add_argument("--notes", default="")
    c.add_argument("--json", action="store_true", help="salida JSON")
    _add_as(c)
    c.set_defaults(func=cmd_followup_done)
    p.set_defaults(func=cmd_followups)

    p = sub.add_parser("report", help="Informes (fairness: equidad de la intermediación por territorio).")
    rsub = p.add_subparsers(dest="report_command", metavar="REPORT")
    rsub.required = True
    c = rsub.add_parser("fairness", help="Participación de mujeres, migrantes y personas con discapacidad en cada etapa.",
                        description="Compara la participación de mujeres, personas migrantes y personas con "
                                    "discapacidad entre las personas elegibles del territorio (con autorización de "
                                    "datos y activas) con su participación entre las candidatas clasificadas, "
                                    "remitidas y colocadas. Los atributos sensibles no son entradas del puntaje; "
                                    "si el motor está disponible, lo comprueba re-puntuando una muestra con esos "
                                    "atributos invertidos.")
    c.add_argument("--territory", required=True, metavar="CODE", help="código del municipio o departamento (p. ej. 68001)")
    c.add_argument("--vacancies", metavar="ID,ID", help="limitar a estas vacantes (un lote)")
    c.add_argument("--run", type=int, metavar="ID", help="usar las clasificaciones guardadas de esta corrida del motor")
    c.add_argument("--since", metavar="YYYY-MM-DD", help="solo remisiones y colocaciones desde esta fecha")
    c.add_argument("--no-check", action="store_true", help="omitir la comprobación de atributos invertidos")
    c.add_argument("--json", action="store_true", help="salida JSON")
    _add_as(c)
    c.set_defaults(func=cmd_report_fairness)


# --- helpers -----------------------------------------------------------------------------------------------

def _actor(username: str | None):
    from siee.core.models import Role, User

    if username:
        user = User.objects.filter(username=username, is_active=True).select_related("organization").first()
        if user is None:
            print(f"Error: usuario desconocido o inactivo: {username}", file=sys.stderr)
        return user
    from django.db.models import Q

    user = (User.objects.filter(Q(is_superuser=True) | Q(role=Role.SYSTEM_ADMIN), is_active=True)
            .order_by("pk").first())
    if user is None:
        print("Error: no hay administrador del sistema; indique --as USERNAME.", file=sys.stderr)
    return user


def _dump(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


def _run(args, action):
    """Open the database, resolve the user, run `action(user)`; domain errors → stderr and exit 1."""
    from siee.cli import ensure_database
    from siee.core.errors import DomainError

    ensure_database()
    user = _actor(getattr(args, "as_user", None))
    if user is None:
        return 1
    try:
        return action(user)
    except DomainError as exc:
        print(f"Error: {exc.message}", file=sys.stderr)
        return 1


def _yes(value) -> bool | None:
    if value is None:
        return None
    return value in ("yes", "si", "sí")


# --- commands ----------------------------------------------------------------------------------------------

def cmd_refer(args) -> int:
    from siee.intermediation.schemas import referral_data
    from siee.intermediation.services import refer_person_to_vacancy

    def action(user):
        referral = refer_person_to_vacancy(actor=user, vacancy_id=args.vacancy, person_id=args.person,
                                           score=args.score, notes=args.notes, notify=not args.no_notify)
        if args.json:
            print(_dump(referral_data(referral)))
        else:
            score = "sin puntaje" if referral.score is None else f"{referral.score:.2f}"
            print(f"Remisión {referral.pk}: {referral.person.full_name} → {referral.vacancy.title} "
                  f"({referral.vacancy.code}), puntaje {score}, motor {referral.engine_version or '-'} "
                  f"pesos v{referral.weights_version if referral.weights_version is not None else '-'}.")
        return 0

    return _run(args, action)


def cmd_feedback(args) -> int:
    from siee.intermediation.schemas import referral_data
    from siee.intermediation.services import record_employer_feedback

    def action(user):
        referral = record_employer_feedback(actor=user, referral_id=args.referral_id, status=args.status,
                                            reason=args.reason, detail=args.detail)
        if args.json:
            print(_dump(referral_data(referral)))
        else:
            reason = f" (motivo: {referral.get_rejection_reason_display()})" if referral.rejection_reason else ""
            print(f"Remisión {referral.pk}: {referral.get_status_display()}{reason}.")
        return 0

    return _run(args, action)


def cmd_place(args) -> int:
    from siee.intermediation.schemas import placement_data
    from siee.intermediation.services import record_placement

    def action(user):
        placement = record_placement(actor=user, referral_id=args.referral_id, start_date=args.start,
                                     contract_type=args.contract, monthly_wage=args.wage, formal=not args.informal,
                                     hours_per_week=args.hours)
        if args.json:
            print(_dump(placement_data(placement)))
            return 0
        print(f"Colocación {placement.pk}: {placement.person.full_name} en {placement.employer.name} desde "
              f"{placement.start_date.isoformat()}, {placement.get_contract_type_display()}, ${placement.monthly_wage:,} mensuales.")
        for f in placement.follow_ups.order_by("months_after"):
            who = f.assigned_to.username if f.assigned_to_id else "-"
            print(f"  seguimiento {f.pk}: {f.months_after:>2} meses, {f.due_date.isoformat()}, asignado a {who}")
        return 0

    return _run(args, action)


def cmd_followups(args) -> int:
    from siee.intermediation.schemas import follow_up_data
    from siee.intermediation.selectors import follow_ups_for, overdue_follow_ups
    from siee.lib import parse

    try:
        today = parse.parse_date(args.today) if args.today else None
    except ValueError as exc:
        print(f"Error: --today: {exc}", file=sys.stderr)
        return 2

    def action(user):
        from django.utils import timezone

        day = today or timezone.localdate()
        assignee = user if args.mine else None
        if args.overdue:
            qs = overdue_follow_ups(user, today=day, assigned_to=assignee)
        else:
            qs = follow_ups_for(user, assigned_to=assignee, pending=True)
        rows = [follow_up_data(f, today=day) for f in qs]
        if args.json:
            print(_dump(rows))
            return 0
        for r in rows:
            flag = "VENCIDO" if r["overdue"] else "       "
            print(f"{r['id']:>7}  {r['due_date']}  {flag}  {r['months_after']:>2} m  {r['person']['full_name']:<35}  "
                  f"{r['employer']:<30}  {r['assigned_to'] or '-'}")
        kind = "vencidos" if args.overdue else "pendientes"
        print(f"{len(rows)} seguimientos {kind} al {day.isoformat()}.")
        return 0

    return _run(args, action)


def cmd_followup_done(args) -> int:
    from siee.intermediation.schemas import follow_up_data
    from siee.intermediation.services import complete_follow_up

    def action(user):
        f = complete_follow_up(actor=user, follow_up_id=args.follow_up_id, still_employed=_yes(args.employed),
                               formal=_yes(args.formal), wage=args.wage, notes=args.notes)
        if args.json:
            print(_dump(follow_up_data(f)))
        else:
            print(f"Seguimiento {f.pk} registrado: {'sigue empleada' if f.still_employed else 'ya no está empleada'}.")
        return 0

    return _run(args, action)


def cmd_report_fairness(args) -> int:
    from siee.intermediation.fairness import fairness_report, format_fairness_report
    from siee.lib import parse

    try:
        since = parse.parse_date(args.since) if args.since else None
        vacancy_ids = [int(v) for v in args.vacancies.split(",") if v.strip()] if args.vacancies else None
    except ValueError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2

    def action(user):
        report = fairness_report(actor=user, territory=args.territory, vacancy_ids=vacancy_ids, run_id=args.run,
                                 since=since, check=not args.no_check)
        print(_dump(report) if args.json else format_fairness_report(report))
        return 0

    return _run(args, action)
