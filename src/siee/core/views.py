"""Audit log page for agency administrators."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from siee.core.models import AuditAction, AuditEntry
from siee.web.forms import DateInput, SieeFormMixin
from siee.web.pagination import paginate
from siee.web.permissions import agency_admin_required


def audit_entries_for(user):
    """System admins see every entry; agency admins those of their own organization's users."""
    qs = AuditEntry.objects.select_related("actor")
    if not user.is_system_admin:
        qs = qs.filter(organization_id=user.organization_id) if user.organization_id else qs.none()
    return qs


class AuditFilterForm(SieeFormMixin, forms.Form):
    actor = forms.CharField(label=_("Usuario"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("Acción"), required=False, choices=[("", _("Todas")), *AuditAction.choices])
    object_type = forms.ChoiceField(label=_("Tipo de objeto"), required=False)
    date_from = forms.DateField(label=_("Desde"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("Hasta"), required=False, widget=DateInput())

    def __init__(self, *args, types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["object_type"].choices = [("", _("Todos"))] + [(t, t) for t in types]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("La fecha final es anterior a la inicial."))
        return data

    def apply(self, qs):
        if not self.is_valid():
            return qs
        d = self.cleaned_data
        if d.get("actor"):
            qs = qs.filter(actor_label__iexact=d["actor"].strip())
        if d.get("action"):
            qs = qs.filter(action=d["action"])
        if d.get("object_type"):
            qs = qs.filter(object_type=d["object_type"])
        if d.get("date_from"):
            qs = qs.filter(at__date__gte=d["date_from"])
        if d.get("date_to"):
            qs = qs.filter(at__date__lt=d["date_to"] + dt.timedelta(days=1))
        return qs


@agency_admin_required
def audit_log(request):
    base = audit_entries_for(request.user)
    types = sorted(set(base.values_list("object_type", flat=True).distinct()) - {""})
    form = AuditFilterForm(request.GET or None, types=types)
    entries = form.apply(base)
    return render(request, "core/audit.html", {"filter_form": form, **paginate(request, entries, per_page=50)})
