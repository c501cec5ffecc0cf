"""Training indicators for the observatory (discovered by `siee.observatory.registry`).

Facts: one per enrolment that started (month of enrolment), completed or certified (month of completion), and
per completion followed by a placement within 90 days (month of completion); each with the person's territory
and dimensions. Rankings give the same by course and by provider.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from siee.observatory.facts import MeasureSpec

CATEGORY = pgettext_lazy("training", "Formación")
STARTED = ("enrolled", "completed", "dropped")


def _placed_within_90_days() -> Q:
    """Completed enrolments whose person started a job between the cohort's start and 90 days after completion."""
    from siee.intermediation.models import Placement
    from siee.training.contracts import PLACEMENT_WINDOW_DAYS
    from siee.training.models import Enrolment

    done = {pk: (person, start, day) for pk, person, start, day in Enrolment.objects.filter(
        status="completed", completed_on__isnull=False).values_list("pk", "person_id", "cohort__start_date", "completed_on")}
    starts: dict[int, list[dt.date]] = {}
    for person, start in Placement.objects.filter(person_id__in={v[0] for v in done.values()}).values_list(
            "person_id", "start_date"):
        starts.setdefault(person, []).append(start)
    ids = [pk for pk, (person, start, day) in done.items()
           if any(start <= s <= day + dt.timedelta(days=PLACEMENT_WINDOW_DAYS) for s in starts.get(person, ()))]
    return Q(pk__in=ids)


def _course_labels(ids: list[str]) -> dict[str, str]:
    from siee.training.models import Course

    pks = [int(i) for i in ids if str(i).isdigit()]
    return {str(pk): title for pk, title in Course.objects.filter(pk__in=pks).values_list("pk", "title")}


def _provider_labels(ids: list[str]) -> dict[str, str]:
    from siee.core.models import Organization

    pks = [int(i) for i in ids if str(i).isdigit()]
    return {str(pk): name for pk, name in Organization.objects.filter(pk__in=pks).values_list("pk", "name")}


_base = dict(model="training.Enrolment", territory="person__municipality_id", person="person__")
_started = dict(date="enrolled_at", filter={"status__in": STARTED, "enrolled_at__isnull": False}, unit="personas")
_completed = dict(date="completed_on", filter={"status": "completed"}, unit="personas")
_certified = dict(date="completed_on", filter={"status": "completed", "certified": True}, unit="personas")
_placed = dict(date="completed_on", filter=_placed_within_90_days, unit="personas")

MEASURES = [
    MeasureSpec("training_enrolled", "Personas que iniciaron un curso", **_base, **_started),
    MeasureSpec("training_completed", "Personas que finalizaron un curso", **_base, **_completed),
    MeasureSpec("training_certified", "Personas certificadas", **_base, **_certified),
    MeasureSpec("training_placed_90d", "Personas colocadas dentro de los 90 días siguientes a finalizar un curso",
                **_base, **_placed),
]
for suffix, item, labels in (("course", "cohort__course_id", _course_labels),
                             ("provider", "cohort__course__provider_id", _provider_labels)):
    for code, label, extra in (("enrolled", "iniciaron", _started), ("completed", "finalizaron", _completed),
                               ("certified", "certificadas", _certified), ("placed_90d", "colocadas a 90 días", _placed)):
        MEASURES.append(MeasureSpec(f"training_{code}_by_{suffix}", f"Formación ({label}) por {'curso' if suffix == 'course' else 'proveedor'}",
                                    item=item, item_label=labels, **_base, **extra))


def _count(code, name, measure, description):
    return {"code": code, "name": name, "kind": "count", "unit": _("personas"), "category": CATEGORY,
            "measure": measure, "description": description}


def _ranking(code, name, measure, description):
    return {"code": code, "name": name, "kind": "ranking", "unit": _("personas"), "category": CATEGORY,
            "measure": measure, "top": 10, "description": description}


INDICATORS = [
    _count("training_enrolled", _("Personas que iniciaron un curso"), "training_enrolled",
           _("Inscripciones confirmadas en el periodo (incluye a quienes luego se retiraron).")),
    _count("training_completed", _("Personas que finalizaron un curso"), "training_completed",
           _("Inscripciones finalizadas en el periodo.")),
    _count("training_certified", _("Personas certificadas"), "training_certified",
           _("Finalizaciones con certificación en el periodo.")),
    _count("training_placed_90d", _("Colocadas a 90 días de finalizar un curso"), "training_placed_90d",
           _("Personas que finalizaron un curso en el periodo y empezaron un empleo dentro de los 90 días siguientes.")),
    {"code": "training_completion_rate", "name": _("Tasa de finalización de cursos"), "kind": "ratio", "unit": "%",
     "category": CATEGORY, "numerator": "training_completed", "denominator": "training_enrolled", "factor": 100,
     "description": _("Finalizaciones por cada 100 inicios en el periodo.")},
    {"code": "training_placement_rate_90d", "name": _("Colocación a 90 días de los egresados"), "kind": "ratio",
     "unit": "%", "category": CATEGORY, "numerator": "training_placed_90d", "denominator": "training_completed",
     "factor": 100, "description": _("De cada 100 personas que finalizaron un curso, cuántas se colocaron en 90 días.")},
]
for suffix, who in (("course", _("por curso")), ("provider", _("por proveedor"))):
    for code, name in (("enrolled", _("Inicios")), ("completed", _("Finalizaciones")),
                       ("certified", _("Certificaciones")), ("placed_90d", _("Colocaciones a 90 días"))):
        INDICATORS.append(_ranking(f"training_{code}_by_{suffix}", f"{name} {who}", f"training_{code}_by_{suffix}",
                                   _("Las 10 primeras en el periodo.")))
