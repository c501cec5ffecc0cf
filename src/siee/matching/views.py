"""Matching pages: ranked vacancies for a person (staff and self-service), the weights of the score
(agency admins), and occupation suggestions as the officer types (htmx fragment)."""

from __future__ import annotations

import math

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from siee.core.errors import ValidationFailed
from siee.core.models import Role
from siee.employers.models import Vacancy
from siee.intermediation.models import Application, Referral, ReferralStatus
from siee.intermediation.views import explanation_view, score_pct
from siee.matching import services
from siee.matching.weights import COMPONENT_LABELS, COMPONENTS
from siee.people.selectors import get_person_for
from siee.web.forms import SieeFormMixin
from siee.web.permissions import agency_admin_required, domain_errors_as_http, personal_data_required

VACANCIES_PER_PAGE = 10
SUGGESTIONS = 5


# --- vacancies for a person -------------------------------------------------------------------------------

def _page_number(request) -> int:
    try:
        return max(1, min(int(request.GET.get("page", 1)), 10_000))
    except ValueError:
        return 1


def _vacancies_context(request, person, *, is_self: bool) -> dict:
    number = _page_number(request)
    offset = (number - 1) * VACANCIES_PER_PAGE
    error, rows, page = "", [], None
    try:
        page = services.rank_vacancies(actor=request.user, person_id=person.pk, top=VACANCIES_PER_PAGE, offset=offset)
    except ValidationFailed as exc:
        error = exc.message
    else:
        vacancies = Vacancy.objects.select_related("employer", "municipality", "municipality__parent").in_bulk(
            [r.id for r in page.results])
        applied = set(Application.objects.filter(person=person, vacancy__in=vacancies).values_list("vacancy_id", flat=True))
        referred = set(Referral.objects.filter(person=person, vacancy__in=vacancies).exclude(
            status=ReferralStatus.WITHDRAWN).values_list("vacancy_id", flat=True))
        for rank, r in enumerate(page.results, start=offset + 1):
            rows.append({"rank": rank, "id": r.id, "vacancy": vacancies.get(r.id), "label": r.label, "pct": score_pct(r.score),
                         "why": explanation_view(r.explanation), "applied": r.id in applied, "referred": r.id in referred})
    total = page.total_eligible if page is not None else 0
    return {
        "person": person, "is_self": is_self, "rows": rows, "match": page, "error": error,
        "page_number": number, "num_pages": max(1, math.ceil(total / VACANCIES_PER_PAGE)),
        "has_previous": number > 1,
        "has_next": page is not None and len(page.results) == VACANCIES_PER_PAGE and offset + VACANCIES_PER_PAGE < total,
        "next_url": request.get_full_path(),
    }


@personal_data_required
@domain_errors_as_http
def person_vacancies(request, person_id):
    person = get_person_for(request.user, person_id)
    return render(request, "matching/person_vacancies.html", _vacancies_context(request, person, is_self=False))


@login_required
@domain_errors_as_http
def my_vacancies(request):
    """Self-service: the job seeker's own ranked vacancies, with the same explanations the counsellor sees."""
    if request.user.role != Role.JOB_SEEKER:
        return redirect("home")
    person = getattr(request.user, "person", None)
    if person is None:
        return render(request, "people/no_profile.html", status=404)
    person = get_person_for(request.user, person.pk)
    return render(request, "matching/person_vacancies.html", _vacancies_context(request, person, is_self=True))


# --- weights ----------------------------------------------------------------------------------------------

def _parse_weight(raw: str) -> float:
    text = (raw or "").strip().replace(",", ".")
    if not text:
        raise forms.ValidationError(_("Indique un peso (0 si el componente no debe contar)."))
    try:
        value = float(text)
    except ValueError:
        raise forms.ValidationError(_("«%(v)s» no es un número.") % {"v": raw}) from None
    if math.isnan(value):
        raise forms.ValidationError(_("NaN no es un peso válido: escriba un número."))
    if math.isinf(value):
        raise forms.ValidationError(_("El peso debe ser un número finito."))
    if value < 0:
        raise forms.ValidationError(_("El peso no puede ser negativo."))
    if value > 1000:
        raise forms.ValidationError(_("Peso demasiado grande: use pesos relativos entre 0 y 1000."))
    return value


class WeightsForm(SieeFormMixin, forms.Form):
    """One text box per component (text, so that 'NaN' or '-1' reach our own clear messages)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in COMPONENTS:
            self.fields[name] = forms.CharField(label=gettext_lazy(COMPONENT_LABELS[name]), max_length=20,
                                                widget=forms.TextInput(attrs={"inputmode": "decimal"}))
            self.fields[name].error_messages["required"] = _("Indique un peso (0 si el componente no debe contar).")

    def clean(self):
        data = super().clean()
        for name in COMPONENTS:
            if name in data:
                try:
                    data[name] = _parse_weight(data[name])
                except forms.ValidationError as exc:
                    self.add_error(name, exc)
        values = [data.get(n) for n in COMPONENTS]
        if not self.errors and all(v is not None for v in values) and sum(values) <= 0:
            raise forms.ValidationError(_("Todos los pesos son cero: al menos un componente debe pesar más que cero."))
        return data


@agency_admin_required
def weights(request):
    org = request.user.organization_id
    current, version = services.active_weights(org)
    initial = {k: f"{v:g}" for k, v in current.as_dict().items()}
    form = WeightsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            cfg = services.set_weights(actor=request.user, weights={k: form.cleaned_data[k] for k in COMPONENTS})
        except ValidationFailed as exc:
            form.add_domain_errors(exc)
        else:
            messages.success(request, _("Pesos guardados: versión %(v)d.") % {"v": cfg.version})
            return redirect("matching:weights")
    total = current.total() or 1.0
    rows = [{"name": k, "label": COMPONENT_LABELS[k], "weight": v, "share_pct": round(100 * v / total)}
            for k, v in current.as_dict().items()]
    from siee.matching.models import MatchingConfig
    from siee.matching.weights import ENGINE_VERSION

    history = MatchingConfig.objects.filter(organization_id=org).select_related("created_by").order_by("-version")[:10]
    return render(request, "matching/weights.html", {
        "form": form, "version": version, "rows": rows, "engine_version": ENGINE_VERSION, "history": history},
        status=400 if request.method == "POST" else 200)


# --- occupation suggestions -------------------------------------------------------------------------------

@require_GET
@login_required
def suggest_occupation(request):
    """Occupation codes for free text (a vacancy title, an experience description): an htmx fragment of
    clickable suggestions (they fill the nearby occupation autocomplete), JSON with ?format=json."""
    from siee.matching.classifier_django import classify_occupation

    text = ""
    for key in ("text", "title", "description"):
        text = (request.GET.get(key) or "").strip()
        if text:
            break
    text = text[:300]
    results = classify_occupation(text, top=SUGGESTIONS) if len(text) >= 3 else []
    if request.GET.get("format") == "json":
        return JsonResponse({"text": text, "results": results})
    return render(request, "matching/_suggestions.html", {"results": results, "text": text})
