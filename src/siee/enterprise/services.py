"""Enterprise services: the only writers of the enterprise models.

Keyword-only functions taking the acting user (`actor=None` means the system: demo, CLI). Records are resolved
through the scoped selectors *before* the transaction opens, so the "denied" audit entry of an out-of-scope
attempt survives the refusal; writes are atomic, audited, and leave an initiative timeline event (and a person
timeline event when they concern a person's route).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from siee.core import audit
from siee.core.errors import OutOfScope, PermissionDenied, ValidationFailed
from siee.core.models import AuditAction, Organization
from siee.core.selectors import find_territory, territory_subtree_ids
from siee.enterprise import catalog, suppliers
from siee.enterprise.images import clean_photo
from siee.enterprise.models import (
    SURVIVAL_MONTHS,
    AdvisorySession,
    AgreedTask,
    ApplicationStatus,
    Award,
    BusinessEvent,
    BusinessInitiative,
    CommitteeScore,
    Criterion,
    Diagnosis,
    EventContact,
    EventKind,
    EventParticipant,
    GrantApplication,
    GrantCall,
    InitiativeEvent,
    NeedStatus,
    ParticipantRole,
    ProcurementNeed,
    Product,
    ProductPhoto,
    Questionnaire,
    RouteDirection,
    RouteReferral,
    RouteStep,
    SalesRecord,
    Stage,
    StepCompletion,
    StepKind,
    SupplierInteraction,
    SupplierStep,
    SurvivalFollowUp,
    TeamMember,
    Tranche,
    TrancheStatus,
)
from siee.enterprise.selectors import get_initiative_for, get_need_for
from siee.people.models import Person, PersonEvent
from siee.taxonomy.models import Sector, Skill

MAX_PRICE = Decimal("999999999999")


# --- helpers -----------------------------------------------------------------------------------------------

def _require_staff(actor) -> None:
    if actor is not None and (not actor.is_authenticated or not actor.can_read_personal_data):
        raise PermissionDenied(_("Su rol no permite gestionar emprendimientos."))


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def _now():
    return timezone.now()


def _initiative(actor, initiative_id) -> BusinessInitiative:
    _require_staff(actor)
    if actor is None:
        try:
            return BusinessInitiative.objects.select_related("municipality", "owner", "sector").get(pk=int(initiative_id))
        except (BusinessInitiative.DoesNotExist, TypeError, ValueError):
            raise OutOfScope(_("Iniciativa no encontrada."), field="initiative") from None
    return get_initiative_for(actor, initiative_id)


def _person(actor, person_id) -> Person:
    if actor is None:
        try:
            return Person.objects.get(pk=int(person_id))
        except (Person.DoesNotExist, TypeError, ValueError):
            raise OutOfScope(_("Persona no encontrada."), field="person") from None
    from siee.people.selectors import get_person_for

    return get_person_for(actor, person_id)


def _event(initiative, kind: str, actor, *, at=None, **params) -> None:
    InitiativeEvent.objects.create(initiative=initiative, at=at or _now(), kind=kind, actor=_user(actor), params=params)


def _person_event(person, kind: str, actor, **params) -> None:
    PersonEvent.objects.create(person=person, kind=kind, actor=_user(actor), params=params)


def add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def parse_amount(value, *, field: str, allow_none: bool = True) -> Decimal | None:
    """A non-negative money amount from a number or text ("12.500", "12500,50", 12500); ValidationFailed otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if allow_none:
            return None
        raise ValidationFailed(_("Falta el valor."), field=field)
    if isinstance(value, bool):
        raise ValidationFailed(_("«%(v)s» no es un número.") % {"v": value}, field=field)
    if isinstance(value, int | float | Decimal):
        text = str(value)
    else:
        text = str(value).strip().replace("$", "").replace(" ", "")
        if "," in text and "." in text:  # 12.500,50 -> 12500.50
            text = text.replace(".", "").replace(",", ".")
        elif "," in text:
            text = text.replace(",", ".")
        elif text.count(".") == 1 and len(text.split(".")[1]) == 3:  # 12.500 (thousands separator)
            text = text.replace(".", "")
        elif text.count(".") > 1:
            text = text.replace(".", "")
    try:
        amount = Decimal(text)
    except (InvalidOperation, ValueError):
        raise ValidationFailed(_("«%(v)s» no es un número.") % {"v": value}, field=field) from None
    if not amount.is_finite():
        raise ValidationFailed(_("«%(v)s» no es un número.") % {"v": value}, field=field)
    if amount < 0:
        raise ValidationFailed(_("El valor no puede ser negativo."), field=field)
    if amount > MAX_PRICE:
        raise ValidationFailed(_("El valor es demasiado grande."), field=field)
    return amount.quantize(Decimal("0.01"))


def money(value) -> str:
    """A money amount as Colombians write it in messages: "$ 1.250.000" (cents only when there are some)."""
    amount = Decimal(value or 0).quantize(Decimal("0.01"))
    whole, cents = divmod(abs(amount), 1)
    text = f"{int(whole):,}".replace(",", ".")
    if cents:
        text += "," + f"{cents:.2f}"[2:]
    return ("-$ " if amount < 0 else "$ ") + text


def _territory(code: str, field: str = "municipality_code"):
    t = find_territory(str(code or ""))
    if t is None:
        raise ValidationFailed(_("Territorio desconocido: «%(c)s».") % {"c": code}, field=field)
    return t


def _sector(code, field: str = "sector"):
    if not code:
        return None
    s = Sector.objects.filter(code=str(code).strip()).first()
    if s is None:
        raise ValidationFailed(_("Sector CIIU desconocido: «%(c)s».") % {"c": code}, field=field)
    return s


def _check_territory_scope(actor, territory, field: str = "municipality_code") -> None:
    from siee.core.selectors import scope_territory_ids

    if actor is None:
        return
    scope = scope_territory_ids(actor)
    if scope is not None and territory.pk not in scope:
        if field == "municipality_code":
            raise ValidationFailed(_("El municipio está fuera de los territorios de su organización."), field=field)
        raise ValidationFailed(_("«%(t)s» está fuera de los territorios de su organización.") % {"t": territory.name},
                               field=field)


# --- initiatives -------------------------------------------------------------------------------------------

def create_initiative(*, actor, owner_id, data: dict) -> BusinessInitiative:
    _require_staff(actor)
    owner = _person(actor, owner_id)
    name = (data.get("name") or "").strip()
    if not name:
        raise ValidationFailed(_("El nombre de la iniciativa es obligatorio."), field="name")
    municipality = _territory(data["municipality_code"]) if data.get("municipality_code") else owner.municipality
    _check_territory_scope(actor, municipality)
    sector = _sector(data.get("sector"))
    stage = int(data.get("stage") or Stage.IDEA)
    if stage not in Stage.values:
        raise ValidationFailed(_("Etapa desconocida."), field="stage")
    member_ids = list(data.get("members") or [])
    members = [_person(actor, pid) for pid in member_ids]
    with transaction.atomic():
        ini = BusinessInitiative.objects.create(
            name=name, description=data.get("description", ""), sector=sector, stage=stage, owner=owner,
            municipality=municipality, is_group=bool(data.get("is_group") or members),
            organization=getattr(actor, "organization", None) or data.get("organization"),
            adviser=data.get("adviser") or (actor if getattr(actor, "role", "") == "business_adviser" else None),
            registered=bool(data.get("registered")), tax_id=data.get("tax_id", ""),
            jobs_full_time=int(data.get("jobs_full_time") or 0), jobs_part_time=int(data.get("jobs_part_time") or 0),
            jobs_family=int(data.get("jobs_family") or 0),
            monthly_sales=parse_amount(data.get("monthly_sales"), field="monthly_sales"),
            created_at=data.get("created_at") or _now(),
        )
        if stage in (Stage.OPERATING, Stage.STRENGTHENING):  # an existing business joins the programme
            ini.operating_since = timezone.localtime(ini.created_at).date() if hasattr(ini.created_at, "tzinfo") else ini.created_at
            ini.save(update_fields=["operating_since"])
        TeamMember.objects.create(initiative=ini, person=owner, role=_("Titular"))
        for m in members:
            if m.pk != owner.pk:
                TeamMember.objects.get_or_create(initiative=ini, person=m, defaults={"role": _("Socio/a")})
        _event(ini, "created", actor, at=ini.created_at, stage=ini.stage)
        _person_event(owner, "initiative_created", actor, initiative_id=ini.pk, name=ini.name)
        audit.record(actor=actor, action=AuditAction.CREATE, obj=ini, fields=["name", "owner", "stage"])
    return ini


