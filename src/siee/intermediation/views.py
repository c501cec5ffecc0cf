"""Intermediation pages: ranked candidates of a vacancy, shortlist, referrals with employer feedback and
placement, follow-ups worklist, fairness report.

Thin: selectors read with the acting user's scope, services write. A vacancy, referral or follow-up of another
territory is a 404 (domain_errors_as_http), exactly like one that does not exist.
"""

from __future__ import annotations

import math

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from siee.core.errors import OutOfScope, ValidationFailed
from siee.core.models import Role
from siee.employers.selectors import get_vacancy_for
from siee.intermediation import selectors, services
from siee.intermediation.forms import (
    CandidateFilterForm,
    FairnessForm,
    FeedbackForm,
    FollowUpForm,
    PlacementForm,
)
from siee.intermediation.models import REFERRAL_TRANSITIONS, Placement, ReferralStatus
from siee.people.models import Person
from siee.web.pagination import paginate
from siee.web.permissions import domain_errors_as_http, personal_data_required

CANDIDATES_PER_PAGE = 10


# --- explanations shown to people -------------------------------------------------------------------------

def explanation_view(explanation: dict | None) -> dict:
    """An engine explanation shaped for the templates: components in order with percentages, skills by name."""
    explanation = explanation or {}
    components = []
    for name, c in (explanation.get("components") or {}).items():
        components.append({
            "name": name, "label": c.get("label", name), "text": c.get("text", ""), "applied": c.get("applied", True),
            "pct": round(100 * float(c.get("value", 0.0))), "share_pct": round(100 * float(c.get("share", 0.0))),
        })
    return {
        "summary": explanation.get("summary", ""),
        "components": components,
        "matched": [s.get("label", "") for s in explanation.get("matched_skills") or []],
        "missing": [s.get("label", "") + ("" if s.get("essential", True) else " " + _("(deseable)"))
                    for s in explanation.get("missing_skills") or []],
        "notes": explanation.get("notes") or [],
    }


def score_pct(score) -> int | None:
    return None if score is None else round(100 * float(score))


# --- candidates of a vacancy ------------------------------------------------------------------------------

def _page_number(request) -> int:
    try:
        return max(1, min(int(request.GET.get("page", 1)), 10_000))
    except ValueError:
        return 1


def _candidates_context(request, vacancy, *, bound: dict | None = None) -> dict:
    from siee.matching import services as matching

    user = request.user
    bound = bound or {}
    filter_form = CandidateFilterForm(request.GET or None, user=user)
    filters = filter_form.engine_filters()
    number = _page_number(request)
    offset = (number - 1) * CANDIDATES_PER_PAGE
    shortlist = list(selectors.shortlist_for(user, vacancy_id=vacancy.pk))
    referrals = list(selectors.referrals_for(user, vacancy_id=vacancy.pk).select_related("referred_by")
                     .order_by("referred_at", "id"))
    shortlisted = {e.person_id for e in shortlist}
    referred = {r.person_id for r in referrals if r.status != ReferralStatus.WITHDRAWN}
    error = ""
    rows, total, page = [], 0, None
    try:
        page = matching.rank_candidates(actor=user, vacancy_id=vacancy.pk, top=CANDIDATES_PER_PAGE, offset=offset,
                                        filters=filters)
    except ValidationFailed as exc:
        error = exc.message
    else:
        total = page.total_eligible
        for rank, r in enumerate(page.results, start=offset + 1):
            rows.append({"rank": rank, "id": r.id, "label": r.label, "score": r.score, "pct": score_pct(r.score),
                         "why": explanation_view(r.explanation), "shortlisted": r.id in shortlisted,
                         "referred": r.id in referred})
    num_pages = max(1, math.ceil(total / CANDIDATES_PER_PAGE)) if total else 1
    params = request.GET.copy()
    params.pop("page", None)
    base = params.urlencode()
    placements = {p.referral_id: p for p in Placement.objects.filter(referral__in=[r.pk for r in referrals])}
    for r in referrals:
        r.pct = score_pct(r.score)
        r.why = explanation_view(r.explanation)
        r.placement_obj = placements.get(r.pk)
        r.can_feedback = bool(REFERRAL_TRANSITIONS.get(r.status)) or ("feedback", r.pk) in bound
        r.feedback_form = bound.get(("feedback", r.pk)) or FeedbackForm(prefix=f"r{r.pk}")
        r.needs_placement = r.status == ReferralStatus.HIRED and r.placement_obj is None
        r.placement_form = bound.get(("placement", r.pk)) or PlacementForm(prefix=f"p{r.pk}", initial={
            "start_date": timezone.localdate(), "contract_type": vacancy.contract_type,
            "monthly_wage": vacancy.wage_min or vacancy.wage_max, "hours_per_week": vacancy.hours_per_week,
            "formal": True})
        r.open_form = ("feedback", r.pk) in bound or ("placement", r.pk) in bound
    for e in shortlist:
        e.pct = score_pct(e.score)
        e.referred = e.person_id in referred
    return {
        "vacancy": vacancy,
        "filter_form": filter_form,
        "rows": rows,
        "match": page,
        "error": error,
        "page_number": number,
        "num_pages": num_pages,
        "has_previous": number > 1,
        "has_next": page is not None and len(page.results) == CANDIDATES_PER_PAGE and offset + CANDIDATES_PER_PAGE < total,
        "querystring_base": f"{base}&" if base else "",
        "shortlist": shortlist,
        "referrals": referrals,
        "vacancy_open": vacancy.status == "open",
        "next_url": request.get_full_path(),
    }


