"""Forms of the people pages. They check types and give field errors; the business rules live in
`siee.people.services` (whose ValidationFailed errors are put back onto these same field names)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from siee.core.selectors import user_territories
from siee.people.models import (
    Availability,
    Barrier,
    DocumentType,
    ExperienceKind,
    MigrationStatus,
    PersonStatus,
    Sex,
    SkillLevel,
)
from siee.taxonomy.models import EducationLevel, Occupation, Skill
from siee.web.forms import DateInput, SieeFormMixin
from siee.web.widgets import TaxonomyAutocomplete, TaxonomyMultiAutocomplete

COUNTRIES = [
    ("CO", _("Colombia")), ("VE", _("Venezuela")), ("EC", _("Ecuador")), ("PE", _("Perú")), ("CL", _("Chile")),
    ("BO", _("Bolivia")), ("AR", _("Argentina")), ("BR", _("Brasil")), ("PA", _("Panamá")), ("CU", _("Cuba")),
    ("HT", _("Haití")), ("DO", _("República Dominicana")), ("MX", _("México")), ("US", _("Estados Unidos")),
    ("ES", _("España")), ("ZZ", _("Otro país")),
]
CONSENT_CHANNELS = [
    ("in_person", _("Presencial, firmada")), ("phone", _("Telefónica, grabada")), ("online", _("En línea")),
    ("paper_form", _("Formulario en papel")),
]
CONSENT_PURPOSES = [
    ("employment_services", _("Servicios de empleo, orientación e intermediación laboral")),
    ("employment_and_training", _("Empleo, formación y emprendimiento")),
]
CONSENT_TEXT_VERSION = "v1"


def territory_choices(user, blank_label=None):
    choices = [(t.key, t.display_name()) for t in user_territories(user)]
    if blank_label is not None:
        choices.insert(0, ("", blank_label))
    return choices


NO_DATA = _("— Sin dato —")
CHOOSE = _("— Elija —")


def education_choices(country: str = "CO", blank_label=NO_DATA):
    return [("", blank_label)] + [(e.code, e.name_for(country)) for e in EducationLevel.objects.order_by("rank")]


def _blank(choices, label=CHOOSE):
    return [("", label), *choices]


class PersonFilterForm(SieeFormMixin, forms.Form):
    q = forms.CharField(label=_("Nombre o documento"), required=False, max_length=100)
    municipality = forms.ChoiceField(label=_("Municipio"), required=False)
    status = forms.ChoiceField(label=_("Estado"), required=False,
                               choices=_blank([c for c in PersonStatus.choices if c[0] != "merged"], _("Todos")))
    migrant = forms.ChoiceField(label=_("Población migrante"), required=False,
                                choices=[("", _("Todas")), ("si", _("Sí")), ("no", _("No"))])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.territories = list(user_territories(user))
        self.fields["municipality"].choices = [("", _("Todos"))] + [(str(t.pk), t.display_name()) for t in self.territories]

    def selector_filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "q": data.get("q") or None,
            "municipality_id": int(data["municipality"]) if data.get("municipality") else None,
            "status": data.get("status") or None,
            "migrant": {"si": True, "no": False}.get(data.get("migrant") or ""),
        }


class PersonForm(SieeFormMixin, forms.Form):
    """Registration: identity, contact, profile, (sensitive block if allowed) and habeas-data consent."""

    first_names = forms.CharField(label=_("Nombres"), max_length=120)
    last_names = forms.CharField(label=_("Apellidos"), max_length=120)
    document_type = forms.ChoiceField(label=_("Tipo de documento"), choices=_blank(DocumentType.choices))
    document_number = forms.CharField(label=_("Número de documento"), max_length=30,
                                      help_text=_("Sin puntos ni espacios. Para PPT/PEP, el número del permiso."))
    nationality = forms.ChoiceField(label=_("Nacionalidad"), choices=COUNTRIES, initial="CO")
    birth_date = forms.DateField(label=_("Fecha de nacimiento"), widget=DateInput())
    sex = forms.ChoiceField(label=_("Sexo"), choices=_blank(Sex.choices))
    gender_identity = forms.CharField(label=_("Identidad de género (opcional)"), max_length=60, required=False)
    phone = forms.CharField(label=_("Teléfono"), max_length=30, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    whatsapp = forms.CharField(label=_("WhatsApp"), max_length=30, required=False,
                               widget=forms.TextInput(attrs={"inputmode": "tel"}))
    email = forms.EmailField(label=_("Correo electrónico"), required=False,
                             error_messages={"invalid": _("Escriba un correo válido, p. ej. nombre@dominio.com")})
    address = forms.CharField(label=_("Dirección"), max_length=200, required=False)
    municipality_code = forms.ChoiceField(label=_("Municipio de residencia"))

    education_level = forms.ChoiceField(label=_("Nivel educativo más alto"), required=False)
    availability = forms.ChoiceField(label=_("Disponibilidad"), choices=Availability.choices, initial=Availability.IMMEDIATE)
    expected_wage = forms.IntegerField(label=_("Aspiración salarial mensual"), required=False, min_value=0,
                                       max_value=1_000_000_000)
    willing_to_relocate = forms.BooleanField(label=_("Dispuesta a trasladarse a otro municipio"), required=False)
    max_hours_per_week = forms.IntegerField(label=_("Horas semanales que puede trabajar (máximo)"), required=False,
                                            min_value=1, max_value=84)
    languages = forms.CharField(label=_("Idiomas"), max_length=200, required=False, help_text=_("p. ej. es:nativo, en:básico"))
    interests = forms.CharField(label=_("Intereses"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    desired_occupations = forms.ModelMultipleChoiceField(
        label=_("Ocupaciones deseadas"), queryset=Occupation.objects.all(), required=False,
        widget=TaxonomyMultiAutocomplete("occupation", placeholder=_("p. ej. cocinero, vendedor")),
    )

    # Sensitive block (only rendered and accepted for roles allowed to read sensitive data)
    migration_status = forms.ChoiceField(label=_("Estatus migratorio"), choices=MigrationStatus.choices, initial="national")
    arrival_date = forms.DateField(label=_("Fecha de llegada al país"), required=False, widget=DateInput())
    household_size = forms.IntegerField(label=_("Personas en el hogar"), required=False, min_value=1, max_value=40)
    disability = forms.BooleanField(label=_("Persona con discapacidad"), required=False)
    disability_type = forms.CharField(label=_("Tipo de discapacidad"), max_length=100, required=False)
    ethnicity = forms.CharField(label=_("Autorreconocimiento étnico"), max_length=60, required=False)
    conflict_victim = forms.BooleanField(label=_("Víctima del conflicto armado"), required=False)
    barriers = forms.MultipleChoiceField(label=_("Barreras para el empleo"), choices=Barrier.choices, required=False,
                                         widget=forms.CheckboxSelectMultiple)

    consent = forms.BooleanField(
        label=_("La persona autoriza el tratamiento de sus datos personales (habeas data) para la finalidad indicada."),
        error_messages={"required": _("Sin la autorización de tratamiento de datos no se puede registrar a la persona.")},
    )
    consent_purpose = forms.ChoiceField(label=_("Finalidad"), choices=CONSENT_PURPOSES)
    consent_channel = forms.ChoiceField(label=_("Canal"), choices=CONSENT_CHANNELS)

    SENSITIVE = ("migration_status", "arrival_date", "household_size", "disability", "disability_type", "ethnicity",
                 "conflict_victim", "barriers")
    IDENTITY = ("first_names", "last_names", "document_type", "document_number", "nationality", "birth_date", "sex",
                "gender_identity")
    CONTACT = ("phone", "whatsapp", "email", "address", "municipality_code")
    PROFILE = ("education_level", "availability", "expected_wage", "willing_to_relocate", "max_hours_per_week",
               "languages", "interests",
               "desired_occupations")
    CONSENT = ("consent", "consent_purpose", "consent_channel")

    def __init__(self, *args, user, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.editing = editing
        self.fields["municipality_code"].choices = territory_choices(user, _("— Elija el municipio —"))
        self.fields["education_level"].choices = education_choices()
        self.with_sensitive = bool(user.can_read_sensitive_data)
        if not self.with_sensitive:
            for name in self.SENSITIVE:
                del self.fields[name]
        if editing:  # consent has its own section on the person page
            for name in self.CONSENT:
                del self.fields[name]

    @classmethod
    def initial_for(cls, person) -> dict:
        data = {name: getattr(person, name) for name in (*cls.IDENTITY, "phone", "whatsapp", "email", "address",
                                                         "availability", "expected_wage", "willing_to_relocate",
                                                         "max_hours_per_week", "languages", "interests", *cls.SENSITIVE)}
        data["municipality_code"] = person.municipality.key
        data["education_level"] = person.education_level.code if person.education_level_id else ""
        data["desired_occupations"] = list(person.desired_occupations.all())
        return data

    def clean_birth_date(self):
        value = self.cleaned_data["birth_date"]
        if value and value > dt.date.today():
            raise forms.ValidationError(_("La fecha de nacimiento no puede estar en el futuro."))
        return value

    def clean_document_number(self):
        return (self.cleaned_data.get("document_number") or "").strip().replace(" ", "")

    def clean(self):
        data = super().clean()
        if data.get("nationality") == "CO" and data.get("document_type") in ("PPT", "PEP", "CI_VE"):
            self.add_error("nationality", _("Un documento PPT/PEP o una cédula venezolana corresponde a una persona extranjera."))
        return data

    def sections(self):
        groups = [
            (_("Identidad"), self.IDENTITY),
            (_("Contacto y residencia"), self.CONTACT),
            (_("Perfil laboral"), self.PROFILE),
        ]
        if self.with_sensitive:
            groups.append((_("Migración y vulnerabilidad (datos sensibles)"), self.SENSITIVE))
        if not self.editing:
            groups.append((_("Autorización de tratamiento de datos"), self.CONSENT))
        return [{"title": title, "fields": [self[n] for n in names if n in self.fields]} for title, names in groups]

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.CONSENT}
        data["desired_occupations"] = [o.uri for o in data.get("desired_occupations") or []]
        return data

    def consent_data(self) -> dict:
        return {"purpose": self.cleaned_data["consent_purpose"], "channel": self.cleaned_data["consent_channel"],
                "text_version": CONSENT_TEXT_VERSION}


class ExperienceForm(SieeFormMixin, forms.Form):
    description = forms.CharField(label=_("Cargo u oficio, como lo dice la persona"), max_length=300,
                                  widget=forms.TextInput(attrs={"placeholder": _("p. ej. ayudante de cocina")}))
    occupation = forms.ModelChoiceField(
        label=_("Ocupación (clasificación)"), queryset=Occupation.objects.all(), required=False,
        widget=TaxonomyAutocomplete("occupation", placeholder=_("Busque la ocupación: cocina, soldador…")),
    )
    employer_name = forms.CharField(label=_("Empleador"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Tipo"), choices=ExperienceKind.choices, initial=ExperienceKind.FORMAL)
    country = forms.ChoiceField(label=_("País"), choices=COUNTRIES, initial="CO")
    start_date = forms.DateField(label=_("Fecha de inicio"), required=False, widget=DateInput())
    end_date = forms.DateField(label=_("Fecha de fin"), required=False, widget=DateInput(),
                               help_text=_("Déjelo vacío si sigue trabajando allí."))
    months = forms.IntegerField(label=_("Meses (si no recuerda las fechas)"), required=False, min_value=0, max_value=720)

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and start > dt.date.today():
            self.add_error("start_date", _("La fecha de inicio no puede estar en el futuro."))
        if start and end and end < start:
            self.add_error("end_date", _("La fecha de fin es anterior a la de inicio."))
        return data

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {
            "description": d["description"], "occupation_id": d["occupation"].pk if d.get("occupation") else None,
            "employer_name": d.get("employer_name") or "", "kind": d["kind"],
            "country": d.get("country") or "CO",
            "start_date": d.get("start_date"), "end_date": d.get("end_date"), "months": d.get("months"),
        }


class EducationForm(SieeFormMixin, forms.Form):
    level = forms.ChoiceField(label=_("Nivel"))
    title = forms.CharField(label=_("Título"), max_length=200, required=False)
    institution = forms.CharField(label=_("Institución"), max_length=200, required=False)
    country = forms.ChoiceField(label=_("País donde estudió"), choices=COUNTRIES, initial="CO")
    year = forms.IntegerField(label=_("Año de grado"), required=False, min_value=1940, max_value=dt.date.today().year + 1)
    recognized = forms.BooleanField(label=_("Título convalidado en el país"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = education_choices(blank_label=_("— Elija —"))

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {"level_code": d["level"], "title": d.get("title") or "", "institution": d.get("institution") or "",
                "country": d["country"], "year": d.get("year"),
                "recognized": d.get("recognized", False)}


class SkillForm(SieeFormMixin, forms.Form):
    skill = forms.ModelChoiceField(label=_("Habilidad"), queryset=Skill.objects.all(),
                                   widget=TaxonomyAutocomplete("skill", placeholder=_("p. ej. excel, atención al cliente")))
    level = forms.ChoiceField(label=_("Nivel"), choices=SkillLevel.choices, initial=SkillLevel.INTERMEDIATE)
    certified = forms.BooleanField(label=_("Certificada"), required=False)


class DesiredOccupationsForm(SieeFormMixin, forms.Form):
    occupations = forms.ModelMultipleChoiceField(
        label=_("Ocupaciones deseadas"), queryset=Occupation.objects.all(), required=False,
        widget=TaxonomyMultiAutocomplete("occupation"),
    )


class ConsentForm(SieeFormMixin, forms.Form):
    consent = forms.BooleanField(
        label=_("La persona autoriza el tratamiento de sus datos personales (habeas data)."),
        error_messages={"required": _("Marque la casilla solo si la persona dio su autorización.")},
    )
    purpose = forms.ChoiceField(label=_("Finalidad"), choices=CONSENT_PURPOSES)
    channel = forms.ChoiceField(label=_("Canal"), choices=CONSENT_CHANNELS)