def add_team_member(*, actor, initiative_id, person_id, role: str = "") -> TeamMember:
    ini = _initiative(actor, initiative_id)
    person = _person(actor, person_id)
    with transaction.atomic():
        member, created = TeamMember.objects.get_or_create(initiative=ini, person=person, defaults={"role": role})
        if created:
            ini.is_group = True
            ini.save(update_fields=["is_group"])
            _event(ini, "member_added", actor, person_id=person.pk)
            _person_event(person, "initiative_joined", actor, initiative_id=ini.pk, name=ini.name)
            audit.record(actor=actor, action=AuditAction.UPDATE, obj=ini, fields=["members"])
    return member


def update_operations(*, actor, initiative_id, jobs_full_time=None, jobs_part_time=None, jobs_family=None,
                      month: dt.date | None = None, sales=None) -> BusinessInitiative:
    """Record jobs by type and (optionally) one month's sales, which becomes the current monthly sales."""
    ini = _initiative(actor, initiative_id)
    amount = parse_amount(sales, field="sales")
    changed = []
    with transaction.atomic():
        for field, value in (("jobs_full_time", jobs_full_time), ("jobs_part_time", jobs_part_time), ("jobs_family", jobs_family)):
            if value is not None:
                if int(value) < 0:
                    raise ValidationFailed(_("El número de empleos no puede ser negativo."), field=field)
                setattr(ini, field, int(value))
                changed.append(field)
        if amount is not None:
            first = (month or timezone.localdate()).replace(day=1)
            SalesRecord.objects.update_or_create(initiative=ini, month=first, defaults={"amount": amount})
            ini.monthly_sales = amount
            changed.append("monthly_sales")
        ini.save(update_fields=changed or None)
        _event(ini, "operations_updated", actor, jobs=ini.jobs_total, sales=str(amount) if amount is not None else None)
        audit.record(actor=actor, action=AuditAction.UPDATE, obj=ini, fields=changed)
    return ini


def formalize_initiative(*, actor, initiative_id, tax_id: str, on: dt.date | None = None) -> BusinessInitiative:
    ini = _initiative(actor, initiative_id)
    tax_id = (tax_id or "").strip()
    if not tax_id:
        raise ValidationFailed(_("Indique el NIT / RUT con el que se formalizó."), field="tax_id")
    with transaction.atomic():
        ini.registered, ini.tax_id, ini.formalized_on = True, tax_id, on or timezone.localdate()
        ini.save(update_fields=["registered", "tax_id", "formalized_on"])
        _event(ini, "formalized", actor, tax_id=tax_id)
        audit.record(actor=actor, action=AuditAction.UPDATE, obj=ini, fields=["registered", "tax_id"])
    return ini


# --- advisory route ----------------------------------------------------------------------------------------

DEFAULT_ROUTE = [
    (1, StepKind.DIAGNOSIS, "Diagnóstico empresarial", Stage.BUSINESS_PLAN),
    (2, StepKind.TRAINING, "Formación en emprendimiento", Stage.BUSINESS_PLAN),
    (3, StepKind.BUSINESS_PLAN, "Plan de negocio aprobado", Stage.START_UP),
    (4, StepKind.COMMITTEE_REVIEW, "Revisión del comité", Stage.START_UP),
]


def route_steps(organization_id: int | None) -> list[RouteStep]:
    """The organization's own route if it configured one, otherwise the global route (created on first use)."""
    steps = list(RouteStep.objects.filter(organization_id=organization_id)) if organization_id else []
    if steps:
        return steps
    steps = list(RouteStep.objects.filter(organization__isnull=True))
    if not steps:
        steps = [RouteStep.objects.create(order=o, kind=k, name=n, required_before=s) for o, k, n, s in DEFAULT_ROUTE]
    return steps


def missing_steps(ini: BusinessInitiative, target: int) -> list[RouteStep]:
    done = set(ini.step_completions.values_list("step_id", flat=True))
    return [s for s in route_steps(ini.organization_id) if s.required and s.required_before <= target and s.pk not in done]


def complete_step(*, actor, initiative_id, kind: str | None = None, step_id: int | None = None, note: str = "",
                  at=None) -> StepCompletion:
    ini = _initiative(actor, initiative_id)
    steps = route_steps(ini.organization_id)
    step = next((s for s in steps if (step_id and s.pk == int(step_id)) or (kind and s.kind == kind)), None)
    if step is None:
        raise ValidationFailed(_("Paso de la ruta desconocido."), field="step")
    with transaction.atomic():
        done, created = StepCompletion.objects.get_or_create(
            initiative=ini, step=step, defaults={"completed_at": at or _now(), "completed_by": _user(actor), "note": note})
        if created:
            _event(ini, "step_completed", actor, at=done.completed_at, step=step.name, step_kind=step.kind)
            audit.record(actor=actor, action=AuditAction.UPDATE, obj=ini, fields=["route"], detail={"step": step.kind})
    return done


def change_stage(*, actor, initiative_id, stage: int, on: dt.date | None = None) -> BusinessInitiative:
    """Move an initiative to another stage. Moving forward needs the route's required steps for that stage; reaching
    "operating" records the start date and schedules the survival follow-ups (if not scheduled by an award)."""
    ini = _initiative(actor, initiative_id)
    stage = int(stage)
    if stage not in Stage.values:
        raise ValidationFailed(_("Etapa desconocida."), field="stage")
    if stage != Stage.CLOSED and stage > ini.stage:
        missing = missing_steps(ini, stage)
        if missing:
            raise ValidationFailed(
                _("Para pasar a «%(s)s» faltan pasos de la ruta: %(m)s.")
                % {"s": Stage(stage).label, "m": ", ".join(m.name for m in missing)}, field="stage")
    on = on or timezone.localdate()
    old = ini.stage
    with transaction.atomic():
        ini.stage = stage
        fields = ["stage"]
        if stage in (Stage.OPERATING, Stage.STRENGTHENING) and ini.operating_since is None:
            ini.operating_since = on
            fields.append("operating_since")
        if stage == Stage.CLOSED:
            ini.closed_on = on
            fields.append("closed_on")
        ini.save(update_fields=fields)
        if "operating_since" in fields:
            schedule_survival_follow_ups(ini, base=on, basis="operation")
        _event(ini, "stage_changed", actor, old=old, new=stage)
        _person_event(ini.owner, "initiative_stage", actor, initiative_id=ini.pk, stage=stage, label=str(Stage(stage).label))
        audit.record(actor=actor, action=AuditAction.UPDATE, obj=ini, fields=fields)
        if ini.public:
            catalog.index_initiative(ini)
    return ini


