"""Results-linked contracts: the payment formula (pure, no database) and the indicators measured from system data.

A formula is a fixed part paid per cohort plus parts, each released when its indicator reaches its target:

    {"fixed": 2000000,
     "parts": [{"indicator": "completed", "basis": "rate", "target": 0.7, "amount": 3000000},
               {"indicator": "placed_90d", "basis": "count", "target": 5, "amount": 4000000}]}

`basis` "rate" divides the indicator by the number enrolled (for "enrolled" itself: by the cohort's seats);
"count" compares the number itself. A part is reached when value >= target.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from siee.core.errors import ValidationFailed

INDICATORS: dict[str, object] = {
    "enrolled": gettext_lazy("inscritas (iniciaron el curso)"),
    "completed": gettext_lazy("finalizaron el curso"),
    "certified": gettext_lazy("certificadas"),
    "placed_90d": gettext_lazy("colocadas dentro de los 90 días siguientes a la finalización"),
    "employed_6m": gettext_lazy("siguen empleadas a los 6 meses de la colocación"),
}
BASES = ("rate", "count")
PLACEMENT_WINDOW_DAYS = 90


MEASURE_LABELS: dict[str, object] = {"seats": gettext_lazy("cupos"), **INDICATORS}


def money(amount: float) -> str:
    """Whole pesos with Spanish thousands separators: 2.000.000."""
    return f"{amount:,.0f}".replace(",", ".")


def validate_formula(formula) -> dict:
    """A clean copy of `formula`, or ValidationFailed naming the part and the reason.

    The exception's `errors` are keyed by part (`formula.fixed`, `formula.parts[2]`); its `field_errors` say which
    attribute of the part failed (`formula.parts[2].indicator`, `.basis`, `.target`, `.amount`), for forms."""
    if not isinstance(formula, dict):
        raise ValidationFailed(_("La fórmula de pago debe ser un objeto con 'fixed' y 'parts'."), field="formula")
    errors: dict[str, list[str]] = {}
    field_errors: dict[str, list[str]] = {}

    def error(key: str, attribute: str | None, message: str) -> None:
        errors.setdefault(key, []).append(message)
        field_errors.setdefault(f"{key}.{attribute}" if attribute else key, []).append(message)

    try:
        fixed = float(formula.get("fixed", 0) or 0)
        if fixed < 0:
            raise ValueError
    except (TypeError, ValueError):
        error("formula.fixed", None, _("El pago fijo debe ser un número mayor o igual a cero."))
        fixed = 0.0
    parts_in = formula.get("parts", [])
    if not isinstance(parts_in, list):
        error("formula.parts", None, _("'parts' debe ser una lista."))
        parts_in = []
    parts = []
    for i, part in enumerate(parts_in, start=1):
        key = f"formula.parts[{i}]"
        if not isinstance(part, dict):
            error(key, None, _("Cada parte debe ser un objeto."))
            continue
        indicator = str(part.get("indicator", "")).strip()
        if indicator not in INDICATORS:
            error(key, "indicator", _("Indicador desconocido: '%(i)s'. Indicadores válidos: %(v)s.") % {
                "i": indicator, "v": ", ".join(INDICATORS)})
        basis = str(part.get("basis", "rate")).strip()
        if basis not in BASES:
            error(key, "basis", _("Base desconocida: '%(b)s' (use rate o count).") % {"b": basis})
        try:
            target = float(part.get("target"))
            if target < 0 or (basis == "rate" and target > 1):
                raise ValueError
        except (TypeError, ValueError):
            error(key, "target", _("La meta debe ser un número (entre 0 y 1, es decir de 0 % a 100 %, si la base es una tasa)."))
            target = 0.0
        try:
            amount = float(part.get("amount"))
            if amount < 0:
                raise ValueError
        except (TypeError, ValueError):
            error(key, "amount", _("El monto debe ser un número mayor o igual a cero."))
            amount = 0.0
        parts.append({"indicator": indicator, "basis": basis, "target": target, "amount": amount})
    if errors:
        first = next(iter(errors.items()))
        exc = ValidationFailed(f"{first[0]}: {first[1][0]}", field=first[0], errors=errors)
        exc.field_errors = field_errors
        raise exc
    return {"fixed": fixed, "parts": parts}


@dataclass
class CohortMeasures:
    seats: int
    enrolled: int
    completed: int
    certified: int
    placed_90d: int
    employed_6m: int

    def value(self, indicator: str) -> int:
        return int(getattr(self, indicator))


def compute_payable(formula: dict, m: CohortMeasures) -> dict:
    """What is payable for one cohort under `formula`, with one line per part saying why."""
    formula = validate_formula(formula)
    lines = [{"part": "fixed", "indicator": None, "reached": True, "amount": formula["fixed"],
              "why": _("Pago fijo por cohorte: %(a)s.") % {"a": money(formula["fixed"])}}]
    total = formula["fixed"]
    for part in formula["parts"]:
        ind = part["indicator"]
        value = m.value(ind)
        if part["basis"] == "rate":
            denominator = m.seats if ind == "enrolled" else m.enrolled
            measured = value / denominator if denominator else 0.0
            shown = f"{value}/{denominator} = {measured:.0%}"
            target_shown = f"{part['target']:.0%}"
        else:
            measured = float(value)
            shown = str(value)
            target_shown = f"{part['target']:g}"
        reached = measured + 1e-9 >= part["target"]
        amount = part["amount"] if reached else 0.0
        total += amount
        verdict = _("alcanzada: se libera") if reached else _("no alcanzada: no se paga")
        lines.append({
            "part": ind, "indicator": ind, "label": str(INDICATORS[ind]), "basis": part["basis"], "value": value,
            "measured": round(measured, 4), "target": part["target"], "reached": reached, "amount": amount,
            "part_amount": part["amount"],
            "why": _("%(label)s: %(shown)s; meta %(target)s, %(verdict)s %(amount)s.") % {
                "label": str(INDICATORS[ind]).capitalize(), "shown": shown, "target": target_shown,
                "verdict": verdict, "amount": money(part["amount"])},
        })
    maximum = formula["fixed"] + sum(p["amount"] for p in formula["parts"])
    shown = [{"code": k, "label": str(MEASURE_LABELS[k]), "value": v} for k, v in m.__dict__.items()]
    return {"measures": m.__dict__.copy(), "measures_shown": shown, "lines": lines, "payable": total,
            "maximum": maximum}


def measure_cohort(cohort, *, today: dt.date | None = None) -> CohortMeasures:
    """The contract indicators of one cohort, measured from enrolments, placements and follow-ups."""
    from siee.intermediation.models import FollowUp, Placement
    from siee.training.models import STARTED_STATUSES, EnrolmentStatus

    rows = list(cohort.enrolments.filter(status__in=STARTED_STATUSES).values_list("person_id", "status", "completed_on",
                                                                                   "certified"))
    completed = {pid: day for pid, status, day, _c in rows if status == EnrolmentStatus.COMPLETED and day}
    placed: dict[int, int] = {}
    if completed:
        for pid, pk, start in (Placement.objects.filter(person_id__in=list(completed), start_date__gte=cohort.start_date)
                               .order_by("start_date", "id").values_list("person_id", "pk", "start_date")):
            if pid not in placed and start <= completed[pid] + dt.timedelta(days=PLACEMENT_WINDOW_DAYS):
                placed[pid] = pk
    employed = 0
    if placed:
        employed = (FollowUp.objects.filter(placement_id__in=list(placed.values()), months_after=6, still_employed=True)
                    .values("placement_id").distinct().count())
    return CohortMeasures(seats=cohort.seats, enrolled=len(rows), completed=len(completed),
                          certified=sum(1 for _p, status, _d, c in rows if c and status == EnrolmentStatus.COMPLETED),
                          placed_90d=len(placed), employed_6m=employed)
