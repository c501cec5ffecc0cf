"""Demo data of the enterprise app: initiatives at every stage (owners from the demo people, in the demo
territory), advisory sessions and diagnoses, a seed-capital call with awards and tranches, catalogue products
(bakeries selling "pan" among them), buyers' procurement needs with introductions and deals, a "Viernes
Empresarial" fair with contacts and deals, and referrals between the job-seeking and entrepreneurship routes.

Written through the real services (actor=None: the system), so every rule, index and timeline is exercised.
Reproducible for a seed; runs once (does nothing when the demo initiatives already exist).
"""

from __future__ import annotations

import datetime as dt
import random
import time

from django.conf import settings
from django.utils import timezone

from siee.enterprise import services
from siee.enterprise.models import BusinessInitiative, Stage, StepKind

# (name pattern, ISIC division, products: (name, description, price min, price max, unit), certifications)
TEMPLATES = [
    ("Panadería {n}", "10", [("Pan francés", "Pan blanco crocante horneado cada mañana", 500, 800, "unidad"),
                             ("Pan de queso", "Pan relleno de queso campesino", 1500, 2000, "unidad"),
                             ("Pan integral", "Pan de trigo integral y avena, tajado", 6000, 8000, "paquete"),
                             ("Almojábanas", "Almojábanas de cuajada recién horneadas", 1800, None, "unidad")],
     "Manipulación de alimentos, INVIMA"),
    ("Arepas {n}", "10", [("Arepas de maíz pelado", "Arepas santandereanas por docena", 6000, 9000, "docena"),
                          ("Arepas rellenas", "Arepas de queso y de carne", 3500, 5000, "unidad")],
     "Manipulación de alimentos"),
    ("Confecciones {n}", "14", [("Uniformes de trabajo", "Camisas y pantalones con bordado de logo", 45000, 90000, "conjunto"),
                                ("Arreglos de costura", "Dobladillos, cremalleras y ajustes", 5000, 25000, "prenda")], ""),
    ("Sabores de {n}", "56", [("Almuerzo ejecutivo", "Sopa, seco y jugo natural", 12000, 15000, "plato"),
                              ("Refrigerios para eventos", "Refrigerios empacados para reuniones y talleres", 4500, 9000, "unidad")],
     "Manipulación de alimentos"),
    ("Belleza {n}", "96", [("Corte de cabello", "Cortes para dama, caballero y niños", 10000, 25000, "servicio"),
                           ("Manicure y pedicure", "Manos y pies tradicional o semipermanente", 15000, 40000, "servicio")], ""),
    ("Aseo Total {n}", "81", [("Servicio de aseo de oficinas", "Limpieza general por jornada", 70000, 120000, "jornada")], ""),
    ("Tienda {n}", "47", [("Mercado a domicilio", "Víveres y abarrotes con entrega en el barrio", None, None, "")], ""),
    ("Celulares {n}", "95", [("Reparación de celulares", "Cambio de pantalla, batería y puerto de carga", 30000, 250000, "servicio")], ""),
    ("Muebles {n}", "31", [("Muebles en madera", "Mesas, sillas y closets a la medida", 250000, 1800000, "mueble")], ""),
    ("Huerta {n}", "01", [("Hortalizas orgánicas", "Lechuga, tomate y cilantro sin agroquímicos", 2000, 6000, "libra")], ""),
]
NAMES = ["Doña Rosa", "El Trigal", "La Esperanza", "Venezuela Linda", "Los Andes", "Mi Tierra", "San José", "La Nona",
         "Chicamocha", "El Buen Sabor", "Las Palmas", "Dulce Hogar", "Santander", "Los Compadres", "La Caraqueña",
         "El Maracucho", "Girón", "La Cosecha"]
STAGE_CYCLE = [Stage.IDEA, Stage.BUSINESS_PLAN, Stage.START_UP, Stage.OPERATING, Stage.OPERATING, Stage.STRENGTHENING,
               Stage.START_UP, Stage.OPERATING, Stage.BUSINESS_PLAN, Stage.CLOSED]