def record_session(*, actor, initiative_id, notes: str, minutes: int = 60, tasks: list[dict] | None = None,
                   at=None) -> AdvisorySession:
    ini = _initiative(actor, initiative_id)
    if not (notes or "").strip():
        raise ValidationFailed(_("Escriba las notas de la sesión."), field="notes")
    for i, t in enumerate(tasks or []):
        if not (t.get("description") or "").strip():
            raise ValidationFailed(_("La tarea %(n)d no tiene descripción.") % {"n": i + 1}, field="tasks")
    with transaction.atomic():
        session = AdvisorySession.objects.create(initiative=ini, adviser=_user(actor), at=at or _now(),
                                                 minutes=int(minutes), notes=notes.strip())
        for t in tasks or []:
            AgreedTask.objects.create(session=session, initiative=ini, description=t["description"].strip(),
                                      due_on=t.get("due_on"))
        if ini.adviser_id is None and getattr(actor, "role", "") == "business_adviser":
            ini.adviser = actor
            ini.save(update_fields=["adviser"])
        _event(ini, "session", actor, at=session.at, session_id=session.pk, tasks=len(tasks or []))
        audit.record(actor=actor, action=AuditAction.CREATE, obj=session)
    return session


def complete_task(*, actor, task_id) -> AgreedTask:
    task = AgreedTask.objects.select_related("initiative").filter(pk=task_id).first()
    if task is None:
        raise OutOfScope(_("Tarea no encontrada."), field="task")
    _initiative(actor, task.initiative_id)
    with transaction.atomic():
        task.done_at = _now()
        task.save(update_fields=["done_at"])
        audit.record(actor=actor, action=AuditAction.UPDATE, obj=task, fields=["done_at"])
    return task


DEFAULT_QUESTIONNAIRE = [
    {"code": "market", "area": "Mercado", "weight": 2, "text": "¿Conoce a sus clientes y a su competencia?"},
    {"code": "product", "area": "Producto", "weight": 1, "text": "¿El producto o servicio está definido y probado?"},
    {"code": "finance", "area": "Finanzas", "weight": 2, "text": "¿Lleva cuentas de ingresos y gastos?"},
    {"code": "operations", "area": "Operación", "weight": 1, "text": "¿Cuenta con equipos, local y proveedores?"},
    {"code": "formal", "area": "Formalización", "weight": 1, "text": "¿Conoce los requisitos para formalizarse?"},
]


def default_questionnaire() -> Questionnaire:
    q, _created = Questionnaire.objects.get_or_create(name="Diagnóstico empresarial básico",
                                                      defaults={"questions": DEFAULT_QUESTIONNAIRE})
    return q


def score_answers(questions: list[dict], answers: dict) -> tuple[float, dict[str, float]]:
    """Weighted score 0-100 of 0..4 answers, and the same per area. Missing or out-of-range answers are errors."""
    total = wsum = 0.0
    areas: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for q in questions:
        raw = answers.get(q["code"])
        try:
            value = float(raw)
        except (TypeError, ValueError):
            raise ValidationFailed(_("Falta la respuesta a «%(q)s» (0 a 4).") % {"q": q["text"]}, field=q["code"]) from None
        if not 0 <= value <= 4:
            raise ValidationFailed(_("La respuesta a «%(q)s» debe estar entre 0 y 4.") % {"q": q["text"]}, field=q["code"])
        w = float(q.get("weight", 1))
        total += w * value / 4
        wsum += w
        areas[q["area"]][0] += w * value / 4
        areas[q["area"]][1] += w
    if not wsum:
        raise ValidationFailed(_("El cuestionario no tiene preguntas."), field="questionnaire")
    return round(100 * total / wsum, 1), {a: round(100 * s / w, 1) for a, (s, w) in areas.items()}


def record_diagnosis(*, actor, initiative_id, answers: dict, questionnaire_id: int | None = None, at=None) -> Diagnosis:
    ini = _initiative(actor, initiative_id)
    questionnaire = Questionnaire.objects.get(pk=questionnaire_id) if questionnaire_id else default_questionnaire()
    score, areas = score_answers(questionnaire.questions, answers)
    with transaction.atomic():
        diag = Diagnosis.objects.create(initiative=ini, questionnaire=questionnaire, answers=answers, score=score,
                                        area_scores=areas, at=at or _now(), by=_user(actor))
        _event(ini, "diagnosis", actor, at=diag.at, score=score)
        audit.record(actor=actor, action=AuditAction.CREATE, obj=diag)
    complete_step(actor=actor, initiative_id=ini.pk, kind=StepKind.DIAGNOSIS, note=f"{score}", at=diag.at)
    return diag


# --- seed capital ------------------------------------------------------------------------------------------

def can_manage_calls(user) -> bool:
    """Agency administrators and business advisers open and edit seed-capital calls."""
    return user is None or user.is_agency_admin or user.role == "business_adviser"


def _require_call_manager(actor) -> None:
    if not can_manage_calls(actor):
        raise PermissionDenied(_("Su rol no permite crear ni modificar convocatorias."))


def can_edit_call(user, call: GrantCall) -> bool:
    """Only the organization that opened a call edits it (an unrestricted administrator edits any)."""
    from siee.core.selectors import scope_territory_ids

    return can_manage_calls(user) and (user is None or scope_territory_ids(user) is None
                                       or call.organization_id == user.organization_id)


def _criteria_values(criteria: list[dict]) -> list[tuple[str, float, float]]:
    """(name, weight, max score) of each committee criterion; names unique, weights and maxima positive."""
    if not criteria:
        raise ValidationFailed(_("La convocatoria necesita al menos un criterio de evaluación."), field="criteria")
    out, seen = [], set()
    for c in criteria:
        name = str(c.get("name") or "").strip()
        if not name:
            raise ValidationFailed(_("Cada criterio de evaluación necesita un nombre."), field="criteria")
        try:
            weight, max_score = float(c.get("weight", 0)), float(c.get("max_score") or 5)
        except (TypeError, ValueError):
            raise ValidationFailed(_("El peso y el puntaje máximo de «%(c)s» deben ser números.") % {"c": name},
                                   field="criteria") from None
        if not (0 < weight < 1e6 and 0 < max_score < 1e6):
            raise ValidationFailed(_("Los pesos y puntajes máximos deben ser positivos (%(c)s).") % {"c": name},
                                   field="criteria")
        if name.casefold() in seen:
            raise ValidationFailed(_("El criterio «%(c)s» está repetido.") % {"c": name}, field="criteria")
        seen.add(name.casefold())
        out.append((name, weight, max_score))
    return out


def _call_values(actor, data: dict, territory_codes) -> tuple[dict, list]:
    """Validated fields of a call (shared by creation and edition) and its territories."""
    name = str(data.get("name") or "").strip()
    if not name:
        raise ValidationFailed(_("La convocatoria necesita un nombre."), field="name")
    territories = []
    for code in territory_codes:
        t = _territory(code, "territories")
        _check_territory_scope(actor, t, field="territories")
        territories.append(t)
    amount = parse_amount(data.get("amount_per_award"), field="amount_per_award", allow_none=False)
    if amount <= 0:
        raise ValidationFailed(_("El monto por beneficiario debe ser positivo."), field="amount_per_award")
    budget = parse_amount(data.get("budget"), field="budget", allow_none=False)
    if budget < amount:
        raise ValidationFailed(_("El presupuesto (%(b)s) no alcanza para un solo beneficiario (%(a)s).")
                               % {"b": money(budget), "a": money(amount)}, field="budget")
    opens_on, closes_on = data.get("opens_on"), data.get("closes_on")
    if not opens_on:
        raise ValidationFailed(_("Indique la fecha de apertura."), field="opens_on")
    if not closes_on:
        raise ValidationFailed(_("Indique la fecha de cierre."), field="closes_on")
    if closes_on < opens_on:
        raise ValidationFailed(_("La fecha de cierre es anterior a la de apertura."), field="closes_on")
    min_stage = int(data["min_stage"]) if data.get("min_stage") not in (None, "") else None
    if min_stage is not None and min_stage not in Stage.values:
        raise ValidationFailed(_("Etapa desconocida."), field="min_stage")
    try:
        min_score = float(data.get("min_score") if data.get("min_score") not in (None, "") else 60.0)
    except (TypeError, ValueError):
        raise ValidationFailed(_("«%(v)s» no es un número.") % {"v": data.get("min_score")}, field="min_score") from None
    if not 0 <= min_score <= 100:
        raise ValidationFailed(_("El puntaje mínimo va de 0 a 100."), field="min_score")
    values = {"name": name, "opens_on": opens_on, "closes_on": closes_on, "amount_per_award": amount, "budget": budget,
              "currency": data.get("currency") or "COP", "min_stage": min_stage,
              "required_course": str(data.get("required_course") or "").strip(),
              "require_registered": bool(data.get("require_registered")), "min_score": min_score}
    return values, territories