def _render_candidates(request, vacancy, *, bound=None, status=200):
    return render(request, "intermediation/candidates.html", _candidates_context(request, vacancy, bound=bound),
                  status=status)


@personal_data_required
@domain_errors_as_http
def vacancy_candidates(request, vacancy_id):
    vacancy = get_vacancy_for(request.user, vacancy_id)
    return _render_candidates(request, vacancy)


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return fallback


def _names(ids) -> dict[int, str]:
    return {p.pk: p.full_name for p in Person.objects.filter(pk__in=ids)}


@personal_data_required
@require_POST
@domain_errors_as_http
def candidates_action(request, vacancy_id):
    """Preselect, refer or take off the shortlist the people ticked on the candidates page."""
    vacancy = get_vacancy_for(request.user, vacancy_id)  # scope check before anything else
    fallback = reverse("intermediation:candidates", args=[vacancy.pk])
    action = request.POST.get("action")
    ids = []
    for raw in request.POST.getlist("person"):
        if raw.isdigit() and int(raw) not in ids:
            ids.append(int(raw))
    if action not in ("shortlist", "refer", "unshortlist"):
        messages.error(request, _("Acción desconocida."))
        return redirect(_safe_next(request, fallback))
    if not ids:
        messages.error(request, _("Marque al menos una persona."))
        return redirect(_safe_next(request, fallback))
    names = _names(ids)
    done, failed = [], []
    for person_id in ids:
        try:
            if action == "shortlist":
                services.shortlist_candidate(actor=request.user, vacancy_id=vacancy.pk, person_id=person_id)
            elif action == "unshortlist":
                services.remove_from_shortlist(actor=request.user, vacancy_id=vacancy.pk, person_id=person_id)
            else:
                services.refer_person_to_vacancy(actor=request.user, vacancy_id=vacancy.pk, person_id=person_id)
        except OutOfScope:
            failed.append(_("Persona no encontrada (%(id)s).") % {"id": person_id})
        except ValidationFailed as exc:
            failed.append(f"{names.get(person_id, person_id)}: {exc.message}")
        else:
            done.append(names.get(person_id, str(person_id)))
    if done:
        text = {"shortlist": _("Preseleccionadas: %(n)s."), "unshortlist": _("Quitadas de la preselección: %(n)s."),
                "refer": _("Remitidas al empleador: %(n)s.")}[action]
        messages.success(request, text % {"n": ", ".join(done)})
    for message in failed:
        messages.error(request, message)
    return redirect(_safe_next(request, fallback))


def _referral_or_404(request, referral_id):
    return selectors.get_referral_for(request.user, referral_id)


@personal_data_required
@require_POST
@domain_errors_as_http
def referral_feedback(request, referral_id):
    referral = _referral_or_404(request, referral_id)
    form = FeedbackForm(request.POST, prefix=f"r{referral.pk}")
    if form.is_valid():
        try:
            services.record_employer_feedback(actor=request.user, referral_id=referral.pk, **form.service_kwargs())
        except ValidationFailed as exc:
            form.add_domain_errors(exc)
        else:
            referral.refresh_from_db()
            messages.success(request, _("Respuesta registrada: %(name)s, %(status)s.") % {
                "name": referral.person.full_name, "status": referral.get_status_display().lower()})
            return redirect(reverse("intermediation:candidates", args=[referral.vacancy_id]) + f"#referral-{referral.pk}")
    return _render_candidates(request, referral.vacancy, bound={("feedback", referral.pk): form}, status=400)


@personal_data_required
@require_POST
@domain_errors_as_http
def referral_placement(request, referral_id):
    referral = _referral_or_404(request, referral_id)
    form = PlacementForm(request.POST, prefix=f"p{referral.pk}")
    if form.is_valid():
        try:
            placement = services.record_placement(actor=request.user, referral_id=referral.pk, **form.service_kwargs())
        except ValidationFailed as exc:
            form.add_domain_errors(exc)
        else:
            messages.success(request, _("Colocación registrada: %(name)s inicia el %(date)s. Se programaron %(n)d "
                                        "seguimientos.") % {"name": referral.person.full_name,
                                                           "date": placement.start_date.strftime("%d/%m/%Y"),
                                                           "n": placement.follow_ups.count()})
            return redirect(reverse("intermediation:candidates", args=[referral.vacancy_id]) + f"#referral-{referral.pk}")
    return _render_candidates(request, referral.vacancy, bound={("placement", referral.pk): form}, status=400)


