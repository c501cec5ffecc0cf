"""Site-wide pages: home, login, taxonomy autocomplete."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from siee.core import audit
from siee.core.models import AuditAction, Role
from siee.core.selectors import scope_territory_ids


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record(actor=form.get_user(), action=AuditAction.LOGIN, object_type="user", object_id=form.get_user().pk)
        return response


def _scoped(qs, user, field: str = "municipality_id"):
    scope = scope_territory_ids(user)
    return qs if scope is None else qs.filter(**{f"{field}__in": scope})


def home_stats(user) -> list[dict]:
    """Aggregate counts within the user's territories (no personal data: safe for analysts)."""
    from siee.employers.models import Employer, Vacancy, VacancyStatus
    from siee.people.models import Person, PersonStatus

    people = _scoped(Person.objects.exclude(status=PersonStatus.MERGED), user)
    return [
        {"key": "people", "label": _("Personas registradas"), "value": people.count()},
        {"key": "active", "label": _("Buscando empleo"), "value": people.filter(status=PersonStatus.ACTIVE).count()},
        {"key": "employers", "label": _("Empleadores"), "value": _scoped(Employer.objects.all(), user).count()},
        {
            "key": "vacancies",
            "label": _("Vacantes abiertas"),
            "value": _scoped(Vacancy.objects.filter(status=VacancyStatus.OPEN), user).count(),
        },
    ]


def _shortcuts(user) -> list[dict]:
    items = []
    if user.can_read_personal_data:
        items += [
            ("people:create", _("Registrar persona"), _("Identidad, contacto y autorización de datos.")),
            ("people:list", _("Buscar personas"), _("Por nombre, documento, municipio o estado.")),
            ("employers:create", _("Registrar empleador"), _("NIT, sector, contacto y municipio.")),
            ("employers:vacancy_create", _("Publicar vacante"), _("Cargo, ocupación, habilidades y salario.")),
            ("web:import", _("Importar hoja de cálculo"), _("Personas, empleadores o vacantes desde CSV/XLSX.")),
        ]
    if user.is_agency_admin:
        items.append(("core:audit", _("Auditoría"), _("Quién hizo qué, cuándo y desde dónde.")))
    items.append(("employers:public_list", _("Ofertas de empleo públicas"), _("Lo que ve la ciudadanía.")))
    out = []
    for name, label, help_text in items:
        try:
            out.append({"url": reverse(name), "label": label, "help": help_text})
        except NoReverseMatch:
            continue
    return out


@login_required
def home(request):
    user = request.user
    if user.role == Role.JOB_SEEKER:
        return redirect("people:me")
    if user.role == Role.EMPLOYER:
        return redirect("employers:mine")
    return render(
        request,
        "web/home.html",
        {"stats": home_stats(user), "shortcuts": _shortcuts(user), "aggregates_only": not user.can_read_personal_data},
    )


@require_GET
@login_required
def taxonomy_search(request):
    """Autocomplete for occupations and skills: an HTML fragment for htmx, JSON with ?format=json."""
    from siee.taxonomy.search import search_concepts

    query = (request.GET.get("q") or "").strip()[:100]
    kind = request.GET.get("kind") or None
    if kind not in (None, "occupation", "skill"):
        kind = None
    try:
        limit = max(1, min(int(request.GET.get("limit", 10)), 25))
    except ValueError:
        limit = 10
    results = search_concepts(query, kind=kind, limit=limit) if len(query) >= 2 else []
    if request.GET.get("format") == "json" or (
        "application/json" in request.headers.get("Accept", "") and not request.headers.get("HX-Request")
    ):
        return JsonResponse({"query": query, "kind": kind, "results": results})
    return render(request, "web/taxonomy_results.html", {"results": results, "query": query})