NEEDS = [  # (title, description, ISIC, quantity, unit, frequency, certifications, skill keywords, local only)
    ("Pan diario para desayunos", "Pan francés y pan de queso para el buffet del hotel", "10", 300, "unidades/día", "diaria",
     "INVIMA", ["alimentos", "hornear"], False),
    ("Uniformes para el personal", "Dotación de camisas bordadas", "14", 120, "conjuntos", "semestral", "", ["coser"], True),
    ("Refrigerios para talleres", "Refrigerios empacados para talleres comunitarios", "56", 200, "unidades/semana",
     "semanal", "Manipulación de alimentos", ["alimentos"], True),
    ("Aseo de sedes", "Aseo diario de dos sedes administrativas", "81", 2, "sedes", "mensual", "", ["limpieza"], False),
]


def _pick_skills(keywords: list[str]) -> list[int]:
    from siee.taxonomy.models import Skill

    ids = []
    for word in keywords:
        pk = Skill.objects.filter(label__icontains=word).order_by("pk").values_list("pk", flat=True).first()
        if pk:
            ids.append(pk)
    return ids


def _territory_ids() -> list[int]:
    from siee.core.selectors import find_territory

    found = [find_territory(c) for c in settings.DEMO_TERRITORY.split(",")]
    return [t.pk for t in found if t]


