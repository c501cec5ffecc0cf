"""Seed-capital pages: the calls (list, create and edit form), one call with its applications, and one application
with the committee's scoring form, the award with its disbursement plan, and its tranches (add one, pay).

Thin: scoped selectors read, services write and hold every rule; a service's ValidationFailed is shown on the
form field it names. Another territory's call or application is a 404.
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from siee.core.errors import OutOfScope, PermissionDenied, ValidationFailed
from siee.enterprise import selectors, services
from siee.enterprise.forms import (
    TRANCHE_ROWS,
    ApplyForm,
    AwardForm,
    CriterionFormSet,
    GrantCallForm,
    ScoreForm,
    TrancheForm,
    rename_errors,
)
from siee.enterprise.models import ApplicationStatus, Stage
from siee.web.permissions import domain_errors_as_http, personal_data_required


@personal_data_required
@domain_errors_as_http
def calls(request):
    """Seed-capital calls with the applications of the user's territories (status, committee score)."""
    rows = []
    for call in selectors.calls_for(request.user).prefetch_related("criteria")[:30]:
        apps = list(selectors.applications_for(request.user, call)[:200])
        rows.append({"call": call, "applications": apps[:10], "count": len(apps), "budget": services.call_budget(call)})
    return render(request, "enterprise/calls.html", {"rows": rows, "can_manage": services.can_manage_calls(request.user)})


def _criteria_initial(call) -> list[dict]:
    if call is None:
        return []
    return [{"name": c.name, "weight": c.weight, "max_score": c.max_score} for c in call.criteria.all()]


@personal_data_required
@domain_errors_as_http
def call_form(request, call_id: int | None = None):
    """Create or edit a call: eligibility rules, committee criteria with weights, amount per award, budget, dates."""
    call = services.editable_call(actor=request.user, call_id=call_id) if call_id else None
    if call is None and not services.can_manage_calls(request.user):
        raise PermissionDenied(_("Su rol no permite crear ni modificar convocatorias."))
    initial = GrantCallForm.initial_for(call) if call else {"opens_on": timezone.localdate(), "min_score": 60}
    form = GrantCallForm(request.POST or None, user=request.user, call=call, initial=initial)
    # initial rows only when unbound: a bound row equal to its initial would count as "unchanged", i.e. empty
    formset = (CriterionFormSet(request.POST, prefix="criteria") if request.method == "POST"
               else CriterionFormSet(initial=_criteria_initial(call), prefix="criteria"))
    criteria_errors: list[str] = []
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        kwargs = {"actor": request.user, "data": form.service_data(), "criteria": formset.criteria(),
                  "territory_codes": form.territory_codes()}
        try:
            saved = services.update_call(call_id=call.pk, **kwargs) if call else services.create_call(**kwargs)
        except ValidationFailed as exc:
            criteria_errors = [str(m) for m in exc.errors.pop("criteria", [])]
            if exc.errors:
                form.add_domain_errors(exc)
        else:
            messages.success(request, _("Convocatoria guardada: %(n)s.") % {"n": saved.name})
            return redirect("enterprise:call", saved.pk)
    title = _("Editar «%(n)s»") % {"n": call.name} if call else _("Nueva convocatoria de capital semilla")
    return render(request, "enterprise/call_form.html", {
        "form": form, "formset": formset, "criteria_errors": criteria_errors, "call": call, "title": title,
        "scored": call is not None and call.applications.filter(scores__isnull=False).exists()})


def _rule_labels(call) -> list[str]:
    rules = [_("Postulaciones del %(a)s al %(b)s") % {"a": call.opens_on.strftime("%d/%m/%Y"),
                                                     "b": call.closes_on.strftime("%d/%m/%Y")}]
    if call.min_stage:
        rules.append(_("Etapa mínima: %(s)s") % {"s": Stage(call.min_stage).label})
    territories = [t.display_name() for t in call.territories.select_related("parent")]
    if territories:
        rules.append(_("Solo en: %(t)s") % {"t": "; ".join(territories)})
    if call.require_registered:
        rules.append(_("Formalizada con NIT / RUT"))
    if call.required_course:
        rules.append(_("Algún miembro completó la formación «%(c)s»") % {"c": call.required_course})
    rules.append(_("Puntaje mínimo del comité para adjudicar: %(s)g / 100") % {"s": call.min_score})
    return rules