def create_call(*, actor, data: dict, criteria: list[dict], territory_codes: list[str] = ()) -> GrantCall:
    """A seed-capital call: eligibility rules (dates, minimum stage, territories, formalization, completed
    training), committee criteria with weights, amount per award and budget."""
    _require_call_manager(actor)
    crits = _criteria_values(criteria)
    values, territories = _call_values(actor, data, territory_codes)
    with transaction.atomic():
        call = GrantCall.objects.create(organization=getattr(actor, "organization", None) or data.get("organization"),
                                        **values)
        call.territories.set(territories)
        for name, weight, max_score in crits:
            Criterion.objects.create(call=call, name=name, weight=weight, max_score=max_score)
        audit.record(actor=actor, action=AuditAction.CREATE, obj=call)
    return call


def editable_call(*, actor, call_id) -> GrantCall:
    """The call, if the actor may edit it: in scope (else OutOfScope) and of the actor's organization (else
    PermissionDenied)."""
    _require_call_manager(actor)
    if actor is None:
        call = GrantCall.objects.filter(pk=call_id).first()
        if call is None:
            raise OutOfScope(_("Convocatoria no encontrada."), field="call")
        return call
    from siee.enterprise.selectors import get_call_for

    call = get_call_for(actor, call_id)
    if not can_edit_call(actor, call):
        raise PermissionDenied(_("Solo la organización que abrió la convocatoria puede modificarla."))
    return call


def update_call(*, actor, call_id, data: dict, criteria: list[dict], territory_codes: list[str] = ()) -> GrantCall:
    """Edit a call. The budget cannot drop below what is already awarded, and the committee criteria cannot change
    once a committee member has scored (the scores would no longer mean the same). Applications already submitted
    keep the eligibility checked when they applied; the new rules apply to new applications."""
    call = editable_call(actor=actor, call_id=call_id)
    crits = _criteria_values(criteria)
    values, territories = _call_values(actor, data, territory_codes)
    awarded = Award.objects.filter(application__call=call).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    if values["budget"] < awarded:
        raise ValidationFailed(_("El presupuesto no puede ser menor que lo ya adjudicado (%(a)s).") % {"a": money(awarded)},
                               field="budget")
    current = [(c.name, c.weight, c.max_score) for c in call.criteria.all()]
    criteria_changed = current != crits
    if criteria_changed and CommitteeScore.objects.filter(application__call=call).exists():
        raise ValidationFailed(_("Los criterios no se pueden cambiar: el comité ya calificó postulaciones."),
                               field="criteria")
    changed = [k for k, v in values.items() if getattr(call, k) != v]
    old_territories = set(call.territories.values_list("pk", flat=True))
    with transaction.atomic():
        for k, v in values.items():
            setattr(call, k, v)
        call.save()
        if old_territories != {t.pk for t in territories}:
            call.territories.set(territories)
            changed.append("territories")
        if criteria_changed:
            call.criteria.all().delete()
            for name, weight, max_score in crits:
                Criterion.objects.create(call=call, name=name, weight=weight, max_score=max_score)
            changed.append("criteria")
        audit.record(actor=actor, action=AuditAction.UPDATE, obj=call, fields=changed)
    return call


def call_budget(call: GrantCall) -> dict:
    """Awarded, disbursed and remaining amounts of a call."""
    awarded = Award.objects.filter(application__call=call).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    paid = (Tranche.objects.filter(award__application__call=call, status=TrancheStatus.PAID)
            .aggregate(s=Sum("amount"))["s"] or Decimal(0))
    return {"awarded": awarded, "paid": paid, "remaining": call.budget - awarded,
            "awards": Award.objects.filter(application__call=call).count()}


def training_completions(person_ids: list[int], course_code: str) -> set[int]:
    """People (of `person_ids`) who completed the course `course_code` in the training app.

    Looked up lazily (training.Enrolment with status "completed" in a cohort of the course with that code) so the
    enterprise app works and is tested without the training app: when it is absent, nobody has completed anything
    (the rule then fails with its reason). A "training" step of the advisory route named after the course also
    counts (see check_eligibility).
    """
    from django.apps import apps
    from django.core.exceptions import FieldError

    try:
        enrolment = apps.get_model("training", "Enrolment")
    except LookupError:
        return set()
    try:
        return set(enrolment.objects.filter(person_id__in=person_ids, status="completed",
                                            cohort__course__code=course_code).values_list("person_id", flat=True))
    except FieldError:  # the training app changed shape: nobody counts as having completed
        return set()


def check_eligibility(call: GrantCall, ini: BusinessInitiative, *, today: dt.date | None = None,
                      completions=None) -> list[dict]:
    """Each rule of the call with ok/reason. `completions(person_ids, course_code) -> set[person_id]` defaults to
    the training app lookup."""
    today = today or timezone.localdate()
    completions = completions or training_completions
    rules = []
    rules.append({"rule": "open", "ok": call.opens_on <= today <= call.closes_on,
                  "reason": _("Convocatoria abierta del %(a)s al %(b)s") % {"a": call.opens_on, "b": call.closes_on}})
    if call.min_stage:
        rules.append({"rule": "stage", "ok": ini.stage >= call.min_stage and ini.stage != Stage.CLOSED,
                      "reason": _("Etapa mínima «%(m)s» (la iniciativa está en «%(s)s»)")
                      % {"m": Stage(call.min_stage).label, "s": ini.get_stage_display()}})
    territory_ids = territory_subtree_ids(call.territories.all()) if call.territories.exists() else None
    if territory_ids is not None:
        rules.append({"rule": "territory", "ok": ini.municipality_id in territory_ids,
                      "reason": _("Ubicada en los territorios de la convocatoria (%(m)s)") % {"m": ini.municipality.name}})
    if call.require_registered:
        rules.append({"rule": "registered", "ok": ini.registered, "reason": _("Formalizada con NIT / RUT")})
    if call.required_course:
        people = [ini.owner_id, *ini.members.values_list("person_id", flat=True)]
        done = set(completions(sorted(set(people)), call.required_course))
        via_route = ini.step_completions.filter(step__kind=StepKind.TRAINING, step__name__iexact=call.required_course).exists()
        rules.append({"rule": "training", "ok": bool(done) or via_route,
                      "reason": _("Algún miembro completó la formación «%(c)s»") % {"c": call.required_course}})
    return rules


def apply_to_call(*, actor, call_id, initiative_id, today: dt.date | None = None, completions=None) -> GrantApplication:
    ini = _initiative(actor, initiative_id)
    call = GrantCall.objects.filter(pk=call_id).first()
    if call is None:
        raise OutOfScope(_("Convocatoria no encontrada."), field="call")
    if GrantApplication.objects.filter(call=call, initiative=ini).exists():
        raise ValidationFailed(_("La iniciativa ya se postuló a esta convocatoria."), field="call")
    rules = check_eligibility(call, ini, today=today, completions=completions)
    ok = all(r["ok"] for r in rules)
    with transaction.atomic():
        app = GrantApplication.objects.create(call=call, initiative=ini, eligibility=rules, submitted_at=_now(),
                                              status=ApplicationStatus.ELIGIBLE if ok else ApplicationStatus.INELIGIBLE)
        _event(ini, "grant_applied", actor, call=call.name, eligible=ok)
        audit.record(actor=actor, action=AuditAction.CREATE, obj=app, detail={"eligible": ok})
    return app