def generate(*, seed: int, progress: bool = False) -> dict:
    from siee.core.models import Organization
    from siee.employers.models import Employer
    from siee.people.models import Person

    started = time.perf_counter()
    from siee.enterprise.models import GrantCall

    if GrantCall.objects.filter(name="Capital semilla ILE (demo)").exists():
        return {"initiatives": 0, "skipped": "ya existen"}
    rng = random.Random(seed * 7919 + 6)
    today = timezone.localdate()
    munis = _territory_ids()
    people = list(Person.objects.filter(municipality_id__in=munis).order_by("pk").values_list("pk", flat=True)[:5000])
    if len(people) < 20:
        return {"initiatives": 0, "skipped": "pocas personas"}
    n_init = max(20, min(400, len(people) // 10))
    owners = rng.sample(people, n_init + 20)
    counts = {"initiatives": 0, "sessions": 0, "products": 0, "published": 0, "awards": 0, "tranches_paid": 0,
              "needs": 0, "deals": 0, "event_deals": 0}
    initiatives: list[BusinessInitiative] = []
    for i in range(n_init):
        tpl_name, sector, products, certs = TEMPLATES[0] if i % 5 == 0 else TEMPLATES[i % len(TEMPLATES)]
        name = tpl_name.format(n=NAMES[(i * 7 + seed) % len(NAMES)])
        if i >= len(NAMES):
            name = f"{name} {i // len(NAMES) + 1}"
        created = today - dt.timedelta(days=rng.randint(30, 720))
        ini = services.create_initiative(actor=None, owner_id=owners[i], data={
            "name": name, "sector": sector, "description": products[0][1],
            "created_at": timezone.make_aware(dt.datetime.combine(created, dt.time(10, 0))),
            "jobs_full_time": 0, "jobs_family": rng.randint(0, 2)})
        target = STAGE_CYCLE[i % len(STAGE_CYCLE)]
        if rng.random() < 0.8:
            services.record_diagnosis(actor=None, initiative_id=ini.pk, at=ini.created_at,
                                      answers={q["code"]: rng.randint(0, 4) for q in services.DEFAULT_QUESTIONNAIRE})
        for _s in range(rng.randint(1, 3)):
            services.record_session(actor=None, initiative_id=ini.pk, notes="Revisión de costos, precios y clientes.",
                                    tasks=[{"description": "Registrar ventas de la semana",
                                            "due_on": today + dt.timedelta(days=rng.randint(-10, 20))}])
            counts["sessions"] += 1
        for kind in (StepKind.DIAGNOSIS, StepKind.TRAINING, StepKind.BUSINESS_PLAN, StepKind.COMMITTEE_REVIEW):
            if target == Stage.BUSINESS_PLAN and kind in (StepKind.BUSINESS_PLAN, StepKind.COMMITTEE_REVIEW):
                break
            if target == Stage.IDEA:
                break
            services.complete_step(actor=None, initiative_id=ini.pk, kind=kind)
        day = created
        for stage in (Stage.BUSINESS_PLAN, Stage.START_UP, Stage.OPERATING, Stage.STRENGTHENING):
            if stage > target or target == Stage.CLOSED and stage > Stage.OPERATING:
                break
            day = min(today, day + dt.timedelta(days=rng.randint(20, 90)))
            services.change_stage(actor=None, initiative_id=ini.pk, stage=stage, on=day)
        if target == Stage.CLOSED:
            services.change_stage(actor=None, initiative_id=ini.pk, stage=Stage.CLOSED, on=today)
        if target >= Stage.START_UP and target != Stage.CLOSED:
            if rng.random() < 0.5:
                services.formalize_initiative(actor=None, initiative_id=ini.pk, tax_id=f"90{rng.randint(1000000, 9999999)}-{rng.randint(0, 9)}",
                                              on=day)
            services.update_operations(actor=None, initiative_id=ini.pk, jobs_full_time=rng.randint(1, 3),
                                       jobs_part_time=rng.randint(0, 2), month=today,
                                       sales=rng.randrange(800_000, 9_000_000, 50_000))
            for p_name, desc, pmin, pmax, unit in products:
                services.add_product(actor=None, initiative_id=ini.pk, data={
                    "name": p_name, "description": desc, "price_min": pmin, "price_max": pmax, "unit": unit})
                counts["products"] += 1
            if rng.random() < 0.85 or i % 5 == 0:
                owner = ini.owner
                services.publish_initiative(actor=None, initiative_id=ini.pk, contact={
                    "whatsapp": owner.whatsapp or owner.phone or f"31{rng.randint(10000000, 99999999)}",
                    "phone": owner.phone, "delivery_area": "Bucaramanga y área metropolitana",
                    "certifications": certs, "public_description": desc})
                counts["published"] += 1
        initiatives.append(BusinessInitiative.objects.get(pk=ini.pk))
        counts["initiatives"] += 1

    # seed capital: one call, committee of two, awards paid in two tranches
    call = services.create_call(actor=None, territory_codes=settings.DEMO_TERRITORY.split(","), criteria=[
        {"name": "Viabilidad del negocio", "weight": 3}, {"name": "Generación de empleo", "weight": 2},
        {"name": "Inclusión (mujeres, migrantes, víctimas)", "weight": 2}], data={
        "name": "Capital semilla ILE (demo)", "opens_on": today - dt.timedelta(days=200),
        "closes_on": today + dt.timedelta(days=30), "amount_per_award": 4_000_000, "budget": 60_000_000,
        "min_stage": Stage.BUSINESS_PLAN, "min_score": 60})
    applicants = [ini for ini in initiatives if Stage.BUSINESS_PLAN <= ini.stage < Stage.CLOSED][:30]
    for ini in applicants:
        app = services.apply_to_call(actor=None, call_id=call.pk, initiative_id=ini.pk)
        for juror in ("jurado_1", "jurado_2"):
            services.score_application(actor=None, application_id=app.pk, scorer_label=juror, scores={
                c.name: rng.randint(2, 5) for c in call.criteria.all()})
        app.refresh_from_db()
        if app.score is not None and app.score >= call.min_score and counts["awards"] < 12:
            award = services.award_application(actor=None, application_id=app.pk, on=today - dt.timedelta(days=rng.randint(20, 180)),
                                               tranches=[{"amount": 2_500_000, "milestone": "Compra de maquinaria y equipos"},
                                                         {"amount": 1_500_000, "milestone": "Formalización y primeras ventas"}])
            counts["awards"] += 1
            for t in award.tranches.order_by("number")[: rng.choice([1, 2, 2])]:
                services.pay_tranche(actor=None, tranche_id=t.pk, on=award.awarded_on + dt.timedelta(days=15 * t.number))
                counts["tranches_paid"] += 1

    # procurement needs of buyers (demo employers and a public entity), with introductions and deals
    employers = list(Employer.objects.filter(municipality_id__in=munis).order_by("pk")[:10])
    entity = Organization.objects.filter(kind="public_entity").order_by("pk").first()
    if entity is None:
        from siee.core.models import Territory
        from siee.core.services import create_organization

        entity = create_organization(actor=None, name="Alcaldía de Bucaramanga (demo)", kind="public_entity",
                                     territories=list(Territory.objects.filter(pk__in=munis[:1])))
    for j, (title, desc, sector, qty, unit, freq, certs, keywords, local) in enumerate(NEEDS):
        buyer = {"buyer_entity_id": entity.pk} if j % 2 and entity else \
            {"buyer_employer_id": employers[j % len(employers)].pk} if employers else {"buyer_entity_id": entity.pk}
        need = services.create_need(actor=None, skill_ids=_pick_skills(keywords), data={
            **buyer, "title": title, "description": desc, "sector": sector, "quantity": qty, "unit": unit,
            "frequency": freq, "certifications": certs, "municipality_code": settings.DEMO_TERRITORY.split(",")[0],
            "local_only": local, "starts_on": today - dt.timedelta(days=10), "ends_on": today + dt.timedelta(days=180)})
        counts["needs"] += 1
        from siee.enterprise.suppliers import rank_suppliers

        for k, row in enumerate(rank_suppliers(need, top=3)):
            services.record_supplier_step(actor=None, need_id=need.pk, initiative_id=row["initiative_id"], step="introduction")
            if k == 0:
                services.record_supplier_step(actor=None, need_id=need.pk, initiative_id=row["initiative_id"], step="quote",
                                              value=rng.randrange(1_000_000, 5_000_000, 100_000))
                services.record_supplier_step(actor=None, need_id=need.pk, initiative_id=row["initiative_id"], step="deal",
                                              value=rng.randrange(1_000_000, 5_000_000, 100_000), note="Orden de compra")
                counts["deals"] += 1

    # a Viernes Empresarial fair
    event = services.create_event(actor=None, name="Viernes Empresarial (demo)", kind="business_friday",
                                  date=today - dt.timedelta(days=(today.weekday() - 4) % 7 or 7), place="Parque San Pío",
                                  municipality_code=settings.DEMO_TERRITORY.split(",")[0])
    exhibitors = [ini for ini in initiatives if ini.public and ini.stage != Stage.CLOSED][:12]
    for ini in exhibitors:
        services.add_participant(actor=None, event_id=event.pk, role="exhibitor", initiative_id=ini.pk,
                                 attended=rng.random() < 0.9)
    for emp in employers[:3]:
        services.add_participant(actor=None, event_id=event.pk, role="buyer", employer_id=emp.pk, attended=True)
    for pid in owners[n_init:n_init + 8]:
        services.add_participant(actor=None, event_id=event.pk, role="visitor", person_id=pid, attended=rng.random() < 0.7)
    for k, ini in enumerate(exhibitors[:8]):
        deal = k % 2 == 0
        services.record_event_contact(actor=None, event_id=event.pk, initiative_id=ini.pk,
                                      employer_id=employers[k % len(employers)].pk if employers else None, is_deal=deal,
                                      value=rng.randrange(200_000, 2_000_000, 50_000) if deal else None)
        counts["event_deals"] += int(deal)

    # survival follow-ups already due: most initiatives are still operating
    from siee.enterprise.models import SurvivalFollowUp

    counts["survival_done"] = 0
    for fu in SurvivalFollowUp.objects.filter(due_on__lte=today, initiative__in=[i.pk for i in initiatives]).order_by("pk"):
        alive = rng.random() < 0.8
        services.record_survival(actor=None, follow_up_id=fu.pk, operating=alive, on=fu.due_on,
                                 jobs=rng.randint(1, 4) if alive else 0,
                                 monthly_sales=rng.randrange(800_000, 6_000_000, 50_000) if alive else None)
        counts["survival_done"] += 1

    # the route between job seeking and self-employment
    for pid in owners[n_init + 8:n_init + 18]:
        services.refer_to_entrepreneurship(actor=None, person_id=pid, reason="Interés en emprender (demo)")
    for pid in owners[n_init + 8:n_init + 10]:
        services.refer_to_employment(actor=None, person_id=pid, reason="Prefiere buscar empleo (demo)")
    # the demo business adviser ("asesora") follows two initiatives in three: her worklist is not empty
    from siee.core.models import User

    adviser = User.objects.filter(username="asesora", is_active=True).first()
    if adviser is not None:
        mine = [ini.pk for k, ini in enumerate(initiatives) if k % 3 != 2]
        BusinessInitiative.objects.filter(pk__in=mine, adviser__isnull=True).update(adviser=adviser)
    counts["seconds"] = round(time.perf_counter() - started, 1)
    return counts
