"""Enterprise indicators for the observatory (discovered by siee.observatory.registry).

Measures are facts by month and municipality of the initiative, with the owner's person dimensions (sex, age
group, nationality, migratory status...) and the initiative's ISIC section where it applies.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from siee.observatory.facts import MeasureSpec

CATEGORY = _("Emprendimiento")
_INITIATIVE = {"territory": "municipality_id", "person": "owner__", "job": {"isic_section": "sector__section"}}
_VIA_INITIATIVE = {"territory": "initiative__municipality_id", "person": "initiative__owner__",
                   "job": {"isic_section": "initiative__sector__section"}}
STAGES = [(10, "idea", _("Iniciativas en etapa de idea")), (20, "business_plan", _("Iniciativas con plan de negocio")),
          (30, "start_up", _("Iniciativas en puesta en marcha")), (40, "operating", _("Iniciativas en operación")),
          (50, "strengthening", _("Iniciativas en fortalecimiento")), (90, "closed", _("Iniciativas cerradas"))]


def _jobs(r: dict) -> int:
    return int(r["full"] or 0) + int(r["part"] or 0) + int(r["family"] or 0)


MEASURES = [
    MeasureSpec("initiatives_created", _("Iniciativas empresariales registradas"), "enterprise.BusinessInitiative",
                date="created_at", unit=_("iniciativas"), **_INITIATIVE),
    *[MeasureSpec(f"initiatives_stage_{code}", label, "enterprise.BusinessInitiative", date="created_at",
                  filter={"stage": stage}, unit=_("iniciativas"), **_INITIATIVE) for stage, code, label in STAGES],
    MeasureSpec("initiatives_formalized", _("Iniciativas formalizadas"), "enterprise.BusinessInitiative",
                date="formalized_on", filter={"registered": True}, unit=_("iniciativas"), **_INITIATIVE),
    MeasureSpec("initiative_jobs", _("Empleos de las iniciativas activas"), "enterprise.BusinessInitiative",
                date="created_at", exclude={"stage": 90}, value_fn=_jobs,
                raw={"full": "jobs_full_time", "part": "jobs_part_time", "family": "jobs_family"},
                unit=_("empleos"), **_INITIATIVE),
    *[MeasureSpec(f"survival_checked_{m}m", _("Seguimientos de supervivencia a %(m)d meses") % {"m": m},
                  "enterprise.SurvivalFollowUp", date="done_on", filter={"months": m, "done_on__isnull": False},
                  unit=_("iniciativas"), **_VIA_INITIATIVE) for m in (6, 12, 24)],
    *[MeasureSpec(f"survival_alive_{m}m", _("Iniciativas operando a %(m)d meses") % {"m": m},
                  "enterprise.SurvivalFollowUp", date="done_on", filter={"months": m, "operating": True},
                  unit=_("iniciativas"), **_VIA_INITIATIVE) for m in (6, 12, 24)],
    MeasureSpec("seed_capital_disbursed", _("Capital semilla desembolsado"), "enterprise.Tranche", date="paid_on",
                territory="award__application__initiative__municipality_id",
                person="award__application__initiative__owner__", filter={"status": "paid"}, value="amount",
                unit="COP"),
    MeasureSpec("supplier_deals", _("Negocios cerrados con compradores"), "enterprise.SupplierInteraction", date="at",
                filter={"step": "deal"}, value="value", unit="COP", **_VIA_INITIATIVE),
]

INDICATORS = [
    {"code": "initiatives_created", "name": _("Iniciativas empresariales creadas"), "kind": "count",
     "unit": _("iniciativas"), "category": CATEGORY, "measure": "initiatives_created",
     "description": _("Iniciativas registradas en la ruta de emprendimiento durante el periodo.")},
    *[{"code": f"initiatives_stage_{code}", "name": label, "kind": "count", "unit": _("iniciativas"),
       "category": CATEGORY, "measure": f"initiatives_stage_{code}", "cumulative": True,
       "description": _("Iniciativas registradas hasta el final del periodo cuya etapa actual es esta.")}
      for _stage, code, label in STAGES],
    {"code": "initiatives_formalized", "name": _("Iniciativas formalizadas"), "kind": "count",
     "unit": _("iniciativas"), "category": CATEGORY, "measure": "initiatives_formalized",
     "description": _("Iniciativas que obtuvieron su registro (NIT / RUT) durante el periodo.")},
    {"code": "initiative_jobs", "name": _("Empleos generados por las iniciativas"), "kind": "sum",
     "unit": _("empleos"), "category": CATEGORY, "measure": "initiative_jobs", "cumulative": True,
     "description": _("Empleos (tiempo completo, medio tiempo y familiares) de las iniciativas no cerradas "
                      "registradas hasta el final del periodo.")},
    *[{"code": f"survival_{m}m", "name": _("Supervivencia a %(m)d meses") % {"m": m}, "kind": "ratio", "unit": "%",
       "category": CATEGORY, "numerator": f"survival_alive_{m}m", "denominator": f"survival_checked_{m}m",
       "factor": 100,
       "description": _("Porcentaje de iniciativas que siguen operando en el seguimiento a %(m)d meses realizado en "
                        "el periodo.") % {"m": m}} for m in (6, 12, 24)],
    {"code": "seed_capital_disbursed", "name": _("Capital semilla desembolsado"), "kind": "sum", "unit": "COP",
     "category": CATEGORY, "measure": "seed_capital_disbursed",
     "description": _("Suma de los desembolsos de capital semilla pagados en el periodo.")},
    {"code": "supplier_deals", "name": _("Negocios con compradores (desarrollo de proveedores)"), "kind": "count",
     "unit": _("negocios"), "category": CATEGORY, "measure": "supplier_deals",
     "description": _("Negocios cerrados entre iniciativas y compradores en el periodo.")},
    {"code": "supplier_deals_value", "name": _("Valor de los negocios con compradores"), "kind": "sum", "unit": "COP",
     "category": CATEGORY, "measure": "supplier_deals",
     "description": _("Valor de los negocios cerrados entre iniciativas y compradores en el periodo.")},
]