def weighted_score(criteria: list[Criterion], values: dict[int, list[float]]) -> float:
    """0-100: sum of weight x (mean score of the committee members / max score), over the sum of weights."""
    wsum = sum(c.weight for c in criteria)
    total = 0.0
    for c in criteria:
        vals = values.get(c.pk) or []
        if not vals:
            raise ValidationFailed(_("Falta el puntaje del criterio «%(c)s».") % {"c": c.name}, field=str(c.pk))
        total += c.weight * (sum(vals) / len(vals)) / c.max_score
    return round(100 * total / wsum, 2)


def score_application(*, actor, application_id, scores: dict, scorer_label: str | None = None) -> GrantApplication:
    """One committee member's scores {criterion id or name: value}; the application's score is recomputed from all
    members' scores once every criterion has at least one."""
    app = GrantApplication.objects.select_related("call", "initiative").filter(pk=application_id).first()
    if app is None:
        raise OutOfScope(_("Postulación no encontrada."), field="application")
    _initiative(actor, app.initiative_id)
    if app.status not in (ApplicationStatus.ELIGIBLE, ApplicationStatus.SUBMITTED):
        raise ValidationFailed(_("Solo se califican postulaciones elegibles (estado: %(s)s).") % {"s": app.get_status_display()},
                               field="application")
    criteria = list(app.call.criteria.all())
    by_key = {str(c.pk): c for c in criteria} | {c.name: c for c in criteria}
    label = scorer_label or getattr(actor, "username", "") or "comite"
    parsed = {}
    for key, value in scores.items():
        c = by_key.get(str(key))
        if c is None:
            raise ValidationFailed(_("Criterio desconocido: «%(k)s».") % {"k": key}, field="scores")
        try:
            v = float(value)
        except (TypeError, ValueError):
            raise ValidationFailed(_("«%(v)s» no es un número.") % {"v": value}, field=c.name) from None
        if not 0 <= v <= c.max_score:
            raise ValidationFailed(_("El puntaje de «%(c)s» debe estar entre 0 y %(m)g.") % {"c": c.name, "m": c.max_score},
                                   field=c.name)
        parsed[c] = v
    with transaction.atomic():
        for c, v in parsed.items():
            CommitteeScore.objects.update_or_create(application=app, criterion=c, scorer_label=label,
                                                    defaults={"value": v, "scorer": _user(actor)})
        values: dict[int, list[float]] = defaultdict(list)
        for s in app.scores.all():
            values[s.criterion_id].append(s.value)
        if all(values.get(c.pk) for c in criteria):
            app.score = weighted_score(criteria, values)
            app.save(update_fields=["score"])
        _event(app.initiative, "committee_scored", actor, call=app.call.name, scorer=label, score=app.score)
        audit.record(actor=actor, action=AuditAction.UPDATE, obj=app, fields=["score"])
    return app


def award_application(*, actor, application_id, tranches: list[dict], amount=None, on: dt.date | None = None) -> Award:
    """Award seed capital with its disbursement plan (tranches tied to milestones, never more than the award)."""
    app = GrantApplication.objects.select_related("call", "initiative").filter(pk=application_id).first()
    if app is None:
        raise OutOfScope(_("Postulación no encontrada."), field="application")
    ini = _initiative(actor, app.initiative_id)
    call = app.call
    if app.status != ApplicationStatus.ELIGIBLE:
        raise ValidationFailed(_("Solo se adjudican postulaciones elegibles (estado: %(s)s).") % {"s": app.get_status_display()},
                               field="application")
    if app.score is None or app.score < call.min_score:
        raise ValidationFailed(_("El puntaje del comité (%(s)s) no alcanza el mínimo de %(m)g.")
                               % {"s": app.score if app.score is not None else "-", "m": call.min_score}, field="score")
    amount = parse_amount(amount, field="amount") if amount is not None else call.amount_per_award
    if amount <= 0:
        raise ValidationFailed(_("El monto adjudicado debe ser positivo."), field="amount")
    awarded = Award.objects.filter(application__call=call).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    if awarded + amount > call.budget:
        raise ValidationFailed(_("El presupuesto de la convocatoria no alcanza (quedan %(r)s).") % {"r": money(call.budget - awarded)},
                               field="amount")
    plan = [(parse_amount(t.get("amount"), field=f"tranches[{i}].amount", allow_none=False), (t.get("milestone") or "").strip())
            for i, t in enumerate(tranches)]
    if not plan:
        raise ValidationFailed(_("Defina al menos un desembolso."), field="tranches")
    for i, (value, milestone) in enumerate(plan):
        if value <= 0:
            raise ValidationFailed(_("El desembolso %(n)d debe ser positivo.") % {"n": i + 1}, field=f"tranches[{i}].amount")
        if not milestone:
            raise ValidationFailed(_("El desembolso %(n)d no tiene hito.") % {"n": i + 1}, field=f"tranches[{i}].milestone")
    total = sum(v for v, _m in plan)
    if total > amount:
        raise ValidationFailed(_("Los desembolsos suman %(t)s y superan el monto adjudicado de %(a)s.") % {"t": money(total), "a": money(amount)},
                               field="tranches")
    on = on or timezone.localdate()
    with transaction.atomic():
        award = Award.objects.create(application=app, amount=amount, awarded_on=on, awarded_by=_user(actor))
        for i, (value, milestone) in enumerate(plan, start=1):
            Tranche.objects.create(award=award, number=i, amount=value, milestone=milestone)
        app.status = ApplicationStatus.AWARDED
        app.save(update_fields=["status"])
        schedule_survival_follow_ups(ini, base=on, basis="award")
        _event(ini, "awarded", actor, call=call.name, amount=str(amount), tranches=len(plan))
        _person_event(ini.owner, "seed_capital_awarded", actor, initiative_id=ini.pk, amount=str(amount))
        audit.record(actor=actor, action=AuditAction.CREATE, obj=award, detail={"amount": str(amount)})
    return award


