"""The issue's "Done when" scenario at service level, and the skill demand exposed to the training gap analysis."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from factories import make_employer, skill
from siee.core.models import AuditEntry
from siee.enterprise import catalog, services, suppliers
from siee.enterprise.models import (
    ApplicationStatus,
    Stage,
    StepKind,
    SupplierInteraction,
    SurvivalFollowUp,
    TrancheStatus,
)
from siee.people.models import PersonEvent

TODAY = dt.date(2026, 3, 2)


def _competitor(adviser, actors, name, product, municipality="68001", sector="10", description=""):
    from factories import make_person

    person = make_person(actors.counsellor, municipality_code=municipality)
    ini = services.create_initiative(actor=adviser, owner_id=person.pk,
                                     data={"name": name, "sector": sector, "municipality_code": municipality,
                                           "stage": Stage.OPERATING})
    services.add_product(actor=adviser, initiative_id=ini.pk, data={"name": product, "description": description})
    services.publish_initiative(actor=adviser, initiative_id=ini.pk, contact={"phone": "6076000000"})
    return ini


def test_adviser_takes_migrant_bakery_from_idea_to_operating_with_seed_capital_catalogue_and_a_hotel_deal(
        actors, adviser, owner, bakery):
    # advisory route: diagnosis, session with tasks, training, business plan, committee review
    diag = services.record_diagnosis(actor=adviser, initiative_id=bakery.pk,
                                     answers={"market": 2, "product": 4, "finance": 1, "operations": 3, "formal": 0})
    # weights 2,1,2,1,1: (2*2/4 + 1*4/4 + 2*1/4 + 1*3/4 + 0) / 7 = 3.25/7 = 46.4%
    assert diag.score == 46.4
    session = services.record_session(actor=adviser, initiative_id=bakery.pk, notes="Costeo del pan y plan de ventas",
                                      tasks=[{"description": "Calcular costos por unidad", "due_on": TODAY}])
    assert session.tasks.count() == 1
    services.complete_step(actor=adviser, initiative_id=bakery.pk, kind=StepKind.TRAINING)
    services.change_stage(actor=adviser, initiative_id=bakery.pk, stage=Stage.BUSINESS_PLAN)
    services.complete_step(actor=adviser, initiative_id=bakery.pk, kind=StepKind.BUSINESS_PLAN)
    services.complete_step(actor=adviser, initiative_id=bakery.pk, kind=StepKind.COMMITTEE_REVIEW)
    services.change_stage(actor=adviser, initiative_id=bakery.pk, stage=Stage.START_UP)

    # seed capital: call, eligibility, committee, award with two tranches
    call = services.create_call(actor=actors.admin, territory_codes=["68001"], criteria=[
        {"name": "Viabilidad", "weight": 3}, {"name": "Impacto social", "weight": 2}], data={
        "name": "Capital semilla 2026", "opens_on": TODAY, "closes_on": TODAY + dt.timedelta(days=30),
        "amount_per_award": "4000000", "budget": "40000000", "min_stage": Stage.BUSINESS_PLAN})
    app = services.apply_to_call(actor=adviser, call_id=call.pk, initiative_id=bakery.pk, today=TODAY)
    assert app.status == ApplicationStatus.ELIGIBLE
    services.score_application(actor=adviser, application_id=app.pk, scores={"Viabilidad": 4, "Impacto social": 5},
                               scorer_label="jurado1")
    app = services.score_application(actor=adviser, application_id=app.pk, scores={"Viabilidad": 5, "Impacto social": 3},
                                     scorer_label="jurado2")
    # Viabilidad mean 4.5/5 x 3 + Impacto mean 4/5 x 2 = 2.7 + 1.6 = 4.3 / 5 = 86%
    assert app.score == 86.0
    award = services.award_application(actor=adviser, application_id=app.pk, on=TODAY, tranches=[
        {"amount": "2500000", "milestone": "Compra del horno"}, {"amount": "1500000", "milestone": "Registro INVIMA"}])
    first, second = award.tranches.order_by("number")
    services.pay_tranche(actor=adviser, tranche_id=first.pk, on=TODAY)
    services.pay_tranche(actor=adviser, tranche_id=second.pk, on=TODAY + dt.timedelta(days=60))
    assert [t.status for t in award.tranches.order_by("number")] == [TrancheStatus.PAID, TrancheStatus.PAID]

    services.formalize_initiative(actor=adviser, initiative_id=bakery.pk, tax_id="901234567-1")
    services.change_stage(actor=adviser, initiative_id=bakery.pk, stage=Stage.OPERATING, on=TODAY + dt.timedelta(days=60))
    services.update_operations(actor=adviser, initiative_id=bakery.pk, jobs_full_time=2, jobs_family=1,
                               month=TODAY, sales="3.200.000")
    bakery.refresh_from_db()
    assert (bakery.stage, bakery.jobs_total, bakery.monthly_sales) == (Stage.OPERATING, 3, Decimal("3200000.00"))

    # public catalogue of Bucaramanga
    services.add_product(actor=adviser, initiative_id=bakery.pk, data={
        "name": "Pan campesino", "description": "Pan diario horneado en leña, por docena", "price_min": "6000",
        "price_max": "9000", "unit": "docena"})
    services.add_product(actor=adviser, initiative_id=bakery.pk, data={"name": "Torta tres leches", "price_min": "35000"})
    services.publish_initiative(actor=adviser, initiative_id=bakery.pk, contact={
        "whatsapp": "+57 311 555 0199", "delivery_area": "Bucaramanga y área metropolitana",
        "certifications": "Manipulación de alimentos, INVIMA"})
    results = catalog.search("pan", territory_ids={bakery.municipality_id})
    assert results[0]["initiative"] == "Panadería Dulce Hogar"
    assert results[0]["product"] == "Pan campesino"
    assert results[0]["url"] == "/catalogo/panaderia-dulce-hogar/"

    # a hotel's need for daily bread ranks it among the top suppliers
    _competitor(adviser, actors, "Arepas Doña Rosa", "Arepas de maíz")
    _competitor(adviser, actors, "Panes de Girón", "Pan de bono", municipality="68307")
    _competitor(adviser, actors, "Ferretería El Tornillo", "Tornillos y puntillas", sector="47")
    hotel = make_employer(actors.counsellor, name="Hotel Chicamocha")
    need = services.create_need(actor=adviser, skill_ids=[skill("manipulacion-de-alimentos").pk], data={
        "buyer_employer_id": hotel.pk, "title": "Pan diario para el desayuno", "sector": "10", "quantity": "300",
        "unit": "unidades/día", "certifications": "INVIMA", "municipality_code": "68001", "starts_on": TODAY})
    ranked = suppliers.rank_suppliers(need, top=10)
    assert [r["initiative"] for r in ranked[:2]] == ["Panadería Dulce Hogar", "Panes de Girón"]
    assert "Ferretería El Tornillo" not in [r["initiative"] for r in ranked]
    assert set(ranked[0]["explanation"]["components"]) == {"text", "sector", "location", "skills", "certifications", "readiness"}

    deal = services.record_supplier_step(actor=adviser, need_id=need.pk, initiative_id=bakery.pk, step="deal",
                                         value="2.700.000", note="Contrato mensual")
    assert SupplierInteraction.objects.get(pk=deal.pk).value == Decimal("2700000.00")

    # survival follow-ups scheduled from the award (the first trigger)
    due = list(SurvivalFollowUp.objects.filter(initiative=bakery).order_by("months").values_list("months", "due_on", "basis"))
    assert due == [(6, dt.date(2026, 9, 2), "award"), (12, dt.date(2027, 3, 2), "award"), (24, dt.date(2028, 3, 2), "award")]

    kinds = set(PersonEvent.objects.filter(person=owner).values_list("kind", flat=True))
    assert {"initiative_created", "initiative_stage", "seed_capital_awarded"} <= kinds
    timeline = list(bakery.events.order_by("at", "id").values_list("kind", flat=True))
    assert timeline[0] == "created" and "supplier_deal" in timeline and timeline.count("tranche_paid") == 2
    assert AuditEntry.objects.filter(object_type="award", action="create").count() == 1


def test_procurement_skill_demand_counts_needs_and_supplier_gaps(actors, adviser, bakery):
    cook, hygiene = skill("cocinar"), skill("manipulacion-de-alimentos")
    hotel = make_employer(actors.counsellor, name="Hotel Demanda")
    services.add_product(actor=adviser, initiative_id=bakery.pk, data={"name": "Pan tajado"})
    services.publish_initiative(actor=adviser, initiative_id=bakery.pk, contact={"phone": "6076000000"})
    services.create_need(actor=adviser, skill_ids=[cook.pk, hygiene.pk], data={
        "buyer_employer_id": hotel.pk, "title": "Pan para eventos", "starts_on": dt.date(2026, 1, 1),
        "ends_on": dt.date(2026, 6, 30)})
    services.create_need(actor=adviser, skill_ids=[hygiene.pk], data={
        "buyer_employer_id": hotel.pk, "title": "Tornillos", "starts_on": dt.date(2026, 1, 1)})
    services.create_need(actor=adviser, skill_ids=[cook.pk], data={  # outside the dates asked
        "buyer_employer_id": hotel.pk, "title": "Arepas", "starts_on": dt.date(2027, 1, 1)})
    scope = {bakery.municipality_id}
    demand = services.procurement_skill_demand(territory_ids=scope, start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))
    # "Pan para eventos": 1.0 each + the bakery (a candidate lacking both skills) 0.25 each; "Tornillos": hygiene 1.0
    assert demand == {cook.pk: 1.25, hygiene.pk: 2.25}
    assert services.procurement_skill_demand(territory_ids=set(), start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31)) == {}
