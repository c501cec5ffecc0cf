"""Spreadsheet import pages: upload a CSV/XLSX, see the row-level report, download the rejected rows to fix.

The engine is `siee.core.imports` (the same one `siee import` uses). The report and rejected-rows files are
kept under DATA_DIR/imports/, named with the user's id and a random token; in a multi-server deployment that
directory must be a shared volume (or the download will 404 on another server).
"""

from __future__ import annotations

import secrets
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from siee.core.errors import PermissionDenied as DomainPermissionDenied
from siee.web.forms import SieeFormMixin
from siee.web.permissions import personal_data_required

ENTITIES = [
    ("people", gettext_lazy("Personas (buscadoras de empleo)")),
    ("employers", gettext_lazy("Empleadores")),
    ("vacancies", gettext_lazy("Vacantes")),
]
REPORT_ROWS_SHOWN = 500
_TOKEN_CHARS = set("0123456789abcdef")


def _columns(entity: str) -> tuple[list[str], list[str]]:
    if entity == "people":
        from siee.people.validation import PERSON_COLUMNS, REQUIRED

        return [c for c in PERSON_COLUMNS if c != "id"], list(REQUIRED)
    from siee.employers import validation

    if entity == "employers":
        return [c for c in validation.EMPLOYER_COLUMNS if c != "id"], list(validation.EMPLOYER_REQUIRED)
    return [c for c in validation.VACANCY_COLUMNS if c != "id"], list(validation.VACANCY_REQUIRED)


def _importer(entity: str):
    if entity == "people":
        from siee.people.imports import import_people

        return import_people
    from siee.employers.imports import import_employers, import_vacancies

    return import_employers if entity == "employers" else import_vacancies


def _import_dir() -> Path:
    path = Path(settings.DATA_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


class ImportForm(SieeFormMixin, forms.Form):
    entity = forms.ChoiceField(label=gettext_lazy("¿Qué va a importar?"), choices=ENTITIES)
    file = forms.FileField(
        label=gettext_lazy("Archivo CSV o XLSX"),
        help_text=gettext_lazy("Primera fila con los nombres de columna. CSV en UTF-8 o Latin-1, separado por comas o punto y coma."),
        error_messages={"required": gettext_lazy("Elija el archivo que va a importar."),
                        "empty": gettext_lazy("El archivo está vacío.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = Path(upload.name or "").suffix.lower()
        if suffix not in (".csv", ".xlsx", ".txt"):
            raise forms.ValidationError(_("Formato no admitido (%(ext)s): use CSV o XLSX.") % {"ext": suffix or "?"})
        limit = int(settings.IMPORT_MAX_BYTES)
        if upload.size > limit:
            raise forms.ValidationError(
                _("El archivo pesa %(size).1f MB; el máximo es %(max).0f MB. Divídalo en varios archivos.")
                % {"size": upload.size / 2**20, "max": limit / 2**20})
        return upload


@personal_data_required
def import_page(request):
    from siee.core.tabular import UnreadableFile

    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    token = ""
    if request.method == "POST" and form.is_valid():
        entity = form.cleaned_data["entity"]
        upload = form.cleaned_data["file"]
        fmt = "xlsx" if upload.name.lower().endswith(".xlsx") else "csv"
        token = secrets.token_hex(12)
        base = _import_dir() / f"{request.user.pk}-{token}"
        try:
            result = _importer(entity)(upload, actor=request.user, report_path=f"{base}-informe.csv",
                                       rejected_path=f"{base}-rechazadas.{fmt}")
        except UnreadableFile as exc:
            form.add_error("file", str(exc))
        except DomainPermissionDenied as exc:
            form.add_error(None, exc.message)
        else:
            if result.rejected:
                messages.warning(request, _("Se importaron %(ok)d filas; %(bad)d filas fueron rechazadas. Descargue las rechazadas, corríjalas y vuelva a importarlas.")
                                 % {"ok": result.imported, "bad": result.rejected})
            else:
                messages.success(request, _("Se importaron todas las filas: %(ok)d.") % {"ok": result.imported})
    entity = form.data.get("entity") if form.is_bound else "people"
    columns, required = _columns(entity if entity in dict(ENTITIES) else "people")
    column_docs = {key: {"label": label, "columns": _columns(key)[0], "required": _columns(key)[1]} for key, label in ENTITIES}
    ctx = {
        "form": form,
        "result": result,
        "errors_shown": result.errors[:REPORT_ROWS_SHOWN] if result else [],
        "token": token,
        "rejected_ext": Path(result.rejected_path).suffix.lstrip(".") if result and result.rejected_path else "",
        "column_docs": column_docs,
        "columns": columns,
        "required": required,
    }
    return render(request, "web/import.html", ctx)


@personal_data_required
def import_download(request, token: str, kind: str):
    """Download the report or the rejected rows of one of the user's own imports."""
    if not token or set(token) - _TOKEN_CHARS or kind not in ("informe", "rechazadas"):
        raise Http404
    matches = sorted(_import_dir().glob(f"{request.user.pk}-{token}-{kind}.*"))
    if not matches:
        raise Http404(_("El archivo ya no está disponible."))
    path = matches[0]
    return FileResponse(path.open("rb"), as_attachment=True, filename=f"{kind}{path.suffix}")
