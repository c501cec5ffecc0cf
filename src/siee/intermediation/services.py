"""Intermediation services: applications, shortlist, referrals, employer feedback, placements, follow-ups.

The only writers of the intermediation models. Each function takes keyword arguments with the acting user,
resolves people and vacancies through the scoped foundation selectors *before* opening its transaction (so the
"denied" audit entry of an out-of-scope attempt survives the refusal), writes atomically, leaves an audit entry
and a timeline event. Errors are `ValidationFailed` with the offending field and an `ErrorCode`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from siee.core import audit
from siee.core.errors import ErrorCode, PermissionDenied, ValidationFailed
from siee.core.models import AuditAction
from siee.employers.models import ContractType, Vacancy, VacancyStatus
from siee.employers.selectors import get_employer_for, get_vacancy_for
from siee.intermediation import notifications
from siee.intermediation.models import (
    FOLLOW_UP_MONTHS,
    REFERRAL_TRANSITIONS,
    Application,
    ApplicationChannel,
    ApplicationStatus,
    FollowUp,
    IntermediationEvent,
    Placement,
    PlacementSource,
    Referral,
    ReferralStatus,
    RejectionReason,
    ShortlistEntry,
)
from siee.intermediation.selectors import get_follow_up_for, get_referral_for
from siee.people.models import Availability, Person, PersonEvent, PersonStatus
from siee.people.selectors import get_person_for

log = logging.getLogger(__name__)

FEEDBACK_STATUSES = (ReferralStatus.INTERVIEWED, ReferralStatus.HIRED, ReferralStatus.REJECTED, ReferralStatus.WITHDRAWN)


# --- helpers -----------------------------------------------------------------------------------------------

def _require_staff(actor) -> None:
    if actor is None or not actor.is_authenticated or not actor.can_read_personal_data:
        raise PermissionDenied(_("Su rol no permite gestionar la intermediación."))


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def _event(kind: str, actor, *, person=None, vacancy=None, referral=None, at=None, **params) -> None:
    IntermediationEvent.objects.create(at=at or timezone.now(), kind=kind, actor=_user(actor), person=person,
                                       vacancy=vacancy, referral=referral, params=params)


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day `months` later, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _check_consent(person: Person) -> None:
    if not person.has_consent():
        raise ValidationFailed(
            _("La persona no ha autorizado el tratamiento de sus datos (habeas data): no puede postularse, "
              "preseleccionarse ni remitirse."), field="consent", code=ErrorCode.CONSENT_REQUIRED)


def _check_available(person: Person) -> None:
    if person.status != PersonStatus.ACTIVE:
        raise ValidationFailed(_("La persona no está activa buscando empleo (estado: %(s)s).") % {"s": person.get_status_display()},
                               field="person")
    if person.availability == Availability.NOT_AVAILABLE:
        raise ValidationFailed(_("La persona no está disponible para trabajar."), field="person")


def _check_vacancy_open(vacancy: Vacancy, today: dt.date | None = None) -> None:
    today = today or timezone.localdate()
    if vacancy.status != VacancyStatus.OPEN:
        raise ValidationFailed(_("La vacante no está abierta (estado: %(s)s).") % {"s": vacancy.get_status_display()},
                               field="vacancy")
    if vacancy.closing_date and vacancy.closing_date < today:
        raise ValidationFailed(_("La convocatoria de la vacante cerró el %(d)s.") % {"d": vacancy.closing_date.isoformat()},
                               field="vacancy")


def _engine_score(actor, vacancy: Vacancy, person: Person) -> dict | None:
    """The matching engine's score and explanation for this one pair, or None when the engine is absent.

    Uses the engine's reference pair scorer over the person's row of the people index (the same formulas as the
    ranked lists). Called outside any transaction: scoring is advisory, so a failure of the engine is logged and
    never blocks a referral (the officer decides).
    """
    try:
        from siee.matching import engine as E
        from siee.matching import explain as X
        from siee.matching import index_store
        from siee.matching.services import active_weights
        from siee.matching.weights import COMPONENTS, ENGINE_VERSION
    except ImportError:
        return None
    try:
        index = index_store.get_people_index()
        row = index.row_of(person.pk)
        if row < 0:
            index_store.refresh_people(index, [person.pk])
            row = index.row_of(person.pk)
        if row < 0:
            return None
        record = index.record(row)
        query = index_store.vacancy_query(index.tax, vacancy)
        weights, version = active_weights(vacancy.organization_id or getattr(actor, "organization_id", None))
        score, components = E.score_pair(index.tax, record, query, weights, index.idf)
        applied = tuple(c for c in COMPONENTS if c != "skills" or query.has_skills)
        explanation = X.explain(index.tax, record, query, weights, score, components, applied)
    except Exception as exc:  # noqa: BLE001 - advisory only, see docstring
        log.warning("matching engine could not score person %s for vacancy %s: %s", person.pk, vacancy.pk, exc)
        return None
    return {"score": round(float(score), 4), "explanation": explanation, "engine_version": ENGINE_VERSION,
            "weights_version": version}


def _match_snapshot(actor, vacancy, person, *, score, explanation, engine_version, weights_version) -> dict:
    """Score and explanation to store: as passed by the caller, else the shortlist's snapshot, else the engine's."""
    if score is not None:
        score = float(score)
        if not 0.0 <= score <= 1.0:
            raise ValidationFailed(_("El puntaje debe estar entre 0 y 1."), field="score")
        return {"score": score, "explanation": dict(explanation or {}), "engine_version": engine_version or "",
                "weights_version": weights_version}
    entry = ShortlistEntry.objects.filter(vacancy=vacancy, person=person).first()
    if entry is not None and entry.score is not None:
        return {"score": entry.score, "explanation": entry.explanation, "engine_version": entry.engine_version,
                "weights_version": entry.weights_version}
    found = _engine_score(actor, vacancy, person)
    if found is not None:
        return found
    return {"score": None, "explanation": dict(explanation or {}), "engine_version": engine_version or "",
            "weights_version": weights_version}


def explanation_text(explanation: dict | None, *, for_employer: bool = False, limit: int = 3) -> str:
    """A short Spanish sentence from an explanation: its summary, reasons or matched skills."""
    if not explanation:
        return ""
    if for_employer:
        explanation = explanation_for_employer(explanation)
    if isinstance(explanation.get("summary"), str) and explanation["summary"].strip():
        return explanation["summary"].strip()
    reasons = explanation.get("reasons")
    if isinstance(reasons, list) and reasons:
        return "; ".join(str(r) for r in reasons[:limit]) + "."
    skills = explanation.get("matched_skills")
    if isinstance(skills, list) and skills:
        names = [s.get("label", "") if isinstance(s, dict) else str(s) for s in skills[:limit]]
        return _("Habilidades que coinciden: %(s)s.") % {"s": ", ".join(n for n in names if n)}
    return ""


SENSITIVE_EXPLANATION_KEYS = {"migration_status", "migrant", "disability", "ethnicity", "conflict_victim", "sex",
                              "gender", "document", "document_number", "birth_date", "age", "barriers"}


def explanation_for_employer(explanation: dict) -> dict:
    """The employer's view of an explanation: the engine's own filter when available, else sensitive keys removed."""
    try:
        from siee.matching.services import explanation_for_employer as engine_filter
    except ImportError:
        engine_filter = None
    if engine_filter is not None:
        return engine_filter(explanation)
    return {k: v for k, v in (explanation or {}).items() if k not in SENSITIVE_EXPLANATION_KEYS}


def _percent(score) -> str:
    return "sin puntaje" if score is None else f"{round(score * 100)} %"


def _agency_name(actor) -> str:
    org = getattr(actor, "organization", None)
    return org.name if org is not None else _("La agencia de empleo")


def _person_counsellor(person: Person, actor):
    """The counsellor who registered the person, if still active with the role; else the acting user."""
    from siee.core.models import Role, User

    event = PersonEvent.objects.filter(person=person, kind="registered", actor__isnull=False).order_by("at", "id").first()
    if event is not None:
        user = User.objects.filter(pk=event.actor_id, is_active=True, role=Role.COUNSELLOR).first()
        if user is not None:
            return user
    return _user(actor)


# --- applications ------------------------------------------------------------------------------------------

def apply_to_vacancy(*, actor, vacancy_id, person_id=None, note: str = "", today: dt.date | None = None) -> Application:
    """A job seeker applies to a vacancy (self-service), or staff register the application on their behalf."""
    if actor is not None and getattr(actor, "role", "") == "job_seeker":
        own = Person.objects.filter(user=actor).first()
        if own is None:
            raise PermissionDenied(_("Su cuenta no tiene un perfil de persona."))
        person = get_person_for(actor, person_id or own.pk)
        channel = ApplicationChannel.SELF_SERVICE
    else:
        _require_staff(actor)
        if not person_id:
            raise ValidationFailed(_("Indique la persona."), field="person_id")
        person = get_person_for(actor, person_id)
        channel = ApplicationChannel.STAFF
    vacancy = get_vacancy_for(actor, vacancy_id)
    _check_consent(person)
    _check_vacancy_open(vacancy, today)
    if person.status == PersonStatus.MERGED:
        raise ValidationFailed(_("Ese registro fue fusionado en otro."), field="person")
    with transaction.atomic():
        if Application.objects.filter(person=person, vacancy=vacancy).exists():
            raise ValidationFailed(_("La persona ya se postuló a esta vacante."), field="vacancy", code=ErrorCode.DUPLICATE)
        application = Application.objects.create(person=person, vacancy=vacancy, channel=channel, created_by=_user(actor),
                                                 created_at=timezone.now(), note=(note or "")[:500])
        _event("applied", actor, person=person, vacancy=vacancy, channel=channel)
        audit.record(actor=actor, action=AuditAction.CREATE, obj=application, fields=["person", "vacancy", "channel"])
    return application


# --- shortlist ---------------------------------------------------------------------------------------------

def shortlist_candidate(*, actor, vacancy_id, person_id, score: float | None = None, explanation: dict | None = None,
                        engine_version: str = "", weights_version: int | None = None, note: str = "",
                        today: dt.date | None = None) -> ShortlistEntry:
    """Preselect a person for a vacancy, keeping the score and explanation the officer saw."""
    _require_staff(actor)
    person = get_person_for(actor, person_id)
    vacancy = get_vacancy_for(actor, vacancy_id)
    _check_consent(person)
    _check_vacancy_open(vacancy, today)
    if ShortlistEntry.objects.filter(vacancy=vacancy, person=person).exists():
        raise ValidationFailed(_("La persona ya está preseleccionada para esta vacante."), field="person_id",
                               code=ErrorCode.DUPLICATE)
    snap = _match_snapshot(actor, vacancy, person, score=score, explanation=explanation,
                           engine_version=engine_version, weights_version=weights_version)
    with transaction.atomic():
        entry = ShortlistEntry.objects.create(vacancy=vacancy, person=person, added_by=_user(actor), added_at=timezone.now(),
                                              note=(note or "")[:500], **snap)
        Application.objects.filter(person=person, vacancy=vacancy, status=ApplicationStatus.SUBMITTED).update(
            status=ApplicationStatus.SHORTLISTED)
        _event("shortlisted", actor, person=person, vacancy=vacancy, score=entry.score)
        audit.record(actor=actor, action=AuditAction.CREATE, obj=entry, fields=["vacancy", "person", "score"])
    return entry


def remove_from_shortlist(*, actor, vacancy_id, person_id) -> None:
    _require_staff(actor)
    person = get_person_for(actor, person_id)
    vacancy = get_vacancy_for(actor, vacancy_id)
    with transaction.atomic():
        entry = ShortlistEntry.objects.filter(vacancy=vacancy, person=person).first()
        if entry is None:
            raise ValidationFailed(_("La persona no está preseleccionada para esta vacante."), field="person_id",
                                   code=ErrorCode.NOT_FOUND)
        entry_id = entry.pk
        entry.delete()
        Application.objects.filter(person=person, vacancy=vacancy, status=ApplicationStatus.SHORTLISTED).update(
            status=ApplicationStatus.SUBMITTED)
        _event("shortlist_removed", actor, person=person, vacancy=vacancy)
        audit.record(actor=actor, action=AuditAction.DELETE, object_type="shortlistentry", object_id=entry_id,
                     detail={"vacancy": vacancy.pk, "person": person.pk})


# --- referrals ---------------------------------------------------------------------------------------------

def refer_person_to_vacancy(*, actor, vacancy_id, person_id, score: float | None = None,
                            explanation: dict | None = None, engine_version: str | None = None,
                            weights_version: int | None = None, notes: str = "", notify: bool = True,
                            today: dt.date | None = None) -> Referral:
    """Remisión: send a person to the vacancy's employer.

    Requires consent, an open vacancy, an active and available person, and no live referral of the same pair.
    Records the score, explanation, engine and weights versions (as passed, else from the shortlist, else from
    the matching engine), and notifies the person and the employer (the employer's copy carries no sensitive data).
    """
    _require_staff(actor)
    person = get_person_for(actor, person_id)
    vacancy = get_vacancy_for(actor, vacancy_id)
    _check_consent(person)
    _check_vacancy_open(vacancy, today)
    _check_available(person)
    if Referral.objects.filter(person=person, vacancy=vacancy).exclude(status=ReferralStatus.WITHDRAWN).exists():
        raise ValidationFailed(_("La persona ya fue remitida a esta vacante."), field="person_id", code=ErrorCode.DUPLICATE)
    snap = _match_snapshot(actor, vacancy, person, score=score, explanation=explanation,
                           engine_version=engine_version, weights_version=weights_version)
    with transaction.atomic():
        application = Application.objects.filter(person=person, vacancy=vacancy).first()
        referral = Referral.objects.create(person=person, vacancy=vacancy, application=application,
                                           referred_by=_user(actor), referred_at=timezone.now(),
                                           notes=(notes or "")[:1000], **snap)
        if application is not None and application.status != ApplicationStatus.WITHDRAWN:
            application.status = ApplicationStatus.REFERRED
            application.save(update_fields=["status"])
        _event("referred", actor, person=person, vacancy=vacancy, referral=referral, score=referral.score,
               engine_version=referral.engine_version, weights_version=referral.weights_version)
        audit.record(actor=actor, action=AuditAction.CREATE, obj=referral,
                     fields=["person", "vacancy", "score", "explanation", "engine_version", "weights_version"])
        if notify:
            notify_referral(actor=actor, referral=referral)
    return referral


def notify_referral(*, actor, referral: Referral) -> list:
    """Messages for a new referral: one to the person, one to the employer (no sensitive data)."""
    person, vacancy = referral.person, referral.vacancy
    employer = vacancy.employer
    common = {"vacancy_title": vacancy.title, "vacancy_code": vacancy.code, "employer_name": employer.name,
              "municipality": vacancy.municipality.display_name(), "agency": _agency_name(actor),
              "score": _percent(referral.score)}
    reasons_person = explanation_text(referral.explanation)
    reasons_employer = explanation_text(referral.explanation, for_employer=True)
    sent = [
        notifications.send(template="referred_person", person=person, related=referral, context={
            **common, "first_name": person.first_names.split(" ")[0],
            "reasons": f" {reasons_person}" if reasons_person else ""}),
        notifications.send(template="referred_employer", employer=employer, related=referral, context={
            **common, "contact_name": employer.contact_name or employer.name, "person_name": person.full_name,
            "reasons": f" {reasons_employer}" if reasons_employer else ""}),
    ]
    _event("notified", actor, person=person, vacancy=vacancy, referral=referral,
           notifications=[n.pk for n in sent], statuses=[n.status for n in sent])
    return sent


def notify_vacancy_match(*, actor, person_id, vacancy_id, score: float | None = None,
                         explanation: dict | None = None):
    """Tell a person that a vacancy matches their profile."""
    _require_staff(actor)
    person = get_person_for(actor, person_id)
    vacancy = get_vacancy_for(actor, vacancy_id)
    _check_consent(person)
    _check_vacancy_open(vacancy)
    if score is None:
        found = _engine_score(actor, vacancy, person)
        if found is not None:
            score, explanation = found["score"], found["explanation"]
    reasons = explanation_text(explanation)
    with transaction.atomic():
        notification = notifications.send(template="vacancy_match", person=person, related=vacancy, context={
            "first_name": person.first_names.split(" ")[0], "vacancy_title": vacancy.title,
            "municipality": vacancy.municipality.display_name(), "agency": _agency_name(actor),
            "score": _percent(score), "reasons": f" {reasons}" if reasons else ""})
        _event("vacancy_match_notified", actor, person=person, vacancy=vacancy, notification=notification.pk)
        audit.record(actor=actor, action=AuditAction.CREATE, obj=notification, fields=["template", "person"])
    return notification


def record_employer_feedback(*, actor, referral_id, status: str, reason: str = "", detail: str = "",
                             notes: str = "") -> Referral:
    """Employer feedback on a referred candidate: interviewed, hired, rejected (with a reason) or withdrawn.

    Valid transitions only: referred → interviewed → hired | rejected | withdrawn; hired, rejected and withdrawn
    are final.
    """
    if actor is None or getattr(actor, "role", "") != "employer":
        _require_staff(actor)
    referral = get_referral_for(actor, referral_id)
    if status not in FEEDBACK_STATUSES:
        raise ValidationFailed(_("Estado no válido: %(s)s. Use: %(v)s.") % {"s": status, "v": ", ".join(FEEDBACK_STATUSES)},
                               field="status")
    if status not in REFERRAL_TRANSITIONS[referral.status]:
        raise ValidationFailed(
            _("No se puede pasar de «%(a)s» a «%(b)s».") % {"a": referral.get_status_display(),
                                                          "b": ReferralStatus(status).label},
            field="status")
    if status == ReferralStatus.REJECTED:
        if reason not in RejectionReason.values:
            raise ValidationFailed(_("Indique el motivo del rechazo: %(v)s.") % {"v": ", ".join(RejectionReason.values)},
                                   field="reason")
        if reason == RejectionReason.OTHER and not (detail or "").strip():
            raise ValidationFailed(_("Describa el motivo del rechazo."), field="detail")
    elif reason:
        raise ValidationFailed(_("El motivo solo se registra cuando la persona no fue seleccionada."), field="reason")
    now = timezone.now()
    with transaction.atomic():
        # Conditional update: two officers recording feedback at once cannot both move the same referral.
        previous = referral.status
        changes = {"status": status, "feedback_by": _user(actor)}
        if status == ReferralStatus.INTERVIEWED:
            changes["interviewed_at"] = now
        else:
            changes["decided_at"] = now
        if status == ReferralStatus.REJECTED:
            changes.update(rejection_reason=reason, rejection_detail=(detail or "")[:500])
        if notes:
            changes["notes"] = (f"{referral.notes}\n{notes}" if referral.notes else notes)[:1000]
        if Referral.objects.filter(pk=referral.pk, status=previous).update(**changes) != 1:
            raise ValidationFailed(_("La remisión cambió mientras tanto; vuelva a cargarla."), field="status")
        referral.refresh_from_db()
        _event(f"feedback_{status}", actor, person=referral.person, vacancy=referral.vacancy, referral=referral,
               previous=previous, reason=reason, detail=detail)
        audit.record(actor=actor, action=AuditAction.UPDATE, obj=referral, fields=list(changes),
                     detail={"from": previous, "to": status})
    return referral


# --- placements and follow-ups -----------------------------------------------------------------------------

def _clean_placement_terms(start_date, contract_type, monthly_wage, hours_per_week) -> tuple:
    from siee.lib import parse

    try:
        start = parse.parse_date(start_date)
    except ValueError as exc:
        raise ValidationFailed(f"start_date: {exc}", field="start_date") from None
    if start is None:
        raise ValidationFailed(_("Indique la fecha de inicio."), field="start_date")
    if start > timezone.localdate() + dt.timedelta(days=366):
        raise ValidationFailed(_("La fecha de inicio está a más de un año."), field="start_date")
    if start < dt.date(1990, 1, 1):
        raise ValidationFailed(_("La fecha de inicio es anterior a 1990."), field="start_date")
    if contract_type not in ContractType.values:
        raise ValidationFailed(_("Tipo de contrato desconocido: %(c)s. Use: %(v)s.") % {
            "c": contract_type, "v": ", ".join(ContractType.values)}, field="contract_type")
    try:
        wage = parse.parse_int(monthly_wage, minimum=1, maximum=1_000_000_000)
    except ValueError as exc:
        raise ValidationFailed(f"monthly_wage: {exc}", field="monthly_wage") from None
    if wage is None:
        raise ValidationFailed(_("Indique el salario mensual."), field="monthly_wage")
    try:
        hours = parse.parse_int(hours_per_week, minimum=1, maximum=84)
    except ValueError as exc:
        raise ValidationFailed(f"hours_per_week: {exc}", field="hours_per_week") from None
    return start, wage, hours


def record_placement(*, actor, start_date, contract_type: str, monthly_wage, referral_id=None, person_id=None,
                     vacancy_id=None, employer_id=None, formal: bool = True, hours_per_week=None) -> Placement:
    """Colocación, from a hired referral (referral_id) or direct (person_id with vacancy_id or employer_id).

    Creates the follow-ups at +1, +3, +6 and +12 months from the start date, assigned to the person's counsellor
    (else the acting user); sets the person employed; marks the vacancy filled when its posts are all placed.
    """
    _require_staff(actor)
    start, wage, hours = _clean_placement_terms(start_date, contract_type, monthly_wage, hours_per_week)
    referral = None
    if referral_id:
        referral = get_referral_for(actor, referral_id)
        if referral.status != ReferralStatus.HIRED:
            raise ValidationFailed(
                _("Solo se registra la colocación de una remisión contratada (estado actual: %(s)s).")
                % {"s": referral.get_status_display()}, field="referral_id")
        if Placement.objects.filter(referral=referral).exists():
            raise ValidationFailed(_("Esta remisión ya tiene una colocación."), field="referral_id", code=ErrorCode.DUPLICATE)
        person, vacancy = referral.person, referral.vacancy
        employer = vacancy.employer
    else:
        if not person_id:
            raise ValidationFailed(_("Indique la remisión o la persona."), field="referral_id")
        person = get_person_for(actor, person_id)
        vacancy = get_vacancy_for(actor, vacancy_id) if vacancy_id else None
        if vacancy is not None:
            employer = vacancy.employer
        elif employer_id:
            employer = get_employer_for(actor, employer_id)
        else:
            raise ValidationFailed(_("Indique la vacante o el empleador."), field="employer_id")
        _check_consent(person)
    if hours is None:
        hours = vacancy.hours_per_week if vacancy is not None else 48
    assignee = _person_counsellor(person, actor)
    with transaction.atomic():
        placement = Placement.objects.create(
            person=person, vacancy=vacancy, employer=employer, referral=referral,
            source=PlacementSource.REFERRAL if referral else PlacementSource.DIRECT, start_date=start,
            contract_type=contract_type, monthly_wage=wage, formal=bool(formal), hours_per_week=hours,
            recorded_by=_user(actor), recorded_at=timezone.now())
        FollowUp.objects.bulk_create([
            FollowUp(placement=placement, months_after=m, due_date=add_months(start, m), assigned_to=assignee)
            for m in FOLLOW_UP_MONTHS])
        if person.status != PersonStatus.EMPLOYED:
            Person.objects.filter(pk=person.pk).update(status=PersonStatus.EMPLOYED, updated_at=timezone.now())
            PersonEvent.objects.create(person=person, kind="placed", actor=_user(actor),
                                       params={"placement": placement.pk, "employer": employer.name})
            audit.record(actor=actor, action=AuditAction.UPDATE, obj=person, fields=["status"],
                         detail={"placement": placement.pk})
        filled = False
        if vacancy is not None and vacancy.status == VacancyStatus.OPEN:
            if Placement.objects.filter(vacancy=vacancy).count() >= vacancy.posts:
                Vacancy.objects.filter(pk=vacancy.pk).update(status=VacancyStatus.FILLED, updated_at=timezone.now())
                audit.record(actor=actor, action=AuditAction.UPDATE, obj=vacancy, fields=["status"],
                             detail={"placement": placement.pk, "to": VacancyStatus.FILLED})
                filled = True
        _event("placed", actor, person=person, vacancy=vacancy, referral=referral, placement=placement.pk,
               start_date=start.isoformat(), vacancy_filled=filled)
        audit.record(actor=actor, action=AuditAction.CREATE, obj=placement,
                     fields=["person", "employer", "start_date", "contract_type", "monthly_wage", "formal"])
    return placement


def complete_follow_up(*, actor, follow_up_id, still_employed: bool, formal: bool | None = None, wage=None,
                       notes: str = "") -> FollowUp:
    """Record the result of a follow-up contact: still employed? formal? wage."""
    _require_staff(actor)
    follow_up = get_follow_up_for(actor, follow_up_id)
    if follow_up.done_at is not None:
        raise ValidationFailed(_("Este seguimiento ya se registró."), field="follow_up_id", code=ErrorCode.DUPLICATE)
    if not isinstance(still_employed, bool):
        raise ValidationFailed(_("Indique si la persona sigue empleada (sí/no)."), field="still_employed")
    from siee.lib import parse

    try:
        wage = parse.parse_int(wage, minimum=0, maximum=1_000_000_000)
    except ValueError as exc:
        raise ValidationFailed(f"wage: {exc}", field="wage") from None
    with transaction.atomic():
        changes = {"done_at": timezone.now(), "done_by": _user(actor), "still_employed": still_employed,
                   "formal": formal, "wage": wage, "notes": (notes or "")[:1000]}
        if FollowUp.objects.filter(pk=follow_up.pk, done_at__isnull=True).update(**changes) != 1:
            raise ValidationFailed(_("Este seguimiento ya se registró."), field="follow_up_id", code=ErrorCode.DUPLICATE)
        follow_up.refresh_from_db()
        placement = follow_up.placement
        _event("follow_up_done", actor, person=placement.person, vacancy=placement.vacancy, referral=placement.referral,
               months_after=follow_up.months_after, still_employed=still_employed, formal=formal, wage=wage)
        audit.record(actor=actor, action=AuditAction.UPDATE, obj=follow_up, fields=list(changes))
    return follow_up
