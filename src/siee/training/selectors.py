"""Reads of training records. Courses, cohorts and opportunities are not personal data: staff see those of their
territories, the public sees published courses. Enrolments are personal data, scoped like the person they concern;
a job seeker sees their own. Anything out of scope is "not found"."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from siee.core import audit
from siee.core.errors import OutOfScope, PermissionDenied
from siee.core.models import AuditAction, Organization, OrganizationKind, Role
from siee.core.selectors import scope_territory_ids
from siee.training.models import (
    SEAT_STATUSES,
    Cohort,
    CohortStatus,
    Course,
    Enrolment,
    Opportunity,
    ResultsContract,
)


def require_staff(user) -> None:
    if user is None or not user.is_authenticated or not user.can_read_personal_data:
        raise PermissionDenied(_("Su rol no permite gestionar la formación."))


def _pk(object_id, message):
    try:
        pk = int(object_id)
    except (TypeError, ValueError):
        raise OutOfScope(message) from None
    if not 0 < pk < 2**63:
        raise OutOfScope(message)
    return pk


def _get(qs: QuerySet, model, user, object_id, message: str):
    pk = _pk(object_id, message)
    obj = qs.filter(pk=pk).first()
    if obj is None:
        if getattr(user, "pk", None) and model.objects.filter(pk=pk).exists():
            audit.record(actor=user, action=AuditAction.DENIED, object_type=model._meta.model_name, object_id=pk,
                         detail={"reason": "out_of_scope"})
        raise OutOfScope(message)
    return obj


# --- providers ------------------------------------------------------------------------------------------------

def providers_for(user) -> QuerySet[Organization]:
    """Training providers that work in the user's territories (one of theirs in scope) or teach a course there."""
    require_staff(user)
    qs = Organization.objects.filter(kind=OrganizationKind.TRAINING_PROVIDER)
    scope = scope_territory_ids(user)
    if scope is not None:
        qs = qs.filter(Q(pk__in=Organization.objects.filter(territories__in=scope).values("pk"))
                       | Q(pk__in=Course.objects.filter(territory_id__in=scope).values("provider_id")))
    return qs.order_by("name", "id")


def provider_list_for(user, *, q: str | None = None) -> QuerySet[Organization]:
    """providers_for with `n_courses` (courses in the user's territories) and `n_contracts` (of the user's agency)."""
    qs = providers_for(user).prefetch_related("territories__parent")
    scope = scope_territory_ids(user)
    course_filter = Q() if scope is None else Q(courses__territory_id__in=scope)
    contract_filter = Q() if user.is_system_admin else Q(training_contracts__organization_id=user.organization_id)
    qs = qs.annotate(n_courses=Count("courses", filter=course_filter, distinct=True),
                     n_contracts=Count("training_contracts", filter=contract_filter, distinct=True))
    if q:
        qs = qs.filter(Q(name__icontains=q.strip()) | Q(tax_id__iexact=q.strip()))
    return qs


def get_provider_for(user, provider_id) -> Organization:
    return _get(providers_for(user), Organization, user, provider_id, _("Proveedor de formación no encontrado."))


# --- courses and cohorts ------------------------------------------------------------------------------------

def courses_for(user, *, q: str | None = None, territory_ids: set[int] | None = None) -> QuerySet[Course]:
    require_staff(user)
    qs = Course.objects.select_related("provider", "territory", "occupation").annotate(n_cohorts=Count("cohorts"))
    scope = scope_territory_ids(user)
    if scope is not None:
        qs = qs.filter(territory_id__in=scope)
    if territory_ids is not None:
        qs = qs.filter(territory_id__in=territory_ids)
    if q:
        text = q.strip()
        matching = Course.objects.filter(Q(title__icontains=text) | Q(code__iexact=text) | Q(skills__label__icontains=text))
        qs = qs.filter(pk__in=matching.values("pk"))  # a subquery: the skills join must not multiply n_cohorts
    return qs.order_by("title", "id")


def get_course_for(user, course_id) -> Course:
    return _get(courses_for(user), Course, user, course_id, _("Curso no encontrado."))


def public_courses(*, territory_ids: set[int] | None = None) -> QuerySet[Course]:
    """Published, active courses with a cohort that still takes enrolments (planned, starting today or later)."""
    today = timezone.localdate()
    qs = (Course.objects.filter(published=True, active=True, cohorts__status=CohortStatus.PLANNED,
                                cohorts__start_date__gte=today)
          .select_related("provider", "territory", "territory__parent").distinct())
    if territory_ids is not None:
        qs = qs.filter(territory_id__in=territory_ids)
    return qs.order_by("title", "id")


def get_public_course(course_id) -> Course:
    pk = _pk(course_id, _("Curso no encontrado."))
    course = Course.objects.filter(pk=pk, published=True, active=True).select_related("provider", "territory").first()
    if course is None:
        raise OutOfScope(_("Curso no encontrado."))
    return course


