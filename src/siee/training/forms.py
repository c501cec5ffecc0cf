"""Forms of the training pages. Field names are the services' data keys, so a service's ValidationFailed lands on
the right field (SieeFormMixin.add_domain_errors)."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from siee.core.models import Organization
from siee.core.selectors import scope_territory_ids, user_territories
from siee.taxonomy.models import Occupation, Skill
from siee.training import selectors
from siee.training.contracts import INDICATORS, money
from siee.training.models import Eligibility, Modality, OpportunityKind
from siee.web.forms import DateInput, SieeFormMixin
from siee.web.widgets import TaxonomyAutocomplete, TaxonomyMultiAutocomplete


class CourseForm(SieeFormMixin, forms.Form):
    code = forms.CharField(label=_("Código"), max_length=40)
    title = forms.CharField(label=_("Nombre del curso"), max_length=200)
    provider = forms.ModelChoiceField(label=_("Proveedor de formación"), queryset=Organization.objects.none())
    territory = forms.ChoiceField(label=_("Municipio"))
    skills = forms.ModelMultipleChoiceField(label=_("Habilidades que enseña"), queryset=Skill.objects.all(),
                                            widget=TaxonomyMultiAutocomplete("skill", placeholder=_("p. ej. higiene alimentaria")))
    occupation = forms.ModelChoiceField(label=_("Ocupación a la que apunta"), queryset=Occupation.objects.all(),
                                        required=False, widget=TaxonomyAutocomplete("occupation"))
    hours = forms.IntegerField(label=_("Horas"), min_value=1, max_value=5000)
    modality = forms.ChoiceField(label=_("Modalidad"), choices=Modality.choices)
    schedule = forms.CharField(label=_("Horario"), max_length=200, required=False)
    location = forms.CharField(label=_("Lugar"), max_length=200, required=False)
    seats = forms.IntegerField(label=_("Cupos por cohorte"), min_value=1, max_value=10_000, initial=25)
    cost = forms.IntegerField(label=_("Costo por participante"), min_value=0, initial=0)
    certification = forms.CharField(label=_("Certificación que otorga"), max_length=200, required=False)
    prerequisites = forms.CharField(label=_("Requisitos previos"), max_length=500, required=False)
    eligibility = forms.ChoiceField(label=_("Población objetivo"), choices=Eligibility.choices)
    description = forms.CharField(label=_("Descripción"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    published = forms.BooleanField(label=_("Publicar en la página pública de cursos"), required=False, initial=True)
    active = forms.BooleanField(label=_("Activo (desactivado: sale de la página pública y de las recomendaciones)"),
                                required=False, initial=True)

    def __init__(self, *args, user, course=None, **kwargs):
        super().__init__(*args, **kwargs)
        providers = selectors.providers_for(user).filter(active=True)
        if course is not None:  # an inactive provider stays choosable for its own courses
            providers = selectors.providers_for(user).filter(pk=course.provider_id) | providers
        else:
            del self.fields["active"]
        self.fields["provider"].queryset = providers.order_by("name", "id")
        self.fields["territory"].choices = [(t.key, t.display_name()) for t in user_territories(user)]
        if course is not None and course.territory.key not in dict(self.fields["territory"].choices):
            self.fields["territory"].choices.append((course.territory.key, course.territory.display_name()))

    def service_data(self) -> dict:
        d = dict(self.cleaned_data)
        d["provider"] = d["provider"].pk
        d["skills"] = [str(s.pk) for s in d.get("skills") or []]
        d["occupation"] = str(d["occupation"].pk) if d.get("occupation") else None
        return d


class CohortForm(SieeFormMixin, forms.Form):
    name = forms.CharField(label=_("Nombre de la cohorte"), max_length=120)
    start_date = forms.DateField(label=_("Fecha de inicio"), widget=DateInput())
    end_date = forms.DateField(label=_("Fecha de fin"), widget=DateInput())
    seats = forms.IntegerField(label=_("Cupos (vacío: los del curso)"), min_value=1, max_value=10_000, required=False)
    sessions = forms.IntegerField(label=_("Sesiones semanales desde el inicio"), min_value=0, max_value=100, initial=4)
    contract_id = forms.ChoiceField(label=_("Contrato con pago por resultados"), required=False)

    def __init__(self, *args, contracts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract_id"].choices = [("", _("— Ninguno —"))] + [(str(c.pk), f"{c.code} · {c.provider.name}")
                                                                          for c in contracts]


class OpportunityForm(SieeFormMixin, forms.Form):
    title = forms.CharField(label=_("Oportunidad"), max_length=200)
    kind = forms.ChoiceField(label=_("Tipo"), choices=OpportunityKind.choices)
    territory = forms.ChoiceField(label=_("Territorio"))
    skills = forms.ModelMultipleChoiceField(label=_("Habilidades que exige"), queryset=Skill.objects.all(),
                                            widget=TaxonomyMultiAutocomplete("skill"))
    expected_jobs = forms.IntegerField(label=_("Empleos o negocios esperados"), min_value=0, initial=0)
    market = forms.CharField(label=_("Mercado"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    actors = forms.CharField(label=_("Actores"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    gaps = forms.CharField(label=_("Brechas a cerrar"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    training_objectives = forms.CharField(label=_("Objetivos de formación (uno por línea)"),
                                          widget=forms.Textarea(attrs={"rows": 3}), required=False)
    minimum_contents = forms.CharField(label=_("Contenidos mínimos (uno por línea)"),
                                       widget=forms.Textarea(attrs={"rows": 3}), required=False)
    result_indicators = forms.CharField(label=_("Indicadores de resultado (uno por línea)"),
                                        widget=forms.Textarea(attrs={"rows": 3}), required=False)
    valid_from = forms.DateField(label=_("Vigente desde"), widget=DateInput())
    valid_to = forms.DateField(label=_("Vigente hasta"), widget=DateInput(), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].choices = [(t.key, t.display_name()) for t in user_territories(user)]

    def service_data(self) -> dict:
        d = dict(self.cleaned_data)
        d["skills"] = [str(s.pk) for s in d.get("skills") or []]
        return d


class ProviderForm(SieeFormMixin, forms.Form):
    name = forms.CharField(label=_("Nombre"), max_length=200)
    tax_id = forms.CharField(label=_("Identificación tributaria (NIT)"), max_length=30, required=False)
    email = forms.EmailField(label=_("Correo"), required=False,
                             error_messages={"invalid": _("Escriba un correo electrónico válido.")})
    phone = forms.CharField(label=_("Teléfono"), max_length=30, required=False)
    territories = forms.MultipleChoiceField(label=_("Municipios donde dicta cursos"), widget=forms.CheckboxSelectMultiple)
    active = forms.BooleanField(label=_("Activo (desactivado: no se ofrece para cursos nuevos)"), required=False,
                                initial=True)

    def __init__(self, *args, user, provider=None, **kwargs):
        if provider is not None:
            scope = scope_territory_ids(user)
            kwargs.setdefault("initial", {
                "name": provider.name, "tax_id": provider.tax_id, "email": provider.email, "phone": provider.phone,
                "active": provider.active,
                "territories": [t.key for t in provider.territories.all() if scope is None or t.pk in scope]})
        super().__init__(*args, **kwargs)
        choices = [(t.key, t.display_name()) for t in user_territories(user)]
        if provider is None:
            del self.fields["active"]
        else:  # its territories in scope stay choosable even when they are not municipalities
            keys = dict(choices)
            choices += [(k, k) for k in self.initial.get("territories", []) if k not in keys]
            self.other_territories = [t.display_name() for t in provider.territories.select_related("parent")
                                      if t.key not in dict(choices)]
        self.fields["territories"].choices = choices

    def service_data(self) -> dict:
        d = self.cleaned_data
        data = {"name": d["name"], "territory_codes": list(d["territories"]), "tax_id": d.get("tax_id", ""),
                "email": d.get("email", ""), "phone": d.get("phone", "")}
        if "active" in self.fields:
            data["active"] = d.get("active", False)
        return data


_THOUSANDS = re.compile(r"[1-9]\d{0,2}(?:([. ])\d{3})(?:\1\d{3})*")
_DECIMAL_COMMA = re.compile(r"\d+,\d+")


def parse_number(text, *, percent: bool = False):
    """A number as people type it: "3.000.000", "3 000 000", "$ 3.000.000", "0,7", "70 %" (when `percent`).

    Returns a float, None for an empty box, or the text itself when it is not a number, so that the contract
    service's validation reports it."""
    raw = "" if text is None else str(text)
    t = raw.replace("\xa0", " ").replace("$", "").strip()
    if not t:
        return None
    is_percent = percent and t.endswith("%")
    if is_percent:
        t = t[:-1].strip()
    if _THOUSANDS.fullmatch(t):
        t = t.replace(".", "").replace(" ", "")
    elif _DECIMAL_COMMA.fullmatch(t):
        t = t.replace(",", ".")
    try:
        value = float(t)
    except ValueError:
        return raw.strip()
    return value / 100 if is_percent else value


