"""Forms of the enterprise staff pages. Field names are the services' data keys, so a service's ValidationFailed
lands on the right field (SieeFormMixin.add_domain_errors); money fields are text, parsed by the service
(`parse_amount` accepts "2.500.000", "2500000" or "$ 2.500.000,50")."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from siee.core.models import Organization, OrganizationKind
from siee.core.selectors import scope_territory_ids
from siee.enterprise.models import EventKind, ParticipantRole, ProductKind, Stage, SupplierStep
from siee.people.forms import territory_choices
from siee.taxonomy.models import Sector, Skill
from siee.web.forms import INVALID_CHOICE, REQUIRED, DateInput, SieeFormMixin
from siee.web.widgets import TaxonomyMultiAutocomplete

AMOUNT_HELP = _("En pesos, con o sin puntos de miles (p. ej. 2.500.000).")
ANSWER_CHOICES = [("0", _("0 · No")), ("1", _("1 · Poco")), ("2", _("2 · En parte")), ("3", _("3 · Casi todo")),
                  ("4", _("4 · Sí, por completo"))]
YES_NO = [("1", _("Sí")), ("0", _("No"))]


def amount_field(label, *, required: bool = True, help_text=AMOUNT_HELP) -> forms.CharField:
    return forms.CharField(label=label, max_length=30, required=required, help_text=help_text,
                           error_messages={"required": REQUIRED},
                           widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))


def rename_errors(exc, mapping: dict[str, str]):
    """A ValidationFailed whose field names are translated to the form's (e.g. a criterion's name -> its input)."""
    exc.errors = {mapping.get(k, k): v for k, v in exc.errors.items()}
    return exc


def sector_choices() -> list:
    """ISIC divisions (2 digits) grouped under their section, as the catalogue and the supplier ranking use them."""
    sections = {s.code: s.label for s in Sector.objects.filter(level=1)}
    groups: dict[str, list] = {}
    for s in Sector.objects.filter(level=2).order_by("code"):
        groups.setdefault(s.section, []).append((s.code, f"{s.code} · {s.label}"))
    return [("", _("— Sin dato —"))] + [(f"{code} · {sections.get(code, '')}", divisions)
                                        for code, divisions in sorted(groups.items())]


# --- seed capital ------------------------------------------------------------------------------------------

class GrantCallForm(SieeFormMixin, forms.Form):
    name = forms.CharField(label=_("Nombre de la convocatoria"), max_length=200)
    opens_on = forms.DateField(label=_("Abre"), widget=DateInput())
    closes_on = forms.DateField(label=_("Cierra"), widget=DateInput())
    amount_per_award = amount_field(_("Monto por iniciativa"))
    budget = amount_field(_("Presupuesto total"))
    min_score = forms.FloatField(label=_("Puntaje mínimo del comité para adjudicar (0-100)"), min_value=0, max_value=100,
                                 initial=60)
    min_stage = forms.ChoiceField(label=_("Etapa mínima de la iniciativa"), required=False)
    territories = forms.MultipleChoiceField(
        label=_("Territorios de la convocatoria"), required=False,
        help_text=_("Vacío: cualquier municipio. Mantenga Ctrl (o Cmd) para elegir varios."),
        widget=forms.SelectMultiple(attrs={"size": 6}))
    require_registered = forms.BooleanField(label=_("Exige formalización (NIT / RUT)"), required=False)
    required_course = forms.CharField(label=_("Formación requerida (código del curso)"), max_length=60, required=False,
                                      help_text=_("Algún miembro del equipo debe haberla completado."))

    def __init__(self, *args, user, call=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["min_stage"].choices = [("", _("— Cualquiera —"))] + [
            (str(v), label) for v, label in Stage.choices if v != Stage.CLOSED]
        choices = territory_choices(user)
        if call is not None:  # a territory of the call outside the list (e.g. a department) stays selectable
            known = {k for k, _label in choices}
            choices += [(t.key, t.display_name()) for t in call.territories.select_related("parent") if t.key not in known]
        self.fields["territories"].choices = choices

    @staticmethod
    def initial_for(call) -> dict:
        return {"name": call.name, "opens_on": call.opens_on, "closes_on": call.closes_on,
                "amount_per_award": f"{call.amount_per_award:.0f}", "budget": f"{call.budget:.0f}",
                "min_score": call.min_score, "min_stage": str(call.min_stage or ""),
                "territories": [t.key for t in call.territories.all()], "require_registered": call.require_registered,
                "required_course": call.required_course}

    def service_data(self) -> dict:
        d = dict(self.cleaned_data)
        d.pop("territories", None)
        d["min_stage"] = int(d["min_stage"]) if d.get("min_stage") else None
        return d

    def territory_codes(self) -> list[str]:
        return list(self.cleaned_data.get("territories") or [])


class CriterionForm(SieeFormMixin, forms.Form):
    name = forms.CharField(label=_("Criterio"), max_length=120, required=False)
    weight = forms.FloatField(label=_("Peso"), min_value=0.01, max_value=1000, required=False)
    max_score = forms.FloatField(label=_("Puntaje máximo"), min_value=0.01, max_value=1000, required=False, initial=5)

    def clean(self):
        d = super().clean()
        if d.get("name") and d.get("weight") is None and "weight" not in self.errors:
            self.add_error("weight", _("Indique el peso del criterio."))
        if not d.get("name") and d.get("weight") is not None:
            self.add_error("name", _("Indique el nombre del criterio."))
        return d


class BaseCriterionFormSet(forms.BaseFormSet):
    def criteria(self) -> list[dict]:
        return [{"name": f.cleaned_data["name"], "weight": f.cleaned_data["weight"],
                 "max_score": f.cleaned_data.get("max_score") or 5}
                for f in self.forms if f.cleaned_data.get("name")]


CriterionFormSet = forms.formset_factory(CriterionForm, formset=BaseCriterionFormSet, extra=2, max_num=12,
                                         absolute_max=12)


class ApplyForm(SieeFormMixin, forms.Form):
    initiative = forms.ChoiceField(label=_("Iniciativa que se postula"))

    def __init__(self, *args, initiatives, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["initiative"].choices = [("", _("— Elija —"))] + [
            (str(i.pk), f"{i.name} · {i.owner.full_name} · {i.get_stage_display()}") for i in initiatives]


class ScoreForm(SieeFormMixin, forms.Form):
    scorer = forms.CharField(label=_("Miembro del comité"), max_length=150,
                             help_text=_("Cada miembro califica una vez; el puntaje es el promedio de los miembros."))

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for c in self.criteria:
            self.fields[f"crit_{c.pk}"] = forms.FloatField(
                label=_("%(c)s (0 a %(m)g, peso %(w)g)") % {"c": c.name, "m": c.max_score, "w": c.weight},
                min_value=0, max_value=c.max_score, widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
                error_messages={"required": REQUIRED})

    def scores(self) -> dict:
        return {str(c.pk): self.cleaned_data[f"crit_{c.pk}"] for c in self.criteria}

    def field_names(self) -> dict[str, str]:
        """Service error field (criterion name) -> input name."""
        return {c.name: f"crit_{c.pk}" for c in self.criteria} | {str(c.pk): f"crit_{c.pk}" for c in self.criteria}


TRANCHE_ROWS = 3


class AwardForm(SieeFormMixin, forms.Form):
    amount = amount_field(_("Monto adjudicado"), required=False, help_text=_("Vacío: el monto por iniciativa de la convocatoria."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(1, TRANCHE_ROWS + 1):
            self.fields[f"amount{i}"] = amount_field(_("Desembolso %(n)d: monto") % {"n": i}, required=i == 1, help_text="")
            self.fields[f"milestone{i}"] = forms.CharField(label=_("Desembolso %(n)d: hito") % {"n": i}, max_length=300,
                                                           required=i == 1, error_messages={"required": REQUIRED})

    def clean(self):
        d = super().clean()
        for i in range(2, TRANCHE_ROWS + 1):
            if d.get(f"amount{i}") and not d.get(f"milestone{i}"):
                self.add_error(f"milestone{i}", _("Indique el hito de este desembolso."))
            if d.get(f"milestone{i}") and not d.get(f"amount{i}"):
                self.add_error(f"amount{i}", _("Indique el monto de este desembolso."))
        return d

    def tranches(self) -> list[dict]:
        d = self.cleaned_data
        return [{"amount": d[f"amount{i}"], "milestone": d[f"milestone{i}"]}
                for i in range(1, TRANCHE_ROWS + 1) if d.get(f"amount{i}")]

    @staticmethod
    def field_names() -> dict[str, str]:
        names = {}
        for i in range(TRANCHE_ROWS):
            names[f"tranches[{i}].amount"] = f"amount{i + 1}"
            names[f"tranches[{i}].milestone"] = f"milestone{i + 1}"
        return names


class TrancheForm(SieeFormMixin, forms.Form):
    amount = amount_field(_("Monto del desembolso"))
    milestone = forms.CharField(label=_("Hito que lo libera"), max_length=300)


# --- supplier development ----------------------------------------------------------------------------------

def buyer_choices(user) -> list:
    """Employers of the user's territories and public entities of those territories, grouped."""
    from siee.employers.selectors import employers_for

    employers = [(f"employer:{e.pk}", f"{e.name} · {e.municipality.name}")
                 for e in employers_for(user).order_by("name")[:2000]]
    entities = Organization.objects.filter(kind=OrganizationKind.PUBLIC_ENTITY)
    scope = scope_territory_ids(user)
    if scope is not None:
        entities = entities.filter(Q(territories__in=scope) | Q(territories__isnull=True)).distinct()
    choices = [("", _("— Elija el comprador —"))]
    if employers:
        choices.append((_("Empresas"), employers))
    public = [(f"entity:{o.pk}", o.name) for o in entities.order_by("name")]
    if public:
        choices.append((_("Entidades públicas"), public))
    return choices


