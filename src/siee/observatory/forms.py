"""Forms of the observatory pages: dashboard filters and the analyst-defined indicator form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from siee.web.forms import SieeFormMixin

BREAKDOWN_LABELS = {
    "territory": _("Territorio (nivel inferior)"),
    "sex": _("Sexo"),
    "age_group": _("Grupo de edad"),
    "nationality": _("Nacionalidad"),
    "migratory_status": _("Estatus migratorio"),
    "disability": _("Discapacidad"),
    "education_level": _("Nivel educativo"),
    "isco1": _("Ocupación (CIUO, 1 dígito)"),
    "isco2": _("Ocupación (CIUO, 2 dígitos)"),
    "isco3": _("Ocupación (CIUO, 3 dígitos)"),
    "isco4": _("Ocupación (CIUO, 4 dígitos)"),
    "isic_section": _("Sector económico (CIIU, sección)"),
    "employer_size": _("Tamaño de la empresa"),
}
KIND_LABELS = {
    "count": _("Conteo de registros"),
    "sum": _("Suma de un valor"),
    "ratio": _("Razón: numerador / denominador × factor"),
    "median": _("Mediana de un valor"),
    "mean": _("Promedio de un valor"),
    "ranking": _("Clasificación (los elementos más frecuentes)"),
}
STAT_CHOICES = [("count", _("conteo")), ("sum", _("suma")), ("mean", _("promedio")), ("median", _("mediana"))]
PERIODICITY_CHOICES = [("quarter", _("Trimestral")), ("month", _("Mensual")), ("year", _("Anual"))]


def breakdown_label(name: str) -> str:
    return str(BREAKDOWN_LABELS.get(name, name))


class DashboardFilterForm(SieeFormMixin, forms.Form):
    """GET filters of the dashboard. Choices are given by the view (they depend on the user's territories)."""

    territorio = forms.ChoiceField(label=_("Territorio"), required=False)
    periodo = forms.ChoiceField(label=_("Periodo"), required=False)
    desagregacion = forms.ChoiceField(label=_("Desagregar por"), required=False)
    indicador = forms.ChoiceField(label=_("Indicador del gráfico"), required=False)

    def __init__(self, *args, territories, periods, breakdowns, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territorio"].choices = territories
        self.fields["periodo"].choices = periods
        self.fields["desagregacion"].choices = [(b, breakdown_label(b)) for b in breakdowns]
        self.fields["indicador"].choices = indicators
        for name in self.fields:
            self.fields[name].widget.attrs["data-obs-filter"] = ""


def parse_filters(text: str) -> dict[str, list[str]]:
    """'sex=F; migratory_status=regular,irregular' -> {"sex": ["F"], "migratory_status": ["regular", ...]}.

    Raises ValueError with a Spanish message naming the bad part.
    """
    out: dict[str, list[str]] = {}
    for part in (text or "").replace("\n", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        if "=" not in part:
            raise ValueError(_("Filtro no válido «%(part)s»: use dimensión=valor (p. ej. sex=F).") % {"part": part})
        dim, values = part.split("=", 1)
        dim = dim.strip()
        items = [v.strip() for v in values.split(",") if v.strip()]
        if not dim or not items:
            raise ValueError(_("Filtro no válido «%(part)s»: use dimensión=valor (p. ej. sex=F).") % {"part": part})
        out.setdefault(dim, []).extend(items)
    return out


def format_filters(filters: dict | None) -> str:
    return "; ".join(f"{k}={','.join(v if isinstance(v, list | tuple) else [v])}" for k, v in (filters or {}).items())


class DefinitionForm(SieeFormMixin, forms.Form):
    """An indicator defined without code. The engine validates the assembled definition before saving."""

    code = forms.CharField(label=_("Código"), max_length=60,
                           help_text=_("Minúsculas, dígitos y '_', empezando por una letra (p. ej. colocaciones_mujeres)."))
    name = forms.CharField(label=_("Nombre"), max_length=200)
    description = forms.CharField(label=_("Descripción"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    kind = forms.ChoiceField(label=_("Tipo de indicador"), choices=list(KIND_LABELS.items()))
    measure = forms.CharField(label=_("Medida"), required=False, max_length=60,
                              help_text=_("Para conteo, suma, promedio, mediana o clasificación."))
    measure_filters = forms.CharField(label=_("Filtros de la medida"), required=False, max_length=500,
                                      help_text=_("dimensión=valor separados por «;», p. ej. sex=F; nationality=VE"))
    numerator = forms.CharField(label=_("Numerador (medida)"), required=False, max_length=60)
    numerator_stat = forms.ChoiceField(label=_("Estadístico del numerador"), choices=STAT_CHOICES, required=False)
    numerator_filters = forms.CharField(label=_("Filtros del numerador"), required=False, max_length=500)
    denominator = forms.CharField(label=_("Denominador (medida)"), required=False, max_length=60)
    denominator_stat = forms.ChoiceField(label=_("Estadístico del denominador"), choices=STAT_CHOICES, required=False)
    denominator_filters = forms.CharField(label=_("Filtros del denominador"), required=False, max_length=500)
    factor = forms.FloatField(label=_("Factor"), required=False, initial=1,
                              help_text=_("100 para expresar una razón en porcentaje."))
    unit = forms.CharField(label=_("Unidad"), max_length=40, required=False,
                           help_text=_("p. ej. personas, %, días, COP"))
    periodicity = forms.ChoiceField(label=_("Periodicidad"), choices=PERIODICITY_CHOICES, initial="quarter")
    dimensions = forms.MultipleChoiceField(label=_("Desagregaciones permitidas"), required=False,
                                           choices=list(BREAKDOWN_LABELS.items()),
                                           widget=forms.CheckboxSelectMultiple)
    published = forms.BooleanField(label=_("Publicar en el observatorio público"), required=False)

    # engine error key -> form field
    ERROR_FIELDS = {"measure": "measure", "numerator": "numerator", "denominator": "denominator"}

    def __init__(self, *args, measures: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.measures = measures or []
        if self.measures:
            for name in ("measure", "numerator", "denominator"):
                self.fields[name].widget.attrs["list"] = "obs-measures"
            self.fields["measure"].help_text = _("Código de una medida de la tabla de abajo.")
        self.fields["factor"].error_messages["invalid"] = _("Escriba un número (use punto decimal).")

    def _filters(self, name: str) -> dict[str, list[str]]:
        try:
            return parse_filters(self.cleaned_data.get(name) or "")
        except ValueError as exc:
            self.add_error(name, str(exc))
            return {}

    def definition(self) -> dict:
        """The definition dict for `validate_definition` / `save_definition` (call after is_valid())."""
        d = self.cleaned_data
        kind = d["kind"]
        data: dict = {
            "code": d["code"].strip(), "name": d["name"].strip(), "description": d.get("description") or "",
            "kind": kind, "unit": d.get("unit") or "", "periodicity": d.get("periodicity") or "quarter",
            "factor": d["factor"] if d.get("factor") is not None else 1,
            "dimensions": list(d.get("dimensions") or []), "published": bool(d.get("published")),
        }
        if kind == "ratio":
            for part in ("numerator", "denominator"):
                operand: dict = {"measure": (d.get(part) or "").strip(), "stat": d.get(f"{part}_stat") or "count"}
                filters = self._filters(f"{part}_filters")
                if filters:
                    operand["filters"] = filters
                data[part] = operand if operand["measure"] else ""
        else:
            operand = {"measure": (d.get("measure") or "").strip()}
            filters = self._filters("measure_filters")
            if filters:
                operand["filters"] = filters
            data["measure"] = operand if operand["measure"] else ""
        return data

    def add_engine_errors(self, errors: dict[str, list[str]]) -> None:
        for key, reasons in errors.items():
            target = self.ERROR_FIELDS.get(key, key)
            target = target if target in self.fields else None
            for reason in reasons if isinstance(reasons, list | tuple) else [reasons]:
                self.add_error(target, str(reason))