def _shown(value: float) -> str:
    """A number for an input box, Spanish style (decimal comma)."""
    return f"{value:g}".replace(".", ",")


BASIS_CHOICES = [("rate", _("Tasa (%)")), ("count", _("Número"))]
MIN_PART_ROWS = 6


class ContractForm(SieeFormMixin, forms.Form):
    """A results-linked contract: its data, the cohorts it pays and its payment formula as rows (indicator,
    basis, target, amount). Rows left blank are ignored; the formula is validated by the contract service, whose
    errors land on the row and box they concern."""

    code = forms.CharField(label=_("Número de contrato"), max_length=40)
    title = forms.CharField(label=_("Objeto"), max_length=300, required=False)
    provider = forms.ChoiceField(label=_("Proveedor de formación"))
    start_date = forms.DateField(label=_("Fecha de inicio"), widget=DateInput())
    end_date = forms.DateField(label=_("Fecha de fin"), widget=DateInput())
    fixed = forms.CharField(label=_("Pago fijo por cohorte"), required=False, initial="0",
                            widget=forms.TextInput(attrs={"inputmode": "decimal"}),
                            help_text=_("En pesos, p. ej. 2.000.000. Se paga por cada cohorte que inicia."))
    cohorts = forms.MultipleChoiceField(label=_("Cohortes que paga"), required=False,
                                        widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, user, contract=None, provider_id=None, **kwargs):
        data = args[0] if args else kwargs.get("data")
        initial = kwargs.setdefault("initial", {})
        parts = []
        if contract is not None:
            formula = contract.formula or {}
            parts = formula.get("parts", [])
            initial.update({
                "code": contract.code, "title": contract.title, "provider": str(contract.provider_id),
                "start_date": contract.start_date, "end_date": contract.end_date,
                "fixed": money(float(formula.get("fixed", 0) or 0)),
                "cohorts": [str(pk) for pk in contract.cohorts.values_list("pk", flat=True)]})
            for i, part in enumerate(parts, start=1):
                target = float(part.get("target", 0))
                initial.update({
                    f"part{i}_indicator": part.get("indicator", ""), f"part{i}_basis": part.get("basis", "rate"),
                    f"part{i}_target": f"{_shown(target * 100)} %" if part.get("basis") == "rate" else _shown(target),
                    f"part{i}_amount": money(float(part.get("amount", 0)))})
            provider_id = contract.provider_id
        elif provider_id:
            initial["provider"] = str(provider_id)
        posted_rows = [int(m.group(1)) for k in (data or {}) if (m := re.fullmatch(r"part(\d+)_indicator", k))]
        self.rows = list(range(1, max([MIN_PART_ROWS, len(parts) + 1, *posted_rows]) + 1))
        super().__init__(*args, **kwargs)
        providers = list(selectors.providers_for(user))
        self.fields["provider"].choices = [("", _("— Elija —"))] + [(str(p.pk), p.name) for p in providers]
        indicator_choices = [("", "—")] + [(k, str(v).capitalize()) for k, v in INDICATORS.items()]
        for i in self.rows:
            self.fields[f"part{i}_indicator"] = forms.CharField(
                label=_("Indicador de la parte %(n)d") % {"n": i}, required=False,
                widget=forms.Select(choices=self._with_posted(indicator_choices, data, f"part{i}_indicator")))
            self.fields[f"part{i}_basis"] = forms.CharField(
                label=_("Base de la parte %(n)d") % {"n": i}, required=False, initial="rate",
                widget=forms.Select(choices=self._with_posted(BASIS_CHOICES, data, f"part{i}_basis")))
            self.fields[f"part{i}_target"] = forms.CharField(
                label=_("Meta de la parte %(n)d") % {"n": i}, required=False, max_length=30,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": _("70 % o 5")}))
            self.fields[f"part{i}_amount"] = forms.CharField(
                label=_("Monto que libera la parte %(n)d") % {"n": i}, required=False, max_length=30,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "3.000.000"}))
        # The cohorts it may pay: those of the provider's courses in the user's territories (of every provider
        # when none is chosen yet), grouped by provider; those paid by another contract are shown, not choosable.
        cohorts = selectors.cohorts_for(user).select_related("contract").order_by(
            "course__provider__name", "course__title", "start_date", "id")
        if provider_id:
            cohorts = cohorts.filter(course__provider_id=provider_id)
        else:
            cohorts = cohorts.filter(course__provider__in=providers)
        self.cohort_list = list(cohorts)
        self.contract = contract
        self.fields["cohorts"].choices = [(str(c.pk), str(c)) for c in self.cohort_list]

    @staticmethod
    def _with_posted(choices, data, name):
        """The choices plus a posted value that is not one of them, so the box shows what was sent."""
        value = (data or {}).get(name)
        if value and value not in dict(choices):
            return [*choices, (value, value)]
        return choices

    PART_COLUMNS = (("indicator", _("Indicador")), ("basis", _("Base")), ("target", _("Meta")),
                    ("amount", _("Monto que libera")))

    def part_rows(self):
        rows = []
        for i in self.rows:
            cells = [{"label": label, "field": self[f"part{i}_{name}"]} for name, label in self.PART_COLUMNS]
            rows.append({"n": i, "cells": cells, "invalid": any(c["field"].errors for c in cells)})
        return rows

    def cohort_groups(self):
        chosen = {str(v) for v in (self["cohorts"].value() or [])}
        groups: dict[str, list] = {}
        for c in self.cohort_list:
            other = c.contract if c.contract_id and c.contract_id != getattr(self.contract, "pk", None) else None
            groups.setdefault(c.course.provider.name, []).append({
                "id": c.pk, "cohort": c, "checked": str(c.pk) in chosen and other is None, "other_contract": other})
        return [{"provider": name, "cohorts": items} for name, items in groups.items()]

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        parts, self.part_row_numbers = [], []
        for i in self.rows:
            indicator = (d.get(f"part{i}_indicator") or "").strip()
            target, amount = d.get(f"part{i}_target") or "", d.get(f"part{i}_amount") or ""
            if not (indicator or target.strip() or amount.strip()):
                continue
            basis = (d.get(f"part{i}_basis") or "rate").strip()
            parts.append({"indicator": indicator, "basis": basis,
                          "target": parse_number(target, percent=basis == "rate"), "amount": parse_number(amount)})
            self.part_row_numbers.append(i)
        fixed = parse_number(d.get("fixed"))
        return {"provider_id": d["provider"], "code": d["code"], "title": d.get("title", ""),
                "start_date": d["start_date"], "end_date": d["end_date"],
                "formula": {"fixed": 0 if fixed is None else fixed, "parts": parts},
                "cohort_ids": [int(pk) for pk in d.get("cohorts") or []]}

    def _field_for(self, key: str) -> str | None:
        if key == "formula.fixed":
            return "fixed"
        m = re.fullmatch(r"formula\.parts\[(\d+)\](?:\.(\w+))?", key)
        if m:
            index = int(m.group(1)) - 1
            rows = getattr(self, "part_row_numbers", [])
            if 0 <= index < len(rows):
                return f"part{rows[index]}_{m.group(2) or 'indicator'}"
            return None
        return key if key in self.fields else None

    def add_domain_errors(self, exc) -> None:
        for key, messages in (getattr(exc, "field_errors", None) or exc.errors).items():
            field = self._field_for(key)
            for message in messages if isinstance(messages, list | tuple) else [messages]:
                self.add_error(field, str(message))

