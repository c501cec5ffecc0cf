"""Scoping (the Cali outsider sees nothing of Bucaramanga's initiatives, a refused write changes nothing and is
audited as denied), the API (public search without a token, staff endpoints, error shapes) and the CLI."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from factories import PASSWORD, Api, make_employer
from siee.cli import main as siee_main
from siee.core.errors import OutOfScope
from siee.core.models import AuditEntry
from siee.enterprise import selectors, services
from siee.enterprise.models import Stage


@pytest.fixture
def published(adviser, bakery):
    services.add_product(actor=adviser, initiative_id=bakery.pk, data={"name": "Pan aliñado", "price_min": "2500"})
    services.publish_initiative(actor=adviser, initiative_id=bakery.pk, contact={"whatsapp": "3115550199"})
    return bakery


def test_outsider_cannot_see_or_change_another_territorys_initiative(actors, adviser, bakery, snapshot):
    assert list(selectors.initiatives_for(actors.outsider)) == []
    assert list(selectors.initiatives_for(actors.counsellor)) == [bakery]
    with pytest.raises(OutOfScope):
        selectors.get_initiative_for(actors.outsider, bakery.pk)
    before = snapshot()
    with pytest.raises(OutOfScope):
        services.record_session(actor=actors.outsider, initiative_id=bakery.pk, notes="intrusión")
    with pytest.raises(OutOfScope):
        services.add_product(actor=actors.outsider, initiative_id=bakery.pk, data={"name": "Pan"})
    assert snapshot() == before
    assert AuditEntry.objects.filter(actor=actors.outsider, action="denied", object_type="businessinitiative").count() == 3


def test_writes_are_audited(adviser, bakery):
    services.record_session(actor=adviser, initiative_id=bakery.pk, notes="Primera sesión")
    assert AuditEntry.objects.filter(actor=adviser, action="create", object_type="businessinitiative",
                                     object_id=str(bakery.pk)).count() == 1
    assert AuditEntry.objects.filter(actor=adviser, action="create", object_type="advisorysession").count() == 1


def test_api_public_search_needs_no_token_and_checks_the_territory(published):
    r = Api(None).get("/enterprise/catalog/search", q="pan", territory="68001")
    assert r.status_code == 200
    assert [(x["initiative"], x["product"], x["price"]) for x in r.json()] == [
        ("Panadería Dulce Hogar", "Pan aliñado", "COP 2.500")]
    r = Api(None).get("/enterprise/catalog/search", q="pan", territory="99999")
    assert r.status_code == 422 and r.json()["errors"] == {"territory": ["Territorio desconocido: «99999»."]}


def test_api_initiatives_are_scoped_and_errors_have_the_shared_shape(actors, adviser, bakery, owner):
    home, outsider = Api(actors.counsellor), Api(actors.outsider)
    assert home.get("/enterprise/initiatives").json()["count"] == 1
    assert outsider.get("/enterprise/initiatives").json()["count"] == 0
    assert outsider.get(f"/enterprise/initiatives/{bakery.pk}").status_code == 404
    r = home.post(f"/enterprise/initiatives/{bakery.pk}/stage", {"stage": Stage.OPERATING})
    assert r.status_code == 422 and r.json()["code"] == "invalid" and list(r.json()["errors"]) == ["stage"]
    r = home.post(f"/enterprise/initiatives/{bakery.pk}/products", {"name": "Pan", "price_min": "diez"})
    assert r.status_code == 422 and list(r.json()["errors"]) == ["price_min"]
    r = home.post("/enterprise/initiatives", {"owner_id": owner.pk, "name": "Costuras Yusmary", "sector": "14"})
    assert r.status_code == 201 and r.json()["stage_label"] == "Idea"
    assert Api(None).get("/enterprise/initiatives").status_code == 401


def test_api_need_ranking_and_deal(actors, adviser, published):
    api = Api(actors.counsellor)
    hotel = make_employer(actors.counsellor, name="Hotel API")
    r = api.post("/enterprise/needs", {"buyer_employer_id": hotel.pk, "title": "Pan aliñado para desayunos"})
    assert r.status_code == 201
    need_id = r.json()["id"]
    ranked = api.get(f"/enterprise/needs/{need_id}/suppliers", top=5).json()
    assert [x["initiative"] for x in ranked] == ["Panadería Dulce Hogar"] and ranked[0]["explanation"]["components"]
    r = api.post(f"/enterprise/needs/{need_id}/interactions", {"initiative_id": published.pk, "step": "deal", "value": "1.200.000"})
    assert r.status_code == 201 and r.json()["value"] == 1200000.0
    assert Api(actors.outsider).get(f"/enterprise/needs/{need_id}/suppliers").status_code == 404


def test_cli_catalog_search_and_suppliers_rank(actors, adviser, published, capsys):
    assert siee_main(["catalog", "search", "pan alinado", "--territory", "68001", "--json"]) == 0
    results = json.loads(capsys.readouterr().out)
    assert [(r["initiative"], r["product"], r["municipality"]) for r in results] == [
        ("Panadería Dulce Hogar", "Pan aliñado", "Bucaramanga, Santander")]
    assert set(results[0]) >= {"initiative", "product", "price", "municipality", "score", "url"}
    hotel = make_employer(actors.counsellor, name="Hotel CLI")
    need = services.create_need(actor=adviser, data={"buyer_employer_id": hotel.pk, "title": "Pan"})
    assert siee_main(["suppliers", "rank", str(need.pk), "--top", "10", "--json", "--as", actors.counsellor.username]) == 0
    ranked = json.loads(capsys.readouterr().out)
    assert [r["initiative"] for r in ranked] == ["Panadería Dulce Hogar"] and "explanation" in ranked[0]
    assert siee_main(["suppliers", "rank", str(need.pk), "--as", actors.outsider.username]) == 2
    assert "no encontrada" in capsys.readouterr().err
    assert siee_main(["catalog", "search", "pan", "--territory", "00000"]) == 2


def test_staff_pages_render_for_home_and_404_for_outsider(actors, adviser, published):
    home = Client()
    home.login(username=actors.counsellor.username, password=PASSWORD)
    r = home.get("/emprendimiento/")
    assert r.status_code == 200 and "Panadería Dulce Hogar" in r.content.decode()
    r = home.get(f"/emprendimiento/{published.pk}/")
    assert r.status_code == 200 and "Ruta de acompañamiento" in r.content.decode()
    r = home.post(f"/emprendimiento/{published.pk}/", {"action": "session", "notes": "Sesión web", "tasks": "Tarea uno\nTarea dos"})
    assert r.status_code == 302 and published.tasks.count() == 2
    outsider = Client()
    outsider.login(username=actors.outsider.username, password=PASSWORD)
    assert outsider.get(f"/emprendimiento/{published.pk}/").status_code == 404
    assert Client().get("/emprendimiento/").status_code == 302  # to the login page


def test_api_seed_capital_apply_score_award_and_tranche_over_award(actors, adviser, bakery):
    import datetime as dt

    from siee.enterprise.models import Award, StepKind

    for kind in (StepKind.DIAGNOSIS, StepKind.TRAINING):
        services.complete_step(actor=adviser, initiative_id=bakery.pk, kind=kind)
    services.change_stage(actor=adviser, initiative_id=bakery.pk, stage=Stage.BUSINESS_PLAN)
    call = services.create_call(actor=actors.admin, criteria=[{"name": "Viabilidad", "weight": 1}], data={
        "name": "Semilla API", "opens_on": dt.date.today() - dt.timedelta(days=1),
        "closes_on": dt.date.today() + dt.timedelta(days=1), "amount_per_award": "1000000", "budget": "5000000",
        "min_stage": Stage.BUSINESS_PLAN})
    api = Api(actors.counsellor)
    assert [c["name"] for c in api.get("/enterprise/calls").json()] == ["Semilla API"]
    r = api.post(f"/enterprise/calls/{call.pk}/applications", {"initiative_id": bakery.pk})
    assert r.status_code == 201 and r.json()["status"] == "eligible"
    app_id = r.json()["id"]
    r = api.post(f"/enterprise/applications/{app_id}/scores", {"scores": {"Viabilidad": 4}, "scorer_label": "j1"})
    assert r.json()["score"] == 80.0
    r = api.post(f"/enterprise/applications/{app_id}/award", {"tranches": [
        {"amount": "600000", "milestone": "Horno"}, {"amount": "500000", "milestone": "Ventas"}]})
    assert r.status_code == 422 and list(r.json()["errors"]) == ["tranches"] and Award.objects.count() == 0
    r = api.post(f"/enterprise/applications/{app_id}/award", {"tranches": [
        {"amount": "600000", "milestone": "Horno"}, {"amount": "400000", "milestone": "Ventas"}]})
    assert r.status_code == 201 and [t["amount"] for t in r.json()["tranches"]] == [600000.0, 400000.0]
    award_id, first = r.json()["id"], r.json()["tranches"][0]["id"]
    r = api.post(f"/enterprise/awards/{award_id}/tranches", {"amount": "1", "milestone": "Extra"})
    assert r.status_code == 422 and list(r.json()["errors"]) == ["amount"]
    assert api.post(f"/enterprise/tranches/{first}/pay").json()["status"] == "paid"
    assert Api(actors.outsider).post(f"/enterprise/tranches/{first}/pay").status_code == 404


def test_staff_create_initiative_page_refers_the_person_and_calls_and_events_pages(actors, adviser, owner, published):
    import datetime as dt

    from siee.enterprise.models import GrantCall
    from siee.people.models import PersonEvent

    home = Client()
    home.login(username=actors.counsellor.username, password=PASSWORD)
    r = home.post("/emprendimiento/nueva/", {"person": owner.pk, "name": "Costuras Yusmary", "sector": "14",
                                             "refer": "1", "reason": "Sabe coser"})
    assert r.status_code == 302
    assert list(PersonEvent.objects.filter(person=owner, kind__in=["referred_to_entrepreneurship", "initiative_created"])
                .order_by("id").values_list("kind", flat=True))[-2:] == ["referred_to_entrepreneurship", "initiative_created"]
    r = home.post("/emprendimiento/nueva/", {"person": owner.pk, "name": ""})
    assert r.status_code == 200 and "El nombre de la iniciativa es obligatorio." in r.content.decode()
    services.create_call(actor=actors.admin, criteria=[{"name": "Viabilidad", "weight": 1}], data={
        "name": "Semilla Web", "opens_on": dt.date(2026, 1, 1), "closes_on": dt.date(2026, 12, 31),
        "amount_per_award": "1000000", "budget": "5000000"})
    services.apply_to_call(actor=adviser, call_id=GrantCall.objects.get().pk,
                           initiative_id=published.pk, today=dt.date(2026, 6, 1))
    html = home.get("/emprendimiento/convocatorias/").content.decode()
    assert "Semilla Web" in html and "Panadería Dulce Hogar" in html
    event = services.create_event(actor=adviser, name="Viernes Empresarial de prueba", date=dt.date(2026, 6, 5),
                                  municipality_code="68001")
    services.add_participant(actor=adviser, event_id=event.pk, role="exhibitor", initiative_id=published.pk, attended=True)
    services.record_event_contact(actor=adviser, event_id=event.pk, initiative_id=published.pk, is_deal=True, value="350000")
    html = home.get("/emprendimiento/eventos/").content.decode()
    assert "Viernes Empresarial de prueba" in html and "1 participantes inscritos, 1 asistieron." in html
    outsider = Client()
    outsider.login(username=actors.outsider.username, password=PASSWORD)
    assert "Viernes Empresarial de prueba" not in outsider.get("/emprendimiento/eventos/").content.decode()
    assert "Panadería Dulce Hogar" not in outsider.get("/emprendimiento/convocatorias/").content.decode()


def test_route_referrals_appear_on_the_persons_timeline_page(actors, owner):
    from django.urls import reverse

    home = Client()
    home.login(username=actors.counsellor.username, password=PASSWORD)
    r = home.post(f"/emprendimiento/remitir/{owner.pk}/", {"direction": "to_entrepreneurship", "reason": "Emprender"})
    assert r.status_code == 302
    html = home.get(reverse("people:detail", args=[owner.pk])).content.decode()
    assert "Remitida a la ruta de emprendimiento" in html
    outsider = Client()
    outsider.login(username=actors.outsider.username, password=PASSWORD)
    assert outsider.post(f"/emprendimiento/remitir/{owner.pk}/", {"direction": "to_employment"}).status_code == 404


def test_api_diagnosis_operations_events_and_survival(actors, adviser, bakery, owner):
    import datetime as dt

    api = Api(actors.counsellor)
    r = api.post(f"/enterprise/initiatives/{bakery.pk}/diagnosis",
                 {"answers": {"market": 4, "product": 4, "finance": 4, "operations": 4, "formal": 0}})
    assert r.status_code == 201 and r.json()["score"] == 85.7  # 6 of 7 weight points
    r = api.post(f"/enterprise/initiatives/{bakery.pk}/operations", {"jobs_full_time": 2, "sales": "1.500.000"})
    assert (r.json()["jobs_total"], r.json()["monthly_sales"]) == (2, 1500000.0)
    r = api.post("/enterprise/events", {"name": "Viernes Empresarial", "date": "2026-06-05", "municipality_code": "68001",
                                        "kind": "business_friday"})
    assert r.status_code == 201
    event_id = r.json()["id"]
    hotel = make_employer(actors.counsellor, name="Hotel Feria")
    assert api.post(f"/enterprise/events/{event_id}/participants",
                    {"role": "exhibitor", "initiative_id": bakery.pk, "attended": True}).status_code == 201
    assert api.post(f"/enterprise/events/{event_id}/participants",
                    {"role": "buyer", "employer_id": hotel.pk, "attended": True}).status_code == 201
    r = api.post(f"/enterprise/events/{event_id}/contacts", {"initiative_id": bakery.pk, "employer_id": hotel.pk,
                                                              "is_deal": True})
    assert r.status_code == 422 and list(r.json()["errors"]) == ["value"]
    r = api.post(f"/enterprise/events/{event_id}/contacts", {"initiative_id": bakery.pk, "employer_id": hotel.pk,
                                                              "is_deal": True, "value": 480000})
    assert r.json() == {"id": r.json()["id"], "is_deal": True, "value": 480000.0}
    assert Api(actors.outsider).post(f"/enterprise/events/{event_id}/participants",
                                     {"role": "visitor", "person_id": owner.pk}).status_code == 404
    services.schedule_survival_follow_ups(bakery, base=dt.date(2026, 1, 1), basis="operation")
    fu = bakery.survival_follow_ups.get(months=6)
    r = api.post(f"/enterprise/survival/{fu.pk}", {"operating": False, "jobs": 0})
    assert r.json()["operating"] is False