def open_cohorts(course: Course) -> list[Cohort]:
    """Cohorts that take enrolments, with `taken` (seats taken) and `free` annotated."""
    today = timezone.localdate()
    cohorts = list(course.cohorts.filter(status=CohortStatus.PLANNED, start_date__gte=today)
                   .annotate(taken=Count("enrolments", filter=Q(enrolments__status__in=SEAT_STATUSES)))
                   .order_by("start_date", "id"))
    for c in cohorts:
        c.free = max(0, c.seats - c.taken)
    return cohorts


def cohorts_for(user, *, course_id=None) -> QuerySet[Cohort]:
    require_staff(user)
    qs = Cohort.objects.select_related("course", "course__provider", "contract").annotate(
        taken=Count("enrolments", filter=Q(enrolments__status__in=SEAT_STATUSES)))
    scope = scope_territory_ids(user)
    if scope is not None:
        qs = qs.filter(course__territory_id__in=scope)
    if course_id is not None:
        qs = qs.filter(course_id=course_id)
    return qs.order_by("start_date", "id")


def get_cohort_for(user, cohort_id) -> Cohort:
    return _get(cohorts_for(user), Cohort, user, cohort_id, _("Cohorte no encontrada."))


# --- enrolments (personal data) ------------------------------------------------------------------------------

def enrolments_for(user, *, cohort_id=None, person_id=None, status: str | None = None) -> QuerySet[Enrolment]:
    if user is None or not user.is_authenticated:
        raise PermissionDenied(_("Debe iniciar sesión."))
    qs = Enrolment.objects.select_related("person", "cohort", "cohort__course", "cohort__course__provider")
    if user.role == Role.JOB_SEEKER and not user.is_system_admin:
        qs = qs.filter(person__user=user)
    else:
        require_staff(user)
        scope = scope_territory_ids(user)
        if scope is not None:
            qs = qs.filter(person__municipality_id__in=scope)
    if cohort_id is not None:
        qs = qs.filter(cohort_id=cohort_id)
    if person_id is not None:
        qs = qs.filter(person_id=person_id)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("requested_at", "id")


def get_enrolment_for(user, enrolment_id) -> Enrolment:
    return _get(enrolments_for(user), Enrolment, user, enrolment_id, _("Inscripción no encontrada."))


# --- opportunities and contracts ------------------------------------------------------------------------------

def opportunities_for(user) -> QuerySet[Opportunity]:
    require_staff(user)
    qs = Opportunity.objects.select_related("territory", "sector", "occupation").prefetch_related("skills")
    scope = scope_territory_ids(user)
    if scope is not None:
        qs = qs.filter(territory_id__in=scope)
    return qs


def get_opportunity_for(user, opportunity_id) -> Opportunity:
    return _get(opportunities_for(user), Opportunity, user, opportunity_id, _("Oportunidad no encontrada."))


def contracts_for(user) -> QuerySet[ResultsContract]:
    require_staff(user)
    qs = ResultsContract.objects.select_related("provider", "organization")
    if not user.is_system_admin:
        qs = qs.filter(organization_id=user.organization_id)
    return qs


def get_contract_for(user, contract_id) -> ResultsContract:
    return _get(contracts_for(user), ResultsContract, user, contract_id, _("Contrato no encontrado."))


# --- gap analysis (aggregates) and a person's gaps -------------------------------------------------------------

def territory_gaps(user, *, territory: str, period: str | None = None, top: int | None = 20,
                   order: str = "gap") -> dict:
    """Ranked skill gaps of a territory. Aggregates only: staff and analysts may read them; `user` None is the
    system (CLI)."""
    from siee.core.selectors import find_territory, territory_subtree_ids
    from siee.training.gaps import compute_skill_gaps, parse_period

    if user is not None and not (user.is_authenticated and (user.can_read_personal_data or user.role == Role.ANALYST)):
        raise PermissionDenied(_("Su rol no permite ver el análisis de brechas."))
    t = find_territory(territory or "")
    if t is None:
        from siee.core.errors import ValidationFailed

        raise ValidationFailed(_("Territorio desconocido: %(c)s.") % {"c": territory}, field="territory")
    start, end, label = parse_period(period)
    ids = territory_subtree_ids([t])
    gaps = compute_skill_gaps(territory_ids=ids, start=start, end=end, top=top, order=order)
    return {"territory": {"code": t.code, "name": t.display_name()},
            "period": {"label": str(label), "start": start.isoformat(), "end": end.isoformat()},
            "order": order, "gaps": gaps}


def person_gaps_for(user, person_id) -> dict:
    """A person's missing skills for the vacancies they nearly match, with the courses that teach them."""
    from siee.people.selectors import get_person_for
    from siee.training.recommendations import person_skill_gaps

    if user is None:
        from siee.people.models import Person

        pk = _pk(person_id, _("Persona no encontrada."))
        person = Person.objects.filter(pk=pk).select_related("organization").first()
        if person is None:
            raise OutOfScope(_("Persona no encontrada."))
    else:
        person = get_person_for(user, person_id)
    return person_skill_gaps(person)
