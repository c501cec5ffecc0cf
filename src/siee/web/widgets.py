"""Autocomplete widgets for taxonomy codes: a visible search box driven by htmx plus hidden id input(s)."""

from __future__ import annotations

from django import forms
from django.urls import reverse


def _labels(kind: str, ids) -> dict[str, str]:
    from siee.taxonomy.models import Occupation, Skill

    model = Occupation if kind == "occupation" else Skill
    clean = [int(i) for i in ids if str(i).strip().isdigit()]
    return {str(pk): label for pk, label in model.objects.filter(pk__in=clean).values_list("pk", "label")}


class TaxonomyAutocomplete(forms.Widget):
    """Single choice: `<name>` holds the chosen id; `<name>_q` is the text typed (ignored by the form)."""

    template_name = "web/widgets/autocomplete.html"
    multiple = False

    def __init__(self, kind: str = "occupation", *, placeholder: str = "", attrs=None):
        super().__init__(attrs)
        self.kind = kind
        self.placeholder = placeholder

    def get_context(self, name, value, attrs):
        ctx = super().get_context(name, value, attrs)
        values = value if isinstance(value, list | tuple) else ([] if value in (None, "") else [value])
        labels = _labels(self.kind, values)
        ctx["widget"].update(
            {
                "kind": self.kind,
                "multiple": self.multiple,
                "search_url": reverse("web:taxonomy_search"),
                "placeholder": self.placeholder,
                "chosen": [{"id": str(v), "label": labels.get(str(v), str(v))} for v in values if str(v) in labels],
                "label": getattr(self, "label", ""),
                "required": self.is_required,
            }
        )
        return ctx

    def value_from_datadict(self, data, files, name):
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data


class TaxonomyMultiAutocomplete(TaxonomyAutocomplete):
    """Several choices, shown as removable chips; each chosen id is a hidden `<name>` input."""

    multiple = True

    def value_from_datadict(self, data, files, name):
        getter = getattr(data, "getlist", None)
        values = getter(name) if getter else data.get(name, [])
        return [v for v in values if v not in ("", None)]

    def value_omitted_from_data(self, data, files, name):
        return False