def add_tranche(*, actor, award_id, amount, milestone: str) -> Tranche:
    award = Award.objects.select_related("application").filter(pk=award_id).first()
    if award is None:
        raise OutOfScope(_("Adjudicación no encontrada."), field="award")
    _initiative(actor, award.application.initiative_id)
    value = parse_amount(amount, field="amount", allow_none=False)
    if value <= 0:
        raise ValidationFailed(_("El desembolso debe ser positivo."), field="amount")
    planned = award.tranches.aggregate(s=Sum("amount"))["s"] or Decimal(0)
    if planned + value > award.amount:
        raise ValidationFailed(_("Con este desembolso el plan sumaría %(t)s y superaría el monto adjudicado de %(a)s.")
                               % {"t": money(planned + value), "a": money(award.amount)}, field="amount")
    with transaction.atomic():
        number = (award.tranches.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        tranche = Tranche.objects.create(award=award, number=number, amount=value, milestone=milestone)
        audit.record(actor=actor, action=AuditAction.CREATE, obj=tranche)
    return tranche


def pay_tranche(*, actor, tranche_id, on: dt.date | None = None, milestone_met: bool = True) -> Tranche:
    """Disburse a tranche once its milestone is met and the earlier tranches are paid."""
    tranche = Tranche.objects.select_related("award", "award__application").filter(pk=tranche_id).first()
    if tranche is None:
        raise OutOfScope(_("Desembolso no encontrado."), field="tranche")
    ini = _initiative(actor, tranche.award.application.initiative_id)
    if tranche.status == TrancheStatus.PAID:
        raise ValidationFailed(_("El desembolso %(n)d ya fue pagado.") % {"n": tranche.number}, field="tranche")
    if not milestone_met:
        raise ValidationFailed(_("El hito «%(m)s» no se ha cumplido.") % {"m": tranche.milestone}, field="milestone")
    if tranche.award.tranches.filter(number__lt=tranche.number, status=TrancheStatus.PLANNED).exists():
        raise ValidationFailed(_("Hay desembolsos anteriores sin pagar."), field="tranche")
    paid = tranche.award.tranches.filter(status=TrancheStatus.PAID).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    if paid + tranche.amount > tranche.award.amount:
        raise ValidationFailed(_("El pago superaría el monto adjudicado."), field="amount")
    on = on or timezone.localdate()
    with transaction.atomic():
        tranche.status, tranche.paid_on, tranche.milestone_met_on = TrancheStatus.PAID, on, on
        tranche.save(update_fields=["status", "paid_on", "milestone_met_on"])
        _event(ini, "tranche_paid", actor, number=tranche.number, amount=str(tranche.amount))
        audit.record(actor=actor, action=AuditAction.UPDATE, obj=tranche, fields=["status", "paid_on"])
    return tranche


def schedule_survival_follow_ups(ini: BusinessInitiative, *, base: dt.date, basis: str) -> list[SurvivalFollowUp]:
    """6/12/24-month follow-ups from `base`; the first trigger (award or start of operations) wins."""
    out = []
    for months in SURVIVAL_MONTHS:
        fu, _created = SurvivalFollowUp.objects.get_or_create(
            initiative=ini, months=months, defaults={"due_on": add_months(base, months), "basis": basis})
        out.append(fu)
    return out


def record_survival(*, actor, follow_up_id, operating: bool, jobs: int | None = None, monthly_sales=None,
                    notes: str = "", on: dt.date | None = None) -> SurvivalFollowUp:
    fu = SurvivalFollowUp.objects.filter(pk=follow_up_id).first()
    if fu is None:
        raise OutOfScope(_("Seguimiento no encontrado."), field="follow_up")
    ini = _initiative(actor, fu.initiative_id)
    if fu.done_on is not None:
        raise ValidationFailed(_("El seguimiento de %(n)d meses ya se registró el %(d)s.") % {"n": fu.months, "d": fu.done_on},
                               field="follow_up")
    if operating is None:
        raise ValidationFailed(_("Indique si la iniciativa sigue operando."), field="operating")
    if jobs is not None:
        try:
            jobs = int(jobs)
        except (TypeError, ValueError):
            raise ValidationFailed(_("«%(v)s» no es un número.") % {"v": jobs}, field="jobs") from None
        if not 0 <= jobs <= 100_000:
            raise ValidationFailed(_("El número de empleos no puede ser negativo."), field="jobs")
    sales = parse_amount(monthly_sales, field="monthly_sales")
    with transaction.atomic():
        fu.done_on, fu.operating, fu.jobs, fu.monthly_sales, fu.notes = on or timezone.localdate(), bool(operating), jobs, sales, notes
        fu.save()
        _event(ini, "survival_follow_up", actor, months=fu.months, operating=bool(operating))
        audit.record(actor=actor, action=AuditAction.UPDATE, obj=fu, fields=["operating", "jobs", "monthly_sales"])
    return fu


# --- public catalogue --------------------------------------------------------------------------------------

def _unique_slug(ini: BusinessInitiative) -> str:
    base = slugify(ini.name)[:60] or "iniciativa"
    slug, n = base, 1
    while BusinessInitiative.objects.filter(slug=slug).exclude(pk=ini.pk).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def publish_initiative(*, actor, initiative_id, public: bool = True, contact: dict | None = None) -> BusinessInitiative:
    """Opt in (or out) of the public catalogue, with the public contact details."""
    ini = _initiative(actor, initiative_id)
    contact = contact or {}
    fields = ["public"]
    for key in ("public_description", "whatsapp", "phone", "email", "address", "delivery_area", "certifications"):
        if key in contact:
            setattr(ini, key, (contact[key] or "").strip())
            fields.append(key)
    if ini.whatsapp and not ini.whatsapp_url:
        raise ValidationFailed(_("El número de WhatsApp debe tener dígitos."), field="whatsapp")
    if public and not (ini.whatsapp or ini.phone or ini.email):
        raise ValidationFailed(_("Para publicar, indique al menos un contacto (WhatsApp, teléfono o correo)."), field="whatsapp")
    with transaction.atomic():
        ini.public = public
        if public and not ini.slug:
            ini.slug = _unique_slug(ini)
            fields.append("slug")
        ini.save(update_fields=fields)
        catalog.index_initiative(ini)
        _event(ini, "published" if public else "unpublished", actor)
        audit.record(actor=actor, action=AuditAction.UPDATE, obj=ini, fields=fields)
    return ini


def _product_values(data: dict) -> dict:
    name = (data.get("name") or "").strip()
    if not name:
        raise ValidationFailed(_("El nombre del producto es obligatorio."), field="name")
    pmin = parse_amount(data.get("price_min"), field="price_min")
    pmax = parse_amount(data.get("price_max"), field="price_max")
    if pmin is not None and pmax is not None and pmax < pmin:
        raise ValidationFailed(_("El precio «hasta» (%(b)s) es menor que el precio «desde» (%(a)s).") % {"a": pmin, "b": pmax},
                               field="price_max")
    kind = data.get("kind") or "product"
    if kind not in ("product", "service"):
        raise ValidationFailed(_("Tipo desconocido: «%(k)s».") % {"k": kind}, field="kind")
    return {"name": name, "description": (data.get("description") or "").strip(), "price_min": pmin, "price_max": pmax,
            "unit": (data.get("unit") or "").strip(), "kind": kind}


def add_product(*, actor, initiative_id, data: dict, photos: list[tuple[str, bytes]] = ()) -> Product:
    ini = _initiative(actor, initiative_id)
    values = _product_values(data)
    cleaned = [(name, clean_photo(raw, filename=name)) for name, raw in photos]  # validate all before writing
    with transaction.atomic():
        product = Product(initiative=ini, **values)
        product.search_text = catalog.search_text(product, ini)
        product.save()
        for _name, (jpeg, w, h) in cleaned:
            ProductPhoto.objects.create(product=product, data=jpeg, width=w, height=h)
        catalog.index_initiative(ini)
        _event(ini, "product_added", actor, product=product.name)
        audit.record(actor=actor, action=AuditAction.CREATE, obj=product)
    return product


def update_product(*, actor, product_id, data: dict) -> Product:
    product = Product.objects.filter(pk=product_id).first()
    if product is None:
        raise OutOfScope(_("Producto no encontrado."), field="product")
    ini = _initiative(actor, product.initiative_id)
    values = _product_values({**{k: getattr(product, k) for k in ("name", "description", "price_min", "price_max", "unit", "kind")},
                              **data})
    with transaction.atomic():
        for k, v in values.items():
            setattr(product, k, v)
        if "active" in data:
            product.active = bool(data["active"])
        product.search_text = catalog.search_text(product, ini)
        product.save()
        catalog.index_initiative(ini)
        audit.record(actor=actor, action=AuditAction.UPDATE, obj=product, fields=list(data))
    return product


def add_product_photo(*, actor, product_id, data: bytes, filename: str = "") -> ProductPhoto:
    product = Product.objects.filter(pk=product_id).first()
    if product is None:
        raise OutOfScope(_("Producto no encontrado."), field="product")
    _initiative(actor, product.initiative_id)
    jpeg, w, h = clean_photo(data, filename=filename)
    with transaction.atomic():
        photo = ProductPhoto.objects.create(product=product, data=jpeg, width=w, height=h)
        audit.record(actor=actor, action=AuditAction.CREATE, obj=photo)
    return photo


# --- supplier development ----------------------------------------------------------------------------------

def _entity_in_scope(actor, entity: Organization) -> bool:
    """A public entity buys in the actor's territories (or has no territory of its own)."""
    from siee.core.selectors import scope_territory_ids

    scope = scope_territory_ids(actor) if actor is not None else None
    if scope is None:
        return True
    own = set(entity.territories.values_list("pk", flat=True))
    return not own or bool(own & scope)


def create_need(*, actor, data: dict, skill_ids: list[int] = ()) -> ProcurementNeed:
    """A buyer's procurement need: `buyer_employer_id` (an employer in scope) or `buyer_entity_id` (a public entity)."""
    _require_staff(actor)
    employer = entity = None
    if data.get("buyer_employer_id"):
        from siee.employers.models import Employer
        from siee.employers.selectors import get_employer_for

        employer = get_employer_for(actor, data["buyer_employer_id"]) if actor else Employer.objects.get(pk=data["buyer_employer_id"])
    elif data.get("buyer_entity_id"):
        entity = Organization.objects.filter(pk=data["buyer_entity_id"]).first()
        if entity is None or not _entity_in_scope(actor, entity):
            raise OutOfScope(_("Entidad compradora no encontrada."), field="buyer_entity_id")
    else:
        raise ValidationFailed(_("Indique el comprador (empleador o entidad pública)."), field="buyer")
    title = (data.get("title") or "").strip()
    if not title:
        raise ValidationFailed(_("Describa el bien o servicio requerido."), field="title")
    municipality = _territory(data["municipality_code"]) if data.get("municipality_code") else employer.municipality if employer else None
    if municipality is None:
        raise ValidationFailed(_("Indique el municipio de la necesidad."), field="municipality_code")
    _check_territory_scope(actor, municipality)
    skills = list(Skill.objects.filter(pk__in=list(skill_ids)))
    if len(skills) != len(set(skill_ids)):
        raise ValidationFailed(_("Alguna habilidad requerida no existe en la taxonomía."), field="skills")
    starts_on = data.get("starts_on") or timezone.localdate()
    ends_on = data.get("ends_on")
    if ends_on and ends_on < starts_on:
        raise ValidationFailed(_("La fecha final es anterior a la inicial."), field="ends_on")
    with transaction.atomic():
        need = ProcurementNeed.objects.create(
            buyer_employer=employer, buyer_entity=entity, title=title, description=data.get("description", ""),
            kind=data.get("kind", "product"), sector=_sector(data.get("sector")),
            quantity=parse_amount(data.get("quantity"), field="quantity"), unit=data.get("unit", ""),
            frequency=data.get("frequency", ""), quality_requirements=data.get("quality_requirements", ""),
            certifications=data.get("certifications", ""), municipality=municipality,
            local_only=bool(data.get("local_only")), starts_on=starts_on, ends_on=ends_on,
            budget=parse_amount(data.get("budget"), field="budget"), created_at=data.get("created_at") or _now(),
            created_by=_user(actor))
        need.skills.set(skills)
        audit.record(actor=actor, action=AuditAction.CREATE, obj=need)
    return need


def record_supplier_step(*, actor, need_id, initiative_id, step: str, value=None, note: str = "") -> SupplierInteraction:
    """Introduction, quote, deal closed (with its value) or declined, between a need's buyer and a supplier."""
    _require_staff(actor)
    need = get_need_for(actor, need_id) if actor else ProcurementNeed.objects.get(pk=need_id)
    ini = _initiative(actor, initiative_id)
    if step not in SupplierStep.values:
        raise ValidationFailed(_("Paso desconocido: «%(s)s».") % {"s": step}, field="step")
    if not suppliers.supplier_allowed(need, ini):
        raise ValidationFailed(
            _("La necesidad «%(n)s» solo admite proveedores de %(t)s y «%(i)s» está en %(m)s.")
            % {"n": need.title, "t": need.municipality.name, "i": ini.name, "m": ini.municipality.name}, field="initiative")
    amount = parse_amount(value, field="value")
    if step in (SupplierStep.DEAL, SupplierStep.QUOTE) and amount is None:
        raise ValidationFailed(_("Indique el valor de la cotización o del negocio."), field="value")
    if need.status != NeedStatus.OPEN:
        raise ValidationFailed(_("La necesidad está cerrada."), field="need")
    score = suppliers.score_supplier(need, ini)["score"]
    with transaction.atomic():
        row = SupplierInteraction.objects.create(need=need, initiative=ini, step=step, value=amount, at=_now(),
                                                 note=note, score=score, recorded_by=_user(actor))
        _event(ini, f"supplier_{step}", actor, need=need.title, buyer=need.buyer_name,
               value=str(amount) if amount is not None else None)
        audit.record(actor=actor, action=AuditAction.CREATE, obj=row, detail={"step": step})
    return row


def procurement_skill_demand(*, territory_ids: set[int] | None, start: dt.date, end: dt.date) -> dict[int, float]:
    """Skill pk -> demand weight from open procurement needs active between `start` and `end` in those territories.

    Each open need adds 1.0 to each skill it requires. A skill also weighs 0.25 for every candidate supplier
    (ranked for the need by `siee.enterprise.suppliers`) whose team lacks it: gaps that block local suppliers.
    `territory_ids=None` means everywhere.
    """
    from django.db.models import Q

    qs = ProcurementNeed.objects.filter(status=NeedStatus.OPEN, starts_on__lte=end).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=start))
    if territory_ids is not None:
        qs = qs.filter(municipality_id__in=list(territory_ids))
    demand: dict[int, float] = defaultdict(float)
    for need in qs.prefetch_related("skills"):
        required = {s.pk for s in need.skills.all()}
        if not required:
            continue
        for pk in required:
            demand[pk] += 1.0
        for ini in suppliers.candidates(need):
            for pk in required - suppliers.team_skill_ids(ini):
                demand[pk] += 0.25
    return dict(demand)