@personal_data_required
@domain_errors_as_http
def call_detail(request, call_id: int):
    """A call: rules, criteria, budget used, the applications of the user's territories, and a form to apply."""
    call = selectors.get_call_for(request.user, call_id)
    candidates = (selectors.initiatives_for(request.user).exclude(stage=Stage.CLOSED)
                  .exclude(grant_applications__call=call).order_by("name")[:1000])
    form = ApplyForm(request.POST or None, initiatives=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            app = services.apply_to_call(actor=request.user, call_id=call.pk, initiative_id=form.cleaned_data["initiative"])
        except ValidationFailed as exc:
            form.add_domain_errors(rename_errors(exc, {"call": "initiative"}))
        else:
            if app.status == ApplicationStatus.ELIGIBLE:
                messages.success(request, _("Postulación registrada: %(i)s es elegible.") % {"i": app.initiative.name})
            else:
                messages.warning(request, _("Postulación registrada, pero %(i)s no cumple todos los requisitos.")
                                 % {"i": app.initiative.name})
            return redirect("enterprise:application", app.pk)
    return render(request, "enterprise/call_detail.html", {
        "call": call, "criteria": list(call.criteria.all()), "rules": _rule_labels(call),
        "budget": services.call_budget(call), "applications": selectors.applications_for(request.user, call),
        "form": form, "can_edit": services.can_edit_call(request.user, call)})


def _score_table(app, criteria) -> list[dict]:
    by_scorer: dict[str, dict[int, float]] = defaultdict(dict)
    for s in app.scores.all():
        by_scorer[s.scorer_label][s.criterion_id] = s.value
    return [{"scorer": label, "values": [values.get(c.pk) for c in criteria]} for label, values in sorted(by_scorer.items())]


@personal_data_required
@domain_errors_as_http
def application_detail(request, application_id: int):
    """One application: eligibility, the committee's scores and scoring form, the award with its disbursement plan,
    and the tranches (add one within the award, pay when the milestone is met)."""
    app = selectors.get_application_for(request.user, application_id)
    call = app.call
    criteria = list(call.criteria.all())
    award = getattr(app, "award", None) if app.status == ApplicationStatus.AWARDED else None
    action = request.POST.get("action") if request.method == "POST" else None
    score_form = ScoreForm(request.POST if action == "score" else None, criteria=criteria)
    award_form = AwardForm(request.POST if action == "award" else None,
                           initial={"amount": f"{call.amount_per_award:.0f}"})
    tranche_form = TrancheForm(request.POST if action == "tranche" else None)
    if action is not None:
        try:
            if action == "score":
                if score_form.is_valid():
                    try:
                        services.score_application(actor=request.user, application_id=app.pk, scores=score_form.scores(),
                                                   scorer_label=score_form.cleaned_data["scorer"])
                    except ValidationFailed as exc:
                        score_form.add_domain_errors(rename_errors(exc, score_form.field_names()))
                    else:
                        messages.success(request, _("Puntajes guardados."))
                        return redirect("enterprise:application", app.pk)
            elif action == "award":
                if award_form.is_valid():
                    try:
                        services.award_application(actor=request.user, application_id=app.pk, tranches=award_form.tranches(),
                                                   amount=award_form.cleaned_data.get("amount") or None)
                    except ValidationFailed as exc:
                        award_form.add_domain_errors(rename_errors(exc, AwardForm.field_names()))
                    else:
                        messages.success(request, _("Capital semilla adjudicado."))
                        return redirect("enterprise:application", app.pk)
            elif action == "tranche":
                if award is None:
                    raise ValidationFailed(_("La postulación no tiene adjudicación."), field="application")
                if tranche_form.is_valid():
                    try:
                        services.add_tranche(actor=request.user, award_id=award.pk, **tranche_form.cleaned_data)
                    except ValidationFailed as exc:
                        tranche_form.add_domain_errors(exc)
                    else:
                        messages.success(request, _("Desembolso agregado al plan."))
                        return redirect("enterprise:application", app.pk)
            elif action == "pay":
                tranche_id = str(request.POST.get("tranche") or "")
                if award is None or not tranche_id.isdigit() or not award.tranches.filter(pk=int(tranche_id)).exists():
                    raise OutOfScope(_("Desembolso no encontrado."), field="tranche")
                services.pay_tranche(actor=request.user, tranche_id=int(tranche_id))
                messages.success(request, _("Desembolso registrado."))
                return redirect("enterprise:application", app.pk)
            else:
                raise ValidationFailed(_("Acción desconocida."), field="action")
        except ValidationFailed as exc:
            messages.error(request, exc.message)
    planned = sum((t.amount for t in award.tranches.all()), 0) if award else 0
    return render(request, "enterprise/application.html", {
        "app": app, "call": call, "ini": app.initiative, "criteria": criteria, "award": award,
        "tranches": list(award.tranches.all()) if award else [], "planned": planned,
        "unplanned": award.amount - planned if award else 0, "scores": _score_table(app, criteria),
        "score_form": score_form, "award_form": award_form, "tranche_form": tranche_form,
        "award_rows": [(award_form[f"amount{i}"], award_form[f"milestone{i}"]) for i in range(1, TRANCHE_ROWS + 1)],
        "can_score": app.status in (ApplicationStatus.ELIGIBLE, ApplicationStatus.SUBMITTED),
        "can_award": app.status == ApplicationStatus.ELIGIBLE,
    })
