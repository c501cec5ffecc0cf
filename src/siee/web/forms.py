"""Form helpers shared by the apps' forms: Spanish-first error messages, domain errors onto fields."""

from __future__ import annotations

from django import forms
from django.forms.utils import pretty_name
from django.utils.translation import gettext_lazy as _

from siee.web.widgets import TaxonomyAutocomplete

REQUIRED = _("Este campo es obligatorio.")
INVALID_CHOICE = _("Elija una opción de la lista.")


class SieeFormMixin:
    """Applies clear messages and maps a service's ValidationFailed.errors onto the form."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if field.error_messages.get("required") == forms.Field.default_error_messages["required"]:
                field.error_messages["required"] = REQUIRED
            if isinstance(field, forms.ModelChoiceField | forms.ChoiceField):
                field.error_messages["invalid_choice"] = INVALID_CHOICE
            if isinstance(field, forms.DateField):
                field.error_messages["invalid"] = _("Fecha no válida. Use el formato AAAA-MM-DD.")
            if isinstance(field, forms.IntegerField):
                field.error_messages["invalid"] = _("Escriba un número entero.")
            if isinstance(field.widget, TaxonomyAutocomplete):
                field.widget.label = field.label or pretty_name(name)
                field.error_messages["invalid_choice"] = _("Elija una opción de las sugerencias de la lista.")
                field.error_messages["invalid_pk_value"] = _("Elija una opción de las sugerencias de la lista.")

    def add_domain_errors(self, exc) -> None:
        """Put a ValidationFailed's messages on the matching fields (unknown fields go to the top)."""
        for field, messages in (getattr(exc, "errors", None) or {"__all__": [str(exc)]}).items():
            target = field if field in self.fields else None
            for message in messages if isinstance(messages, list | tuple) else [messages]:
                self.add_error(target, str(message))


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")