# --- applications (postulaciones) ---------------------------------------------------------------------------

@login_required
@require_POST
@domain_errors_as_http
def apply(request, vacancy_id):
    """A job seeker applies (self-service), or staff register the application of a person."""
    user = request.user
    if user.role == Role.JOB_SEEKER:
        person_id, fallback = None, reverse("matching:my_vacancies")
    elif user.can_read_personal_data:
        person_id = request.POST.get("person") or None
        fallback = reverse("matching:person_vacancies", args=[person_id]) if person_id and person_id.isdigit() else "/"
    else:
        raise PermissionDenied(_("Su rol no permite postular a vacantes."))
    try:
        application = services.apply_to_vacancy(actor=user, vacancy_id=vacancy_id, person_id=person_id)
    except ValidationFailed as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Postulación registrada: %(title)s.") % {"title": application.vacancy.title})
    return redirect(_safe_next(request, fallback))


# --- follow-ups ---------------------------------------------------------------------------------------------

@personal_data_required
def follow_ups(request):
    """Pending follow-ups of the user's territories (or only theirs), overdue first."""
    today = timezone.localdate()
    mine = request.GET.get("mios") == "1"
    qs = selectors.follow_ups_for(request.user, pending=True, assigned_to=request.user if mine else None)
    overdue = qs.filter(due_date__lt=today).count()
    ctx = {"today": today, "mine": mine, "overdue_count": overdue, **paginate(request, qs)}
    for f in ctx["object_list"]:
        f.overdue = f.due_date < today
        f.days_late = (today - f.due_date).days
    done = selectors.follow_ups_for(request.user, pending=False, assigned_to=request.user if mine else None)
    ctx["recent_done"] = list(done.order_by("-done_at", "-id")[:10])
    return render(request, "intermediation/follow_ups.html", ctx)


@personal_data_required
@domain_errors_as_http
def follow_up_complete(request, follow_up_id):
    follow_up = selectors.get_follow_up_for(request.user, follow_up_id)
    form = FollowUpForm(request.POST or None, initial={"formal": "yes" if follow_up.placement.formal else "no",
                                                       "wage": follow_up.placement.monthly_wage})
    if request.method == "POST" and follow_up.done_at is None and form.is_valid():
        try:
            services.complete_follow_up(actor=request.user, follow_up_id=follow_up.pk, **form.service_kwargs())
        except ValidationFailed as exc:
            form.add_domain_errors(exc)
        else:
            messages.success(request, _("Seguimiento de %(name)s registrado.") % {
                "name": follow_up.placement.person.full_name})
            return redirect("intermediation:follow_ups")
    today = timezone.localdate()
    return render(request, "intermediation/follow_up_form.html", {
        "follow_up": follow_up, "form": form, "overdue": follow_up.is_overdue(today), "today": today},
        status=400 if request.method == "POST" else 200)


# --- fairness report ----------------------------------------------------------------------------------------

def _can_see_reports(user) -> bool:
    return user.is_agency_admin or user.role == Role.ANALYST


@login_required
@domain_errors_as_http
def fairness(request):
    """The fairness report of a territory: aggregates only (no person is listed)."""
    from siee.intermediation.fairness import GROUPS, STAGE_LABELS, fairness_report

    if not _can_see_reports(request.user):
        raise PermissionDenied(_("Solo administradores de la agencia y analistas pueden ver este informe."))
    form = FairnessForm(request.GET if request.GET.get("territory") else None, user=request.user)
    report, table = None, []
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        try:
            report = fairness_report(actor=request.user, territory=d["territory"], since=d.get("since"),
                                     check=bool(d.get("check")))
        except ValidationFailed as exc:
            form.add_domain_errors(exc)
        else:
            for name, stage in report["stages"].items():
                cells = []
                for g in GROUPS:
                    item = stage[g]
                    cells.append({"count": item["count"],
                                  "share": None if item["share"] is None else round(100 * item["share"], 1),
                                  "ratio": None if item.get("ratio") is None else round(item["ratio"], 2),
                                  "flag": item.get("under_represented", False)})
                table.append({"key": name, "label": STAGE_LABELS[name].capitalize(), "n": stage["n"], "cells": cells})
    groups = []
    if report is not None:
        groups = [report["groups"][g].capitalize() for g in GROUPS]
    return render(request, "intermediation/fairness.html", {"form": form, "report": report, "table": table,
                                                           "groups": groups})
