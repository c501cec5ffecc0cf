"""Training pages: staff course catalogue and course form, training providers, cohort pages (enrolment, attendance
one by one or for a whole session, completion, drop-outs, status, sessions), skills-gap analysis, results contracts
(form and what is payable per cohort); a person's explained course recommendations (an htmx fragment on the
person's page and on the job seeker's own profile); the public course list per territory with online requests.

Thin: selectors read with the acting user's scope, services write. Another territory's record is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from siee.core.errors import ValidationFailed
from siee.core.models import Role, Territory, TerritoryLevel
from siee.core.selectors import find_territory, scope_territory_ids, territory_subtree_ids
from siee.training import contracts, selectors, services
from siee.training.models import CohortStatus, DropReason, EnrolmentStatus
from siee.web.pagination import paginate
from siee.web.permissions import domain_errors_as_http, personal_data_required


def _back(request, default: str):
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(default)


def _default_territory(user) -> str:
    org = getattr(user, "organization", None)
    if org is not None:
        t = org.territories.order_by("level", "code").first()
        if t is not None:
            return t.code
    return "68001"


# --- staff: courses, cohorts -------------------------------------------------------------------------------

@personal_data_required
def course_list(request):
    q = (request.GET.get("q") or "").strip()[:100]
    ctx = {"q": q, **paginate(request, selectors.courses_for(request.user, q=q or None)),
           "contracts": selectors.contracts_for(request.user)[:20],
           "opportunities": selectors.opportunities_for(request.user).order_by("-valid_from")[:20]}
    return render(request, "training/course_list.html", ctx)


@personal_data_required
@domain_errors_as_http
def course_detail(request, course_id):
    course = selectors.get_course_for(request.user, course_id)
    cohorts = selectors.cohorts_for(request.user, course_id=course.pk)
    return render(request, "training/course_detail.html", {"course": course, "cohorts": cohorts,
                                                            "skills": course.skills.order_by("label")})


@personal_data_required
@domain_errors_as_http
def cohort_detail(request, cohort_id):
    cohort = selectors.get_cohort_for(request.user, cohort_id)
    enrolments = list(selectors.enrolments_for(request.user, cohort_id=cohort.pk)
                      .prefetch_related("attendance__session"))
    sessions = list(cohort.sessions.order_by("number"))
    for e in enrolments:
        marks = {a.session.number: a.present for a in e.attendance.all()}
        e.marks = [marks.get(s.number) for s in sessions]
    # One roster per session: the people enrolled (or who completed), each with the mark recorded, if any.
    roster = [e for e in enrolments if e.status in (EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED)]
    today = timezone.localdate()
    past = [s for s in sessions if s.date <= today]
    asked = (request.GET.get("sesion") or "").strip()
    open_number = int(asked) if asked.isdigit() else (past[-1].number if past else None)
    for i, s in enumerate(sessions):
        s.rows = [{"enrolment": e, "mark": e.marks[i]} for e in roster]
        s.present = sum(1 for r in s.rows if r["mark"] is True)
        s.recorded = sum(1 for r in s.rows if r["mark"] is not None)
        s.open = s.number == open_number
    return render(request, "training/cohort_detail.html", {
        "cohort": cohort, "enrolments": enrolments, "sessions": sessions, "drop_reasons": DropReason.choices,
        "statuses": EnrolmentStatus, "roster": roster, "cohort_statuses": CohortStatus.choices})


@personal_data_required
@require_POST
@domain_errors_as_http
def cohort_attendance(request, cohort_id):
    """The roster of one session: every person listed (`roster`) is present if checked (`present`), absent if
    not (the "everyone" button marks them all present); saved in one transaction by the service, or nothing at all
    with the reasons."""
    cohort = selectors.get_cohort_for(request.user, cohort_id)
    number = (request.POST.get("session") or "").strip()
    roster = request.POST.getlist("roster")
    present = roster if request.POST.get("everyone") else request.POST.getlist("present")
    absent = [pk for pk in roster if pk not in present]
    target = reverse("training:cohort", args=[cohort.pk])
    try:
        result = services.record_session_attendance(actor=request.user, cohort_id=cohort.pk, session_number=number,
                                                     present=present, absent=absent)
    except ValidationFailed as exc:
        for message in exc.errors.get("attendance") or [exc.message]:
            messages.error(request, message)
        messages.warning(request, _("No se guardó ninguna asistencia de la sesión."))
        suffix = f"?sesion={number}#sesion-{number}" if number.isdigit() else ""
        return redirect(target + suffix)
    messages.success(request, _("Sesión %(n)d (%(d)s): %(p)d asistieron, %(a)d no asistieron.") % {
        "n": result["session"], "d": date_format(parse_date(result["date"]), "SHORT_DATE_FORMAT"),
        "p": result["present"], "a": result["absent"]})
    return redirect(f"{target}?sesion={result['session']}#sesion-{result['session']}")


@personal_data_required
@require_POST
@domain_errors_as_http
def cohort_status(request, cohort_id):
    cohort = selectors.get_cohort_for(request.user, cohort_id)
    try:
        cohort = services.set_cohort_status(actor=request.user, cohort_id=cohort.pk,
                                            status=request.POST.get("status", ""))
    except ValidationFailed as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Estado de la cohorte: %(s)s.") % {"s": cohort.get_status_display()})
    return redirect("training:cohort", cohort_id=cohort.pk)


@personal_data_required
@require_POST
@domain_errors_as_http
def cohort_add_session(request, cohort_id):
    cohort = selectors.get_cohort_for(request.user, cohort_id)
    try:
        session = services.add_session(actor=request.user, cohort_id=cohort.pk, date=request.POST.get("date", ""),
                                       topic=request.POST.get("topic", ""))
    except ValidationFailed as exc:
        messages.error(request, exc.message)
        return redirect("training:cohort", cohort_id=cohort.pk)
    messages.success(request, _("Sesión %(n)d agregada (%(d)s).") % {
        "n": session.number, "d": date_format(session.date, "SHORT_DATE_FORMAT")})
    return redirect(f"{reverse('training:cohort', args=[cohort.pk])}?sesion={session.number}#sesion-{session.number}")


@personal_data_required
@require_POST
@domain_errors_as_http
def cohort_enrol(request, cohort_id):
    cohort = selectors.get_cohort_for(request.user, cohort_id)
    person_id = (request.POST.get("person_id") or "").strip()
    try:
        e = services.enrol_person(actor=request.user, cohort_id=cohort.pk, person_id=person_id,
                                  note=request.POST.get("note", ""))
    except ValidationFailed as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(p)s: %(s)s.") % {"p": e.person.full_name, "s": e.get_status_display()})
    return _back(request, reverse("training:cohort", args=[cohort.pk]))


@personal_data_required
@require_POST
@domain_errors_as_http
def enrolment_action(request, enrolment_id):
    e = selectors.get_enrolment_for(request.user, enrolment_id)
    action = request.POST.get("action")
    try:
        if action == "confirm":
            e = services.confirm_enrolment(actor=request.user, enrolment_id=e.pk)
        elif action == "complete":
            e = services.complete_enrolment(actor=request.user, enrolment_id=e.pk,
                                            completed_on=request.POST.get("completed_on") or None,
                                            certified=request.POST.get("certified", "1") == "1",
                                            certificate_code=request.POST.get("certificate_code", ""))
        elif action == "drop":
            e = services.drop_enrolment(actor=request.user, enrolment_id=e.pk, reason=request.POST.get("reason", ""),
                                        detail=request.POST.get("detail", ""))
        elif action == "attendance":
            services.record_attendance(actor=request.user, enrolment_id=e.pk,
                                       session_number=request.POST.get("session"),
                                       present=request.POST.get("present", "1") == "1")
        else:
            raise ValidationFailed(_("Acción desconocida."), field="action")
    except ValidationFailed as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(p)s: %(s)s.") % {"p": e.person.full_name, "s": e.get_status_display()})
    return _back(request, reverse("training:cohort", args=[e.cohort_id]))


# --- staff: gaps, contracts -------------------------------------------------------------------------------

@login_required
def gaps(request):
    user = request.user
    if not (user.can_read_personal_data or user.role == Role.ANALYST):
        raise PermissionDenied(_("Su rol no permite ver el análisis de brechas."))
    territory = (request.GET.get("territorio") or _default_territory(user)).strip()[:30]
    period = (request.GET.get("periodo") or "").strip()[:10] or None
    order = "placements" if request.GET.get("orden") == "placements" else "gap"
    data, error = None, ""
    try:
        data = selectors.territory_gaps(user, territory=territory, period=period, top=50, order=order)
    except ValidationFailed as exc:
        error = exc.message
    return render(request, "training/gaps.html", {"data": data, "error": error, "territory": territory,
                                                   "period": period or "", "order": order})


@personal_data_required
@domain_errors_as_http
def contract_detail(request, contract_id):
    contract = selectors.get_contract_for(request.user, contract_id)
    payable = services.contract_payable(actor=request.user, contract_id=contract.pk)
    parts = [{**p, "label": contracts.INDICATORS.get(p["indicator"], p["indicator"])}
             for p in (contract.formula or {}).get("parts", [])]
    return render(request, "training/contract_detail.html", {"payable": payable, "contract": contract,
                                                              "parts": parts})


# --- a person's recommendations (fragment) ------------------------------------------------------------------

@login_required
@domain_errors_as_http
def person_recommendations(request, person_id):
    data = selectors.person_gaps_for(request.user, person_id)
    is_self = request.user.role == Role.JOB_SEEKER
    own = set()
    if is_self:
        own = set(selectors.enrolments_for(request.user).values_list("cohort_id", flat=True))
    return render(request, "training/_recommendations.html", {"data": data, "is_self": is_self, "own": own,
                                                               "person_id": person_id})


# --- public ---------------------------------------------------------------------------------------------------

def _public_territories():
    return (Territory.objects.filter(courses__published=True, courses__active=True,
                                     level__in=[TerritoryLevel.MUNICIPALITY, TerritoryLevel.DISTRICT])
            .select_related("parent").distinct().order_by("name"))


def public_courses(request):
    code = (request.GET.get("territorio") or "").strip()[:30]
    ids = None
    territory = find_territory(code) if code else None
    if territory is not None:
        ids = territory_subtree_ids([territory])
    courses = selectors.public_courses(territory_ids=ids)
    return render(request, "training/public_list.html", {
        "territories": _public_territories(), "territory": territory, "code": code, **paginate(request, courses)})


@domain_errors_as_http
def public_course(request, course_id):
    course = selectors.get_public_course(course_id)
    own = {}
    if request.user.is_authenticated and request.user.role == Role.JOB_SEEKER:
        own = {e.cohort_id: e for e in selectors.enrolments_for(request.user)}
    return render(request, "training/public_course.html", {
        "course": course, "cohorts": selectors.open_cohorts(course), "skills": course.skills.order_by("label"),
        "own": own, "is_job_seeker": request.user.is_authenticated and request.user.role == Role.JOB_SEEKER})


@login_required
@require_POST
@domain_errors_as_http
def request_seat(request, cohort_id):
    try:
        e = services.request_enrolment(actor=request.user, cohort_id=cohort_id, note=request.POST.get("note", ""))
    except ValidationFailed as exc:
        messages.error(request, exc.message)
        return _back(request, reverse("training:public_courses"))
    if e.status == EnrolmentStatus.WAITLISTED:
        messages.warning(request, _("La cohorte está llena: quedó en lista de espera para «%(c)s».") % {
            "c": e.cohort.course.title})
    else:
        messages.success(request, _("Solicitud enviada para «%(c)s». Un orientador la confirmará.") % {
            "c": e.cohort.course.title})
    return _back(request, reverse("training:public_course", args=[e.cohort.course_id]))


# --- staff: forms (course, cohort, opportunity) and the tender specification --------------------------------

@personal_data_required
def course_create(request):
    from siee.training.forms import CourseForm

    provider = (request.GET.get("proveedor") or "").strip()
    form = CourseForm(request.POST or None, user=request.user, initial={"provider": provider} if provider.isdigit() else {})
    if request.method == "POST" and form.is_valid():
        try:
            course = services.create_course(actor=request.user, data=form.service_data())
        except ValidationFailed as exc:
            form.add_domain_errors(exc)
        else:
            messages.success(request, _("Curso registrado: %(t)s.") % {"t": course.title})
            return redirect("training:course", course_id=course.pk)
    return render(request, "training/form.html", {"form": form, "title": _("Nuevo curso")})


@personal_data_required
@domain_errors_as_http
def course_edit(request, course_id):
    from siee.training.forms import CourseForm

    course = selectors.get_course_for(request.user, course_id)
    form = CourseForm(request.POST or None, user=request.user, course=course,
                      initial=services.editable_course_data(course))
    if request.method == "POST" and form.is_valid():
        try:
            course = services.update_course(actor=request.user, course_id=course.pk, data=form.service_data())
        except ValidationFailed as exc:
            form.add_domain_errors(exc)
        else:
            messages.success(request, _("Curso actualizado: %(t)s.") % {"t": course.title})
            return redirect("training:course", course_id=course.pk)
    return render(request, "training/form.html", {"form": form, "title": _("Editar curso «%(t)s»") % {
        "t": course.title}, "back": reverse("training:course", args=[course.pk])})


@personal_data_required
@domain_errors_as_http
def cohort_create(request, course_id):
    import datetime as dt

    from siee.training.forms import CohortForm

    course = selectors.get_course_for(request.user, course_id)
    contracts = selectors.contracts_for(request.user).filter(provider_id=course.provider_id)
    form = CohortForm(request.POST or None, contracts=contracts)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        dates = [d["start_date"] + dt.timedelta(days=7 * k) for k in range(d["sessions"] or 0)]
        dates = [x for x in dates if x <= d["end_date"]]
        try:
            cohort = services.create_cohort(actor=request.user, course_id=course.pk, name=d["name"],
                                            start_date=d["start_date"], end_date=d["end_date"], seats=d.get("seats"),
                                            contract_id=d.get("contract_id") or None, session_dates=dates)
        except ValidationFailed as exc:
            form.add_domain_errors(exc)
        else:
            messages.success(request, _("Cohorte creada: %(n)s.") % {"n": cohort.name})
            return redirect("training:cohort", cohort_id=cohort.pk)
    return render(request, "training/form.html", {"form": form, "title": _("Nueva cohorte de «%(t)s»") % {
        "t": course.title}})


@personal_data_required
def opportunity_create(request):
    from siee.training.forms import OpportunityForm

    form = OpportunityForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            opp = services.register_opportunity(actor=request.user, data=form.service_data())
        except ValidationFailed as exc:
            form.add_domain_errors(exc)
        else:
            messages.success(request, _("Oportunidad registrada: %(t)s.") % {"t": opp.title})
            return redirect("training:opportunity_spec", opportunity_id=opp.pk)
    return render(request, "training/form.html", {"form": form, "title": _("Nueva oportunidad de negocio o empleo")})


@personal_data_required
@domain_errors_as_http
def opportunity_spec(request, opportunity_id):
    spec = services.course_specification(actor=request.user, opportunity_id=opportunity_id)
    return render(request, "training/spec.html", {"spec": spec})


# --- staff: training providers ----------------------------------------------------------------------------------

@personal_data_required
def provider_list(request):
    q = (request.GET.get("q") or "").strip()[:100]
    return render(request, "training/provider_list.html", {
        "q": q, **paginate(request, selectors.provider_list_for(request.user, q=q or None))})


@personal_data_required
@domain_errors_as_http
def provider_detail(request, provider_id):
    provider = selectors.get_provider_for(request.user, provider_id)
    courses = selectors.courses_for(request.user).filter(provider=provider)
    rows = []
    for contract in selectors.contracts_for(request.user).filter(provider=provider).order_by("-start_date", "id"):
        payable = services.contract_payable(actor=request.user, contract_id=contract.pk)
        rows.append({"contract": contract, "payable": payable})
    scope = scope_territory_ids(request.user)
    territories = [t for t in provider.territories.select_related("parent").order_by("name")]
    return render(request, "training/provider_detail.html", {
        "provider": provider, "courses": courses, "contracts": rows, "territories": territories,
        "other_territories": [t for t in territories if scope is not None and t.pk not in scope]})


def _provider_form(request, provider=None):
    from siee.training.forms import ProviderForm

    form = ProviderForm(request.POST or None, user=request.user, provider=provider)
    if request.method == "POST" and form.is_valid():
        try:
            if provider is None:
                provider = services.register_provider(actor=request.user, **form.service_data())
                messages.success(request, _("Proveedor registrado: %(n)s.") % {"n": provider.name})
            else:
                provider = services.update_provider(actor=request.user, provider_id=provider.pk,
                                                    **form.service_data())
                messages.success(request, _("Proveedor actualizado: %(n)s.") % {"n": provider.name})
        except ValidationFailed as exc:
            form.add_domain_errors(exc)
        else:
            return redirect("training:provider", provider_id=provider.pk)
    title = _("Nuevo proveedor de formación") if provider is None else _("Editar «%(n)s»") % {"n": provider.name}
    return render(request, "training/provider_form.html", {"form": form, "title": title, "provider": provider})


@personal_data_required
def provider_create(request):
    return _provider_form(request)


@personal_data_required
@domain_errors_as_http
def provider_edit(request, provider_id):
    return _provider_form(request, selectors.get_provider_for(request.user, provider_id))


# --- staff: results-linked contracts ----------------------------------------------------------------------------

def _contract_form(request, contract=None):
    from siee.training.forms import ContractForm

    provider_id = None
    if contract is None and (request.GET.get("proveedor") or "").isdigit():
        provider_id = selectors.get_provider_for(request.user, request.GET["proveedor"]).pk
    form = ContractForm(request.POST or None, user=request.user, contract=contract, provider_id=provider_id)
    if request.method == "POST" and form.is_valid():
        kwargs = form.service_kwargs()
        try:
            if contract is None:
                contract = services.create_contract(actor=request.user, **kwargs)
                messages.success(request, _("Contrato registrado: %(c)s.") % {"c": contract.code})
            else:
                contract = services.update_contract(actor=request.user, contract_id=contract.pk, **kwargs)
                messages.success(request, _("Contrato actualizado: %(c)s.") % {"c": contract.code})
        except ValidationFailed as exc:
            form.add_domain_errors(exc)
        else:
            return redirect("training:contract", contract_id=contract.pk)
    title = _("Nuevo contrato con pago por resultados") if contract is None else _("Editar contrato %(c)s") % {
        "c": contract.code}
    return render(request, "training/contract_form.html", {
        "form": form, "title": title, "contract": contract,
        "indicators": [(k, str(v)) for k, v in contracts.INDICATORS.items()]})


@personal_data_required
@domain_errors_as_http
def contract_create(request):
    return _contract_form(request)


@personal_data_required
@domain_errors_as_http
def contract_edit(request, contract_id):
    return _contract_form(request, selectors.get_contract_for(request.user, contract_id))