class NeedForm(SieeFormMixin, forms.Form):
    buyer = forms.ChoiceField(label=_("Comprador (empresa tractora o entidad pública)"))
    title = forms.CharField(label=_("Bien o servicio requerido"), max_length=200,
                            help_text=_("Con las palabras que usaría un proveedor, p. ej. «pan para desayunos»."))
    kind = forms.ChoiceField(label=_("Tipo"), choices=ProductKind.choices, initial=ProductKind.PRODUCT)
    description = forms.CharField(label=_("Descripción"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    sector = forms.ChoiceField(label=_("Sector (CIIU)"), required=False)
    quantity = amount_field(_("Cantidad"), required=False, help_text="")
    unit = forms.CharField(label=_("Unidad"), max_length=40, required=False, help_text=_("p. ej. unidades, kg, servicios"))
    frequency = forms.CharField(label=_("Frecuencia"), max_length=60, required=False, help_text=_("p. ej. diaria, mensual, una vez"))
    budget = amount_field(_("Presupuesto estimado"), required=False)
    quality_requirements = forms.CharField(label=_("Requisitos de calidad"), widget=forms.Textarea(attrs={"rows": 2}),
                                           required=False)
    certifications = forms.CharField(label=_("Certificaciones exigidas"), max_length=300, required=False,
                                     help_text=_("Separadas por comas, p. ej. INVIMA, manipulación de alimentos"))
    skills = forms.ModelMultipleChoiceField(label=_("Habilidades requeridas"), queryset=Skill.objects.all(), required=False,
                                            widget=TaxonomyMultiAutocomplete("skill", placeholder=_("p. ej. panadería")))
    municipality_code = forms.ChoiceField(label=_("Municipio donde se entrega"))
    local_only = forms.BooleanField(label=_("Solo proveedores del territorio (el municipio y sus comunas)"), required=False)
    starts_on = forms.DateField(label=_("Desde"), widget=DateInput())
    ends_on = forms.DateField(label=_("Hasta"), widget=DateInput(), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["buyer"].choices = buyer_choices(user)
        self.fields["sector"].choices = sector_choices()
        self.fields["municipality_code"].choices = territory_choices(user, _("— Elija el municipio —"))
        self.fields["starts_on"].initial = timezone.localdate()

    def service_data(self) -> dict:
        d = dict(self.cleaned_data)
        kind, _sep, pk = d.pop("buyer").partition(":")
        d["buyer_employer_id" if kind == "employer" else "buyer_entity_id"] = int(pk)
        d.pop("skills", None)
        return d

    def skill_ids(self) -> list[int]:
        return [s.pk for s in self.cleaned_data.get("skills") or []]

    FIELD_NAMES = {"buyer_employer_id": "buyer", "buyer_entity_id": "buyer"}


class SupplierStepForm(SieeFormMixin, forms.Form):
    initiative = forms.IntegerField(widget=forms.HiddenInput)
    step = forms.ChoiceField(label=_("Paso"), choices=SupplierStep.choices)
    value = amount_field(_("Valor"), required=False, help_text="")
    note = forms.CharField(label=_("Nota"), max_length=500, required=False)


# --- business events ---------------------------------------------------------------------------------------

class EventForm(SieeFormMixin, forms.Form):
    name = forms.CharField(label=_("Nombre del evento"), max_length=200)
    kind = forms.ChoiceField(label=_("Tipo"), choices=EventKind.choices, initial=EventKind.FAIR)
    date = forms.DateField(label=_("Fecha"), widget=DateInput())
    place = forms.CharField(label=_("Lugar"), max_length=200, required=False)
    municipality_code = forms.ChoiceField(label=_("Municipio"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality_code"].choices = territory_choices(user, _("— Elija el municipio —"))


class ParticipantForm(SieeFormMixin, forms.Form):
    role = forms.ChoiceField(label=_("Participa como"), choices=ParticipantRole.choices)
    initiative_id = forms.ChoiceField(label=_("Iniciativa (expositora)"), required=False)
    employer_id = forms.ChoiceField(label=_("Empresa compradora"), required=False)
    person_id = forms.IntegerField(label=_("Persona (número interno del registro)"), min_value=1, required=False,
                                   widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    attended = forms.BooleanField(label=_("Ya asistió"), required=False)

    def __init__(self, *args, initiatives, employers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["initiative_id"].choices = [("", "—")] + [(str(i.pk), i.name) for i in initiatives]
        self.fields["employer_id"].choices = [("", "—")] + [(str(e.pk), e.name) for e in employers]

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {"role": d["role"], "initiative_id": d.get("initiative_id") or None,
                "employer_id": d.get("employer_id") or None, "person_id": d.get("person_id") or None,
                "attended": d.get("attended", False)}


class ContactForm(SieeFormMixin, forms.Form):
    initiative_id = forms.ChoiceField(label=_("Iniciativa"))
    employer_id = forms.ChoiceField(label=_("Con la empresa compradora"), required=False)
    person_id = forms.IntegerField(label=_("O con la persona (número interno)"), min_value=1, required=False,
                                   widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    is_deal = forms.BooleanField(label=_("Se cerró un negocio"), required=False)
    value = amount_field(_("Valor del negocio"), required=False)
    note = forms.CharField(label=_("Nota"), max_length=300, required=False)

    def __init__(self, *args, initiatives, employers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["initiative_id"].choices = [("", _("— Elija —"))] + [(str(i.pk), i.name) for i in initiatives]
        self.fields["employer_id"].choices = [("", "—")] + [(str(e.pk), e.name) for e in employers]

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {"initiative_id": d["initiative_id"], "employer_id": d.get("employer_id") or None,
                "person_id": d.get("person_id") or None, "is_deal": d.get("is_deal", False),
                "value": d.get("value") or None, "note": d.get("note", "")}


# --- initiative page ---------------------------------------------------------------------------------------

class DiagnosisForm(SieeFormMixin, forms.Form):
    """One 0-4 answer per question of the questionnaire; the service computes the weighted score."""

    def __init__(self, *args, questionnaire, **kwargs):
        super().__init__(*args, **kwargs)
        self.questionnaire = questionnaire
        for q in questionnaire.questions:
            self.fields[q["code"]] = forms.ChoiceField(
                label=f"{q['area']}: {q['text']}", choices=ANSWER_CHOICES, widget=forms.RadioSelect,
                error_messages={"required": REQUIRED, "invalid_choice": INVALID_CHOICE})

    def answers(self) -> dict:
        return {code: int(value) for code, value in self.cleaned_data.items()}


class SessionForm(SieeFormMixin, forms.Form):
    on = forms.DateField(label=_("Fecha de la sesión"), widget=DateInput(), required=False,
                         help_text=_("Vacío: hoy."))
    minutes = forms.IntegerField(label=_("Duración (minutos)"), min_value=5, max_value=600, required=False, initial=60)
    notes = forms.CharField(label=_("Notas de la sesión"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    tasks = forms.CharField(label=_("Tareas acordadas (una por línea)"), widget=forms.Textarea(attrs={"rows": 2}),
                            required=False, max_length=3000)
    tasks_due_on = forms.DateField(label=_("Fecha límite de las tareas"), widget=DateInput(), required=False)

    def clean_on(self):
        on = self.cleaned_data.get("on")
        if on and on > timezone.localdate():
            raise forms.ValidationError(_("La sesión no puede tener fecha futura."))
        return on

    def task_list(self) -> list[dict]:
        due = self.cleaned_data.get("tasks_due_on")
        return [{"description": t.strip()[:300], "due_on": due}
                for t in (self.cleaned_data.get("tasks") or "").splitlines() if t.strip()]


class SurvivalForm(SieeFormMixin, forms.Form):
    operating = forms.ChoiceField(label=_("¿Sigue operando?"), choices=YES_NO, widget=forms.RadioSelect)
    jobs = forms.IntegerField(label=_("Empleos (personas que trabajan en ella)"), min_value=0, max_value=100_000,
                              required=False)
    monthly_sales = amount_field(_("Ventas del último mes"), required=False)
    notes = forms.CharField(label=_("Observaciones"), max_length=500, required=False)

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {"operating": d["operating"] == "1", "jobs": d.get("jobs"), "monthly_sales": d.get("monthly_sales") or None,
                "notes": d.get("notes", "")}
