"""Forms of the employer and vacancy pages. Field names are the service's data keys, so the service's
ValidationFailed errors land on the right field."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from siee.core.models import Territory, TerritoryLevel
from siee.core.selectors import user_territories
from siee.employers.models import ContractType, EmployerSize, VacancyStatus
from siee.employers.selectors import employers_for
from siee.people.forms import education_choices, territory_choices
from siee.taxonomy.models import Occupation, Sector, Skill
from siee.web.forms import DateInput, SieeFormMixin
from siee.web.widgets import TaxonomyAutocomplete, TaxonomyMultiAutocomplete

EMPLOYER_COUNTRIES = [("CO", _("Colombia")), ("CL", _("Chile")), ("EC", _("Ecuador")), ("PE", _("Perú"))]


def municipality_choices_for(user, blank_label):
    """Staff choose among their territories; employer accounts among the regions of their own companies."""
    if user.role == "employer":
        regions = {e.municipality.parent_id for e in employers_for(user).select_related("municipality")}
        qs = Territory.objects.filter(level=TerritoryLevel.MUNICIPALITY).select_related("parent")
        # A company's own regions; before it has registered any, the municipalities of the country.
        qs = qs.filter(parent_id__in=regions) if regions else qs.filter(country=settings.DEFAULT_COUNTRY)
        return [("", blank_label)] + [(t.key, t.display_name()) for t in qs.order_by("name")]
    return territory_choices(user, blank_label)


def sector_choices():
    choices = [("", _("— Sin dato —"))]
    sections = {}
    # Sections first: division codes ("10") sort before section letters ("C") and would find no section yet.
    for s in Sector.objects.order_by("level", "code"):
        if s.level == 1:
            sections[s.code] = (s.label, [])
        elif s.section in sections:
            sections[s.section][1].append((s.code, f"{s.code} {s.label}"))
    for code, (label, divisions) in sections.items():
        choices.append((f"{code} {label}", divisions or [(code, label)]))
    return choices


class EmployerFilterForm(SieeFormMixin, forms.Form):
    q = forms.CharField(label=_("Nombre o NIT"), required=False, max_length=100)
    municipality = forms.ChoiceField(label=_("Municipio"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].choices = [("", _("Todos"))] + [(str(t.pk), t.display_name()) for t in user_territories(user)]

    def selector_filters(self) -> dict:
        if not self.is_valid():
            return {}
        d = self.cleaned_data
        return {"q": d.get("q") or None, "municipality_id": int(d["municipality"]) if d.get("municipality") else None}


class EmployerForm(SieeFormMixin, forms.Form):
    name = forms.CharField(label=_("Razón social"), max_length=200)
    tax_id = forms.CharField(label=_("NIT / RUT / RUC"), max_length=30, help_text=_("Con o sin dígito de verificación; sin espacios."))
    country = forms.ChoiceField(label=_("País"), choices=EMPLOYER_COUNTRIES, initial="CO")
    sector = forms.ChoiceField(label=_("Sector económico (CIIU)"), required=False)
    size = forms.ChoiceField(label=_("Tamaño"), choices=EmployerSize.choices, initial=EmployerSize.MICRO)
    contact_name = forms.CharField(label=_("Persona de contacto"), max_length=150, required=False)
    phone = forms.CharField(label=_("Teléfono"), max_length=30, required=False, widget=forms.TextInput(attrs={"inputmode": "tel"}))
    email = forms.EmailField(label=_("Correo electrónico"), required=False,
                             error_messages={"invalid": _("Escriba un correo válido, p. ej. rrhh@empresa.com")})
    address = forms.CharField(label=_("Dirección"), max_length=200, required=False)
    municipality_code = forms.ChoiceField(label=_("Municipio"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].choices = sector_choices()
        self.fields["municipality_code"].choices = municipality_choices_for(user, _("— Elija el municipio —"))

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


class VacancyFilterForm(SieeFormMixin, forms.Form):
    q = forms.CharField(label=_("Cargo, ocupación o código"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Estado"), required=False, choices=[("", _("Todos")), *VacancyStatus.choices])
    municipality = forms.ChoiceField(label=_("Municipio"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].choices = [("", _("Todos"))] + [(str(t.pk), t.display_name()) for t in user_territories(user)]

    def selector_filters(self) -> dict:
        if not self.is_valid():
            return {}
        d = self.cleaned_data
        return {"q": d.get("q") or None, "status": d.get("status") or None,
                "municipality_id": int(d["municipality"]) if d.get("municipality") else None}


class VacancyForm(SieeFormMixin, forms.Form):
    employer = forms.ChoiceField(label=_("Empleador"))
    title = forms.CharField(label=_("Cargo, como lo escribe el empleador"), max_length=200,
                            widget=forms.TextInput(attrs={"placeholder": _("p. ej. cocinero")}))
    occupation = forms.ModelChoiceField(
        label=_("Ocupación (clasificación)"), queryset=Occupation.objects.all(),
        widget=TaxonomyAutocomplete("occupation", placeholder=_("Busque la ocupación: cocinero, soldador…")),
    )
    description = forms.CharField(label=_("Descripción y funciones"), required=False, max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    required_skills = forms.ModelMultipleChoiceField(
        label=_("Habilidades requeridas"), queryset=Skill.objects.all(), required=False,
        widget=TaxonomyMultiAutocomplete("skill", placeholder=_("p. ej. higiene alimentaria")),
    )
    desired_skills = forms.ModelMultipleChoiceField(
        label=_("Habilidades deseables"), queryset=Skill.objects.all(), required=False,
        widget=TaxonomyMultiAutocomplete("skill"),
    )
    education_level = forms.ChoiceField(label=_("Nivel educativo mínimo"), required=False)
    experience_months = forms.IntegerField(label=_("Experiencia requerida (meses)"), min_value=0, max_value=600, initial=0)
    wage_min = forms.IntegerField(label=_("Salario mínimo ofrecido (mensual)"), required=False, min_value=0, max_value=10**9)
    wage_max = forms.IntegerField(label=_("Salario máximo ofrecido (mensual)"), required=False, min_value=0, max_value=10**9)
    currency = forms.ChoiceField(label=_("Moneda"), choices=[("COP", "COP"), ("CLP", "CLP"), ("USD", "USD"), ("PEN", "PEN")])
    contract_type = forms.ChoiceField(label=_("Tipo de contrato"), choices=ContractType.choices)
    hours_per_week = forms.IntegerField(label=_("Horas por semana"), min_value=1, max_value=84, initial=48)
    posts = forms.IntegerField(label=_("Número de puestos"), min_value=1, max_value=10000, initial=1)
    municipality_code = forms.ChoiceField(label=_("Municipio del puesto"))
    closing_date = forms.DateField(label=_("Fecha de cierre"), required=False, widget=DateInput())
    open_to_migrants = forms.BooleanField(label=_("Abierta a personas migrantes"), required=False, initial=True)
    open_to_disability = forms.BooleanField(label=_("Abierta a personas con discapacidad"), required=False, initial=True)
    published = forms.BooleanField(label=_("Publicar en el portal público de ofertas"), required=False, initial=True)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].choices = [("", _("— Elija el empleador —"))] + [
            (str(e.pk), f"{e.name} ({e.tax_id})") for e in employers_for(user).order_by("name")
        ]
        self.fields["education_level"].choices = education_choices(blank_label=_("— Sin requisito —"))
        self.fields["municipality_code"].choices = municipality_choices_for(user, _("— Elija el municipio —"))

    def clean_closing_date(self):
        value = self.cleaned_data.get("closing_date")
        if value and value < dt.date.today():
            raise forms.ValidationError(_("La fecha de cierre no puede estar en el pasado."))
        return value

    def clean(self):
        data = super().clean()
        lo, hi = data.get("wage_min"), data.get("wage_max")
        if lo is not None and hi is not None and hi < lo:
            self.add_error("wage_max", _("El salario máximo es menor que el mínimo."))
        overlap = set(data.get("required_skills") or []) & set(data.get("desired_skills") or [])
        if overlap:
            self.add_error("desired_skills", _("Una habilidad no puede ser requerida y deseable a la vez."))
        return data

    def service_data(self) -> dict:
        d = dict(self.cleaned_data)
        d.pop("employer", None)
        d["occupation"] = str(d["occupation"].pk)
        d["required_skills"] = [str(s.pk) for s in d.get("required_skills") or []]
        d["desired_skills"] = [str(s.pk) for s in d.get("desired_skills") or []]
        return d
