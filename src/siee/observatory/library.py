"""The built-in indicator library: definitions as data (the same format analysts use), over the measures of
`siee.observatory.facts.builtin_measures`. Each one has a hand-computed test in tests/observatory/."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

MIGRANT = ["regular", "in_process", "irregular", "refugee"]
YOUTH = ["18-24", "25-28"]

OFFER = _("Oferta")  # people: the labour supply
DEMAND = _("Demanda")  # employers and vacancies
INTERMEDIATION = _("Intermediación")
MIGRATION = _("Migración")
INCLUSION = _("Inclusión")
WAGES = _("Salarios")
SKILLS = _("Habilidades")


def _share(code, name, description, category, measure, filters, *, unit="%"):
    return {"code": code, "name": name, "description": description, "kind": "ratio", "unit": unit,
            "category": category, "numerator": {"measure": measure, "filters": filters},
            "denominator": {"measure": measure}, "factor": 100}


LIBRARY: list[dict] = [
    {"code": "people_registered", "name": _("Personas registradas"), "kind": "count", "unit": _("personas"),
     "category": OFFER, "measure": "people_registered",
     "description": _("Personas inscritas en el servicio de empleo durante el periodo.")},
    {"code": "active_seekers", "name": _("Buscadores de empleo activos"), "kind": "count", "unit": _("personas"),
     "category": OFFER, "measure": "people_active", "cumulative": True,
     "description": _("Personas registradas hasta el final del periodo cuyo estado actual es activo.")},
    _share("women_share_registered", _("Mujeres entre las personas registradas"),
           _("Porcentaje de mujeres entre las personas registradas en el periodo."), INCLUSION,
           "people_registered", {"sex": "F"}),
    _share("youth_share_registered", _("Jóvenes (18-28 años) entre las personas registradas"),
           _("Porcentaje de personas de 18 a 28 años (edad cumplida en el año) entre las registradas."), INCLUSION,
           "people_registered", {"age_group": YOUTH}),
    _share("disability_share_registered", _("Personas con discapacidad entre las registradas"),
           _("Porcentaje de personas con discapacidad entre las registradas en el periodo."), INCLUSION,
           "people_registered", {"disability": "S"}),
    _share("migrant_share_registered", _("Migrantes entre las personas registradas"),
           _("Porcentaje de migrantes (regulares, en trámite, sin documentos o refugiados) entre las registradas."),
           MIGRATION, "people_registered", {"migratory_status": MIGRANT}),
    {"code": "vacancies_posted", "name": _("Vacantes publicadas"), "kind": "count", "unit": _("vacantes"),
     "category": DEMAND, "measure": "vacancies_posted",
     "description": _("Vacantes publicadas en el periodo (sin borradores), por ocupación, sector y tamaño de empresa.")},
    {"code": "posts_offered", "name": _("Puestos ofrecidos"), "kind": "sum", "unit": _("puestos"),
     "category": DEMAND, "measure": {"measure": "vacancies_posted", "stat": "sum"},
     "description": _("Número de puestos de trabajo de las vacantes publicadas en el periodo.")},
    {"code": "posts_per_vacancy", "name": _("Puestos por vacante"), "kind": "mean", "unit": _("puestos"),
     "category": DEMAND, "measure": {"measure": "vacancies_posted", "stat": "mean"},
     "description": _("Promedio de puestos por vacante publicada.")},
    {"code": "employers_registered", "name": _("Empleadores registrados"), "kind": "count",
     "unit": _("empleadores"), "category": DEMAND, "measure": "employers_registered",
     "description": _("Empleadores inscritos en el periodo, por sector y tamaño.")},
    {"code": "applications", "name": _("Postulaciones"), "kind": "count", "unit": _("postulaciones"),
     "category": INTERMEDIATION, "measure": "applications",
     "description": _("Postulaciones de personas a vacantes en el periodo.")},
    {"code": "referrals", "name": _("Remisiones"), "kind": "count", "unit": _("remisiones"),
     "category": INTERMEDIATION, "measure": "referrals",
     "description": _("Personas remitidas a empleadores en el periodo (sin las retiradas).")},
    {"code": "placements", "name": _("Colocaciones"), "kind": "count", "unit": _("personas"),
     "category": INTERMEDIATION, "measure": "placements",
     "description": _("Personas que empezaron a trabajar en el periodo (fecha de inicio del empleo).")},
    {"code": "placement_rate", "name": _("Tasa de colocación"), "kind": "ratio", "unit": "%",
     "category": INTERMEDIATION, "numerator": "placements", "denominator": "referrals", "factor": 100,
     "description": _("Colocaciones por cada 100 remisiones del periodo.")},
    {"code": "referrals_per_placement", "name": _("Remisiones por colocación"), "kind": "ratio",
     "unit": _("remisiones"), "category": INTERMEDIATION, "numerator": "referrals", "denominator": "placements",
     "factor": 1, "description": _("Remisiones del periodo por cada colocación del periodo.")},
    {"code": "post_coverage", "name": _("Cobertura de puestos"), "kind": "ratio", "unit": "%",
     "category": INTERMEDIATION, "numerator": "placements",
     "denominator": {"measure": "vacancies_posted", "stat": "sum"}, "factor": 100,
     "description": _("Colocaciones por cada 100 puestos ofrecidos en el periodo.")},
    {"code": "median_time_to_fill", "name": _("Mediana del tiempo para cubrir una vacante"), "kind": "median",
     "unit": _("días"), "category": INTERMEDIATION, "measure": "time_to_fill",
     "description": _("Mediana de los días entre la publicación de la vacante y el inicio del empleo de las "
                      "colocaciones del periodo.")},
    {"code": "median_days_to_placement", "name": _("Mediana de días desde el registro hasta la colocación"),
     "kind": "median", "unit": _("días"), "category": INTERMEDIATION, "measure": "days_to_placement",
     "description": _("Mediana de los días entre el registro de la persona y el inicio de su empleo.")},
    {"code": "formal_placement_share", "name": _("Colocaciones en empleo formal"), "kind": "ratio", "unit": "%",
     "category": INTERMEDIATION, "numerator": "placements_formal", "denominator": "placements", "factor": 100,
     "description": _("Porcentaje de colocaciones del periodo en empleo formal.")},
    *[
        {"code": f"retention_{m}m", "name": _("Permanencia en el empleo a %(m)s meses") % {"m": m}, "kind": "ratio",
         "unit": "%", "category": INTERMEDIATION, "numerator": f"employed_{m}m", "denominator": f"followups_{m}m",
         "factor": 100,
         "description": _("Porcentaje de personas que siguen empleadas en los seguimientos a %(m)s meses "
                          "realizados, según la fecha prevista del seguimiento.") % {"m": m}}
        for m in (3, 6, 12)
    ],
    {"code": "median_wage_offered", "name": _("Mediana del salario ofrecido"), "kind": "median", "unit": "COP",
     "category": WAGES, "measure": "vacancy_wage",
     "description": _("Mediana del salario mínimo ofrecido por las vacantes publicadas en el periodo.")},
    {"code": "median_expected_wage", "name": _("Mediana de la aspiración salarial"), "kind": "median",
     "unit": "COP", "category": WAGES, "measure": "expected_wage",
     "description": _("Mediana de la aspiración salarial de las personas registradas en el periodo.")},
    {"code": "wage_offered_vs_expected", "name": _("Salario ofrecido frente al esperado"), "kind": "ratio",
     "unit": "%", "category": WAGES, "numerator": {"measure": "vacancy_wage", "stat": "median"},
     "denominator": {"measure": "expected_wage", "stat": "median"}, "factor": 100,
     "description": _("Mediana del salario ofrecido como porcentaje de la mediana de la aspiración salarial.")},
    {"code": "median_placement_wage", "name": _("Mediana del salario de las colocaciones"), "kind": "median",
     "unit": "COP", "category": WAGES, "measure": "placement_wage",
     "description": _("Mediana del salario mensual de las colocaciones del periodo.")},
    _share("migrant_share_placements", _("Migrantes entre las colocaciones"),
           _("Porcentaje de migrantes entre las personas colocadas en el periodo (compárese con su peso entre las "
             "registradas)."), MIGRATION, "placements", {"migratory_status": MIGRANT}),
    _share("women_share_placements", _("Mujeres entre las colocaciones"),
           _("Porcentaje de mujeres entre las personas colocadas en el periodo."), INCLUSION, "placements",
           {"sex": "F"}),
    {"code": "top_skills_demanded", "name": _("Habilidades más pedidas"), "kind": "ranking", "unit": _("vacantes"),
     "category": SKILLS, "measure": "skill_demand", "top": 10,
     "description": _("Las 10 habilidades que más vacantes publicadas en el periodo piden.")},
    {"code": "top_skills_missing", "name": _("Habilidades faltantes"), "kind": "ranking", "unit": _("vacantes"),
     "category": SKILLS, "measure": "skill_demand_open", "subtract": "skill_supply_active", "cumulative": True,
     "top": 10,
     "description": _("Habilidades pedidas por las vacantes abiertas a final del periodo que menos personas activas "
                      "tienen: vacantes que la piden menos personas activas que la tienen (las 10 mayores brechas).")},
]

for _defn in LIBRARY:
    _defn.setdefault("published", True)
