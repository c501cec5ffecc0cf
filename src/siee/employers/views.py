"""Employer and vacancy pages, including the public vacancy pages with schema.org JobPosting data."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from siee.core.errors import OutOfScope, ValidationFailed
from siee.core.models import Role
from siee.employers import selectors, services
from siee.employers.forms import EmployerFilterForm, EmployerForm, VacancyFilterForm, VacancyForm
from siee.employers.jsonld import vacancy_jobposting
from siee.employers.models import VacancyStatus
from siee.web.pagination import paginate
from siee.web.permissions import domain_errors_as_http, personal_data_required


def _is_staff(user) -> bool:
    return user.is_authenticated and user.can_read_personal_data


# --- employers -----------------------------------------------------------------------------------------

@personal_data_required
def employer_list(request):
    form = EmployerFilterForm(request.GET or None, user=request.user)
    employers = selectors.employers_for(request.user, **form.selector_filters()).order_by("name", "pk")
    return render(request, "employers/employer_list.html", {"filter_form": form, **paginate(request, employers)})


@login_required
def employer_create(request):
    user = request.user
    if not (_is_staff(user) or user.role == Role.EMPLOYER):
        raise PermissionDenied(_("Su rol no permite registrar empleadores."))
    form = EmployerForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            employer = services.register_employer(actor=user, data=form.service_data())
        except ValidationFailed as exc:
            form.add_domain_errors(exc)
        else:
            messages.success(request, _("Empleador registrado: %(name)s.") % {"name": employer.name})
            if user.role == Role.EMPLOYER:
                return redirect("employers:mine")
            return redirect("employers:detail", employer_id=employer.pk)
    return render(request, "employers/employer_form.html", {"form": form})


@personal_data_required
@domain_errors_as_http
def employer_detail(request, employer_id):
    employer = selectors.get_employer_for(request.user, employer_id)
    vacancies = selectors.vacancies_for(request.user, employer_id=employer.pk)
    return render(request, "employers/employer_detail.html", {"employer": employer, "vacancies": vacancies})


@login_required
def my_vacancies(request):
    """Self-service employers: their companies and vacancies."""
    if request.user.role != Role.EMPLOYER:
        return redirect("home")
    employers = selectors.employers_for(request.user)
    vacancies = selectors.vacancies_for(request.user)
    return render(request, "employers/mine.html", {"employers": employers, "vacancies": vacancies})


# --- vacancies -----------------------------------------------------------------------------------------

def vacancy_list(request):
    """Staff see the management list of their territories; everybody else sees the public offers."""
    if not _is_staff(request.user):
        return public_list(request)
    form = VacancyFilterForm(request.GET or None, user=request.user)
    vacancies = selectors.vacancies_for(request.user, **form.selector_filters())
    return render(request, "employers/vacancy_list.html", {"filter_form": form, **paginate(request, vacancies)})


@login_required
def vacancy_create(request):
    user = request.user
    if not (_is_staff(user) or user.role == Role.EMPLOYER):
        raise PermissionDenied(_("Su rol no permite publicar vacantes."))
    initial = {}
    if request.GET.get("empleador"):
        initial["employer"] = request.GET["empleador"]
    form = VacancyForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            vacancy = services.create_vacancy(actor=user, employer_id=form.cleaned_data["employer"], data=form.service_data())
        except OutOfScope:
            form.add_error("employer", _("Empleador no encontrado en sus territorios."))
        except ValidationFailed as exc:
            form.add_domain_errors(exc)
        else:
            messages.success(request, _("Vacante creada: %(title)s (%(code)s).") % {"title": vacancy.title, "code": vacancy.code})
            return redirect("employers:vacancy", vacancy_id=vacancy.pk)
    return render(request, "employers/vacancy_form.html", {"form": form})


@login_required
@require_POST
@domain_errors_as_http
def vacancy_close(request, vacancy_id):
    status = request.POST.get("status") or VacancyStatus.CLOSED
    try:
        services.close_vacancy(actor=request.user, vacancy_id=vacancy_id, status=status)
    except ValidationFailed as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Vacante cerrada."))
    return redirect("employers:vacancy", vacancy_id=vacancy_id)


def _public_vacancy_or_none(vacancy_id):
    return selectors.public_vacancies().filter(pk=vacancy_id).first()


def vacancy_page(request, vacancy_id):
    """Public page (no login) of an open, published vacancy; staff in scope also see closed or unpublished ones."""
    vacancy = _public_vacancy_or_none(vacancy_id)
    manageable = False
    if request.user.is_authenticated and (_is_staff(request.user) or request.user.role == Role.EMPLOYER):
        try:
            vacancy = selectors.get_vacancy_for(request.user, vacancy_id)
            manageable = True
        except OutOfScope:
            pass
    if vacancy is None:
        raise Http404(_("Vacante no encontrada."))
    is_public = vacancy.status == VacancyStatus.OPEN and vacancy.published
    ctx = {
        "vacancy": vacancy,
        "manageable": manageable,
        "is_public": is_public,
        "required_skills": [link.skill for link in vacancy.skill_links.filter(required=True).select_related("skill")],
        "desired_skills": [link.skill for link in vacancy.skill_links.filter(required=False).select_related("skill")],
        "jsonld": _jsonld_script(vacancy_jobposting(vacancy, url=request.build_absolute_uri())) if is_public else "",
    }
    return render(request, "employers/vacancy_public.html", ctx)


def public_list(request):
    q = (request.GET.get("q") or "").strip()[:100]
    municipality = request.GET.get("municipio") or ""
    vacancies = selectors.public_vacancies(q=q or None, municipality_id=int(municipality) if municipality.isdigit() else None)
    municipalities = (
        selectors.public_vacancies().values_list("municipality_id", "municipality__name").distinct().order_by("municipality__name")
    )
    ctx = {"q": q, "municipality": municipality, "municipalities": [(str(pk), name.title() if name.isupper() else name) for pk, name in municipalities],
           **paginate(request, vacancies)}
    return render(request, "employers/public_list.html", ctx)


# --- schema.org JobPosting (built by siee.employers.jsonld, shared with the public API) -----------------

def _jsonld_script(data: dict) -> str:
    text = json.dumps(data, ensure_ascii=False, indent=1)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308 - escaped above
