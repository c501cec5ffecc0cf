"""Forms of the training pages. Field names are the services' data keys, so a service's ValidationFailed lands on
the right field (SieeFormMixin.add_domain_errors)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from siee.core.models import Organization, OrganizationKind
from siee.core.selectors import user_territories
from siee.taxonomy.models import Occupation, Skill
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

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = Organization.objects.filter(kind=OrganizationKind.TRAINING_PROVIDER,
                                                                       active=True).order_by("name")
        self.fields["territory"].choices = [(t.key, t.display_name()) for t in user_territories(user)]

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