# --- business events ---------------------------------------------------------------------------------------

def create_event(*, actor, name: str, date: dt.date, municipality_code: str, kind: str = "fair", place: str = "") -> BusinessEvent:
    _require_staff(actor)
    if not (name or "").strip():
        raise ValidationFailed(_("El evento necesita un nombre."), field="name")
    if kind not in EventKind.values:
        raise ValidationFailed(_("Tipo de evento desconocido: «%(k)s».") % {"k": kind}, field="kind")
    if not date:
        raise ValidationFailed(_("Indique la fecha del evento."), field="date")
    municipality = _territory(municipality_code)
    _check_territory_scope(actor, municipality)
    with transaction.atomic():
        event = BusinessEvent.objects.create(name=name.strip(), kind=kind, date=date, place=place, municipality=municipality,
                                             organization=getattr(actor, "organization", None))
        audit.record(actor=actor, action=AuditAction.CREATE, obj=event)
    return event


def _event_obj(actor, event_id) -> BusinessEvent:
    from siee.enterprise.selectors import get_event_for

    if actor is not None:
        return get_event_for(actor, event_id)
    event = BusinessEvent.objects.filter(pk=event_id).first()
    if event is None:
        raise OutOfScope(_("Evento no encontrado."), field="event")
    return event


PARTICIPANT_FIELD = {ParticipantRole.EXHIBITOR: "initiative_id", ParticipantRole.BUYER: "employer_id",
                     ParticipantRole.VISITOR: "person_id"}


def _employer(actor, employer_id, field: str = "employer_id"):
    from siee.employers.models import Employer
    from siee.employers.selectors import get_employer_for

    if actor is not None:
        try:
            return get_employer_for(actor, employer_id)
        except OutOfScope:
            raise OutOfScope(_("Empleador no encontrado."), field=field) from None
    employer = Employer.objects.filter(pk=employer_id).first()
    if employer is None:
        raise OutOfScope(_("Empleador no encontrado."), field=field)
    return employer


