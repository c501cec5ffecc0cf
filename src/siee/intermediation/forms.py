"""Forms of the intermediation pages. Field names are the services' keyword arguments, so a service's
ValidationFailed lands on the right field (SieeFormMixin.add_domain_errors)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from siee.core.selectors import user_territories
from siee.employers.models import ContractType
from siee.intermediation.models import ReferralStatus, RejectionReason
from siee.web.forms import DateInput, SieeFormMixin

FEEDBACK_CHOICES = [
    (ReferralStatus.INTERVIEWED.value, _("Entrevistada")),
    (ReferralStatus.HIRED.value, _("Contratada")),
    (ReferralStatus.REJECTED.value, _("No seleccionada (rechazada)")),
    (ReferralStatus.WITHDRAWN.value, _("Retirada")),
]
YES_NO_UNKNOWN = [("", _("— Sin dato —")), ("yes", _("Sí")), ("no", _("No"))]


class CandidateFilterForm(SieeFormMixin, forms.Form):
    municipality = forms.ChoiceField(label=_("Municipio de residencia"), required=False)
    min_score = forms.IntegerField(label=_("Puntaje mínimo (%)"), required=False, min_value=0, max_value=100)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].choices = [("", _("Todos"))] + [
            (str(t.pk), t.display_name()) for t in user_territories(user)]

    def engine_filters(self) -> dict:
        if not self.is_valid():
            return {}
        d = self.cleaned_data
        out = {}
        if d.get("municipality"):
            out["municipality_id"] = int(d["municipality"])
        if d.get("min_score") is not None:
            out["min_score"] = d["min_score"] / 100.0
        return out


class FeedbackForm(SieeFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("Respuesta del empleador"), choices=FEEDBACK_CHOICES)
    reason = forms.ChoiceField(label=_("Motivo (si no fue seleccionada)"), required=False,
                               choices=[("", _("— Ninguno —")), *RejectionReason.choices])
    detail = forms.CharField(label=_("Detalle del motivo"), required=False, max_length=500)
    notes = forms.CharField(label=_("Notas"), required=False, max_length=1000)

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {"status": d["status"], "reason": d.get("reason") or "", "detail": d.get("detail") or "",
                "notes": d.get("notes") or ""}


class PlacementForm(SieeFormMixin, forms.Form):
    start_date = forms.DateField(label=_("Fecha de inicio"), widget=DateInput())
    contract_type = forms.ChoiceField(label=_("Tipo de contrato"), choices=ContractType.choices)
    monthly_wage = forms.IntegerField(label=_("Salario mensual"), min_value=1, max_value=1_000_000_000)
    hours_per_week = forms.IntegerField(label=_("Horas por semana"), required=False, min_value=1, max_value=84)
    formal = forms.BooleanField(label=_("Empleo formal (con afiliación a seguridad social)"), required=False,
                                initial=True)

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {"start_date": d["start_date"], "contract_type": d["contract_type"], "monthly_wage": d["monthly_wage"],
                "hours_per_week": d.get("hours_per_week"), "formal": bool(d.get("formal"))}


class FollowUpForm(SieeFormMixin, forms.Form):
    still_employed = forms.ChoiceField(label=_("¿Sigue empleada?"), choices=[("", _("— Elija —")), ("yes", _("Sí")),
                                                                              ("no", _("No"))])
    formal = forms.ChoiceField(label=_("¿Empleo formal?"), required=False, choices=YES_NO_UNKNOWN)
    wage = forms.IntegerField(label=_("Salario mensual actual"), required=False, min_value=0, max_value=1_000_000_000)
    notes = forms.CharField(label=_("Notas del contacto"), required=False, max_length=1000,
                            widget=forms.Textarea(attrs={"rows": 3}))

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        formal = {"yes": True, "no": False}.get(d.get("formal") or "")
        return {"still_employed": d["still_employed"] == "yes", "formal": formal, "wage": d.get("wage"),
                "notes": d.get("notes") or ""}


class FairnessForm(SieeFormMixin, forms.Form):
    territory = forms.ChoiceField(label=_("Territorio"))
    since = forms.DateField(label=_("Desde"), required=False, widget=DateInput())
    check = forms.BooleanField(label=_("Comprobar que los atributos sensibles no cambian el puntaje (más lento)"),
                               required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].choices = territory_report_choices(user)


def territory_report_choices(user) -> list[tuple[str, str]]:
    """The departments and municipalities of the user's scope (departments first)."""
    from siee.core.models import Territory

    munis = list(user_territories(user))
    regions = {t.parent_id: t.parent for t in munis if t.parent_id and t.parent is not None}
    choices = [("", _("— Elija el territorio —"))]
    scope_all = {t.pk for t in munis}
    for region in sorted(regions.values(), key=lambda r: r.name):
        # A department is offered only when every municipality of it is in scope.
        children = set(Territory.objects.filter(parent=region).values_list("pk", flat=True))
        if children and children <= scope_all:
            choices.append((region.code, str(region.display_name())))
    choices += [(t.code, t.display_name()) for t in munis]
    return choices