def add_participant(*, actor, event_id, role: str, initiative_id=None, employer_id=None, person_id=None,
                    attended: bool = False) -> EventParticipant:
    """Register an exhibiting initiative, a buyer (employer) or a visitor (person, or a company's staff) at an
    event, once each."""
    event = _event_obj(actor, event_id)
    if role not in ParticipantRole.values:
        raise ValidationFailed(_("Rol de participante desconocido: «%(r)s».") % {"r": role}, field="role")
    given = [k for k, v in (("initiative_id", initiative_id), ("employer_id", employer_id), ("person_id", person_id)) if v]
    if not given:
        raise ValidationFailed(_("Indique quién participa como «%(r)s».") % {"r": ParticipantRole(role).label},
                               field=PARTICIPANT_FIELD[role])
    if len(given) > 1:
        raise ValidationFailed(_("Un participante es una iniciativa, un comprador o una persona, con su rol."), field="role")
    if (role == ParticipantRole.EXHIBITOR) != (given[0] == "initiative_id"):
        raise ValidationFailed(_("Las iniciativas participan como expositoras, y los expositores son iniciativas."),
                               field="role")
    ini = _initiative(actor, initiative_id) if initiative_id else None
    person = _person(actor, person_id) if person_id else None
    employer = _employer(actor, employer_id) if employer_id else None
    who = {"initiative": ini} if ini else {"employer": employer} if employer else {"person": person}
    if event.participants.filter(**who).exists():
        raise ValidationFailed(_("«%(n)s» ya está inscrito en el evento.") % {"n": _participant_name(**who)},
                               field=given[0])
    with transaction.atomic():
        p = EventParticipant.objects.create(event=event, role=role, attended=attended, **who)
        if ini:
            _event(ini, "event_participation", actor, event=event.name)
        audit.record(actor=actor, action=AuditAction.CREATE, obj=p)
    return p


def _participant_name(*, initiative=None, employer=None, person=None) -> str:
    return initiative.name if initiative else employer.name if employer else person.full_name


def mark_attendance(*, actor, participant_id, attended: bool = True, event_id=None) -> EventParticipant:
    p = EventParticipant.objects.filter(pk=participant_id).first()
    if p is None or (event_id is not None and str(p.event_id) != str(event_id)):
        raise OutOfScope(_("Participante no encontrado."), field="participant")
    _event_obj(actor, p.event_id)
    with transaction.atomic():
        p.attended = attended
        p.save(update_fields=["attended"])
        audit.record(actor=actor, action=AuditAction.UPDATE, obj=p, fields=["attended"])
    return p


def record_event_contact(*, actor, event_id, initiative_id, employer_id=None, person_id=None, is_deal: bool = False,
                         value=None, note: str = "") -> EventContact:
    """A business contact (or a deal, with its value) made at the event between an initiative and a buyer or a
    person; the buyer and the person are looked up in the actor's scope."""
    event = _event_obj(actor, event_id)
    if not initiative_id:
        raise ValidationFailed(_("Indique la iniciativa."), field="initiative_id")
    ini = _initiative(actor, initiative_id)
    if employer_id and person_id:
        raise ValidationFailed(_("El contacto es con un comprador o con una persona, no con ambos."), field="person_id")
    employer = _employer(actor, employer_id) if employer_id else None
    person = _person(actor, person_id) if person_id else None
    amount = parse_amount(value, field="value")
    if is_deal and amount is None:
        raise ValidationFailed(_("Indique el valor del negocio."), field="value")
    with transaction.atomic():
        c = EventContact.objects.create(event=event, initiative=ini, employer=employer, person=person,
                                        is_deal=is_deal, value=amount, note=(note or "").strip()[:300])
        _event(ini, "event_deal" if is_deal else "event_contact", actor, event=event.name,
               value=str(amount) if amount is not None else None)
        audit.record(actor=actor, action=AuditAction.CREATE, obj=c)
    return c


# --- route between job seeking and self-employment ---------------------------------------------------------

def refer_to_entrepreneurship(*, actor, person_id, reason: str = "") -> RouteReferral:
    """A counsellor sends a job seeker to the entrepreneurship route; the same person record continues."""
    _require_staff(actor)
    person = _person(actor, person_id)
    with transaction.atomic():
        ref = RouteReferral.objects.create(person=person, direction=RouteDirection.TO_ENTREPRENEURSHIP, at=_now(),
                                           by=_user(actor), reason=reason)
        _person_event(person, "referred_to_entrepreneurship", actor, reason=reason, referral_id=ref.pk)
        audit.record(actor=actor, action=AuditAction.CREATE, obj=ref)
    return ref


def refer_to_employment(*, actor, person_id, reason: str = "", initiative_id=None) -> RouteReferral:
    """Back from the entrepreneurship route to job seeking (e.g. the business closed); the person becomes active."""
    from siee.people.models import PersonStatus

    _require_staff(actor)
    person = _person(actor, person_id)
    ini = _initiative(actor, initiative_id) if initiative_id else None
    with transaction.atomic():
        ref = RouteReferral.objects.create(person=person, direction=RouteDirection.TO_EMPLOYMENT, at=_now(),
                                           by=_user(actor), reason=reason, initiative=ini)
        if person.status not in (PersonStatus.ACTIVE, PersonStatus.MERGED):
            person.status = PersonStatus.ACTIVE
            person.save(update_fields=["status"])
        _person_event(person, "referred_to_employment", actor, reason=reason, referral_id=ref.pk,
                      initiative_id=ini.pk if ini else None)
        if ini:
            _event(ini, "owner_referred_to_employment", actor, person_id=person.pk)
        audit.record(actor=actor, action=AuditAction.CREATE, obj=ref)
    return ref


def route_of(person: Person) -> str:
    """Which route a person is on now: 'entrepreneurship' or 'employment' (the last referral decides)."""
    last = person.route_referrals.order_by("-at", "-id").first()
    return "entrepreneurship" if last and last.direction == RouteDirection.TO_ENTREPRENEURSHIP else "employment"



def move_person_records(*, actor, keep: Person, merged: Person) -> dict:
    """Part of merging two records of the same person (`siee.people.services.merge_people`, inside its
    transaction): the merged record's initiatives (ownership and team memberships), route referrals and business
    event participation move to the kept record, each moved initiative gets a timeline event, and nothing is lost.
    A membership (or event registration) the kept record already had is kept, taking the owner's role when the
    merged record owned the initiative. Returns counts of what moved."""
    counts = {"owned": 0, "memberships": 0, "referrals": 0, "event_participations": 0, "event_contacts": 0}
    owned = list(BusinessInitiative.objects.filter(owner=merged))
    for ini in owned:
        ini.owner = keep
        ini.save(update_fields=["owner"])
    counts["owned"] = len(owned)
    touched = {ini.pk: ini for ini in owned}
    owned_ids = set(touched)
    for m in TeamMember.objects.filter(person=merged).select_related("initiative"):
        existing = TeamMember.objects.filter(initiative_id=m.initiative_id, person=keep).first()
        if existing is None:
            m.person = keep
            m.save(update_fields=["person"])
        else:
            if m.initiative_id in owned_ids or not existing.role:
                existing.role = m.role or existing.role
                existing.save(update_fields=["role"])
            m.delete()
        touched.setdefault(m.initiative_id, m.initiative)
        counts["memberships"] += 1
    for ini in touched.values():
        _event(ini, "person_merged", actor, kept_id=keep.pk, merged_id=merged.pk, owner=ini.pk in owned_ids)
        audit.record(actor=actor, action=AuditAction.UPDATE, obj=ini, fields=["owner"] if ini.pk in owned_ids else ["members"],
                     detail={"merged_id": merged.pk, "kept_id": keep.pk})
    counts["referrals"] = RouteReferral.objects.filter(person=merged).update(person=keep)
    for p in EventParticipant.objects.filter(person=merged):
        existing = EventParticipant.objects.filter(event_id=p.event_id, person=keep).first()
        if existing is None:
            p.person = keep
            p.save(update_fields=["person"])
        else:
            if p.attended and not existing.attended:
                existing.attended = True
                existing.save(update_fields=["attended"])
            p.delete()
        counts["event_participations"] += 1
    counts["event_contacts"] = EventContact.objects.filter(person=merged).update(person=keep)
    return counts
