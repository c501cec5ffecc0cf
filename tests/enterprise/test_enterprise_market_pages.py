"""Market pages through Django's test client: a buyer's procurement need (form, ranked suppliers, introduction /
quote / deal buttons) and business events (form, participants, attendance, contacts and deals). Each: the happy
path, bad input on the named field with nothing saved, another territory refused with the database unchanged."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import Client

from factories import PASSWORD, make_employer, make_person, skill
from siee.core.models import AuditEntry
from siee.enterprise import services
from siee.enterprise.models import (
    BusinessEvent,
    EventContact,
    EventParticipant,
    ProcurementNeed,
    SupplierInteraction,
)

TODAY = dt.date.today()


def login(user) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


@pytest.fixture
def supplier(adviser, bakery):
    services.add_product(actor=adviser, initiative_id=bakery.pk, data={"name": "Pan aliñado", "price_min": "2500"})
    services.publish_initiative(actor=adviser, initiative_id=bakery.pk, contact={"whatsapp": "3115550199",
                                                                                 "certifications": "INVIMA"})
    return bakery


@pytest.fixture
def hotel(actors):
    return make_employer(actors.counsellor, name="Hotel Chicamocha")


def need_post(hotel, **overrides) -> dict:
    data = {"buyer": f"employer:{hotel.pk}", "title": "Pan aliñado para desayunos", "kind": "product",
            "description": "Desayuno de 80 huéspedes", "sector": "10", "quantity": "1.200", "unit": "unidades",
            "frequency": "semanal", "budget": "2.400.000", "quality_requirements": "Horneado el mismo día",
            "certifications": "INVIMA", "municipality_code": "CO-68001", "local_only": "on",
            "starts_on": TODAY.isoformat(), "ends_on": (TODAY + dt.timedelta(days=90)).isoformat()}
    data.update(overrides)
    return data


# --- procurement needs -------------------------------------------------------------------------------------

def test_adviser_registers_a_need_through_the_form_and_sees_ranked_suppliers(adviser, supplier, hotel):
    hygiene = skill("higiene-alimentos", "higiene de los alimentos")
    web = login(adviser)
    form = web.get("/emprendimiento/necesidades/nueva/")
    assert form.status_code == 200 and "Hotel Chicamocha" in form.content.decode()
    r = web.post("/emprendimiento/necesidades/nueva/", {**need_post(hotel), "skills": [hygiene.pk]})
    need = ProcurementNeed.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/emprendimiento/necesidades/{need.pk}/"
    assert (need.buyer_employer_id, need.title, need.kind, need.sector.code, need.quantity, need.unit, need.frequency,
            need.budget, need.quality_requirements, need.certifications, need.municipality.code, need.local_only,
            need.starts_on, need.ends_on, need.created_by_id) == (
        hotel.pk, "Pan aliñado para desayunos", "product", "10", Decimal("1200.00"), "unidades", "semanal",
        Decimal("2400000.00"), "Horneado el mismo día", "INVIMA", "68001", True, TODAY, TODAY + dt.timedelta(days=90),
        adviser.pk)
    assert list(need.skills.values_list("label", flat=True)) == ["higiene de los alimentos"]
    assert AuditEntry.objects.filter(actor=adviser, action="create", object_type="procurementneed").count() == 1
    page = web.get(r["Location"])
    assert [r["initiative"] for r in page.context["ranked"]] == ["Panadería Dulce Hogar"]
    html = page.content.decode()
    assert "Tiene las certificaciones exigidas" in html and 'data-step="deal"' in html and 'data-step="quote"' in html


def test_need_buyer_can_be_a_public_entity_of_the_territory(actors, adviser):
    from siee.core.models import Organization
    from siee.core.selectors import find_territory

    alcaldia = Organization.objects.create(name="Alcaldía de Bucaramanga (prueba)", kind="public_entity")
    alcaldia.territories.set([find_territory("68001")])
    cali = Organization.objects.create(name="Alcaldía de Cali (prueba)", kind="public_entity")
    cali.territories.set([find_territory("76001")])
    web = login(adviser)
    html = web.get("/emprendimiento/necesidades/nueva/").content.decode()
    assert "Alcaldía de Bucaramanga (prueba)" in html and "Alcaldía de Cali (prueba)" not in html
    r = web.post("/emprendimiento/necesidades/nueva/", need_post(actors.home, buyer=f"entity:{alcaldia.pk}", local_only=""))
    assert r.status_code == 302
    assert (ProcurementNeed.objects.get().buyer_entity_id, ProcurementNeed.objects.get().local_only) == (alcaldia.pk, False)
    r = web.post("/emprendimiento/necesidades/nueva/", need_post(actors.home, buyer=f"entity:{cali.pk}"))
    assert r.context["form"].errors == {"buyer": ["Elija una opción de la lista."]}


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"ends_on": (TODAY - dt.timedelta(days=1)).isoformat()}, "ends_on", "La fecha final es anterior a la inicial."),
    ({"quantity": "muchos"}, "quantity", "«muchos» no es un número."),
    ({"budget": "-5"}, "budget", "El valor no puede ser negativo."),
    ({"buyer": ""}, "buyer", "Este campo es obligatorio."),
    ({"title": ""}, "title", "Este campo es obligatorio."),
    ({"municipality_code": "CO-76001"}, "municipality_code", "Elija una opción de la lista."),
    ({"starts_on": "mañana"}, "starts_on", "Fecha no válida. Use el formato AAAA-MM-DD."),
])
def test_need_form_bad_input_is_refused_on_the_named_field(adviser, hotel, overrides, field, message):
    r = login(adviser).post("/emprendimiento/necesidades/nueva/", need_post(hotel, **overrides))
    assert r.status_code == 200
    assert r.context["form"].errors == {field: [message]}
    assert not ProcurementNeed.objects.exists()


def test_recording_introduction_quote_and_deal_with_value_on_the_need_page(adviser, supplier, hotel, snapshot):
    need = services.create_need(actor=adviser, data={"buyer_employer_id": hotel.pk, "title": "Pan aliñado"})
    web = login(adviser)
    url = f"/emprendimiento/necesidades/{need.pk}/"
    assert web.post(url, {"initiative": supplier.pk, "step": "introduction"}).status_code == 302
    before = snapshot()
    r = web.post(url, {"initiative": supplier.pk, "step": "deal", "value": ""})
    assert r.status_code == 200 and r.context["form"].errors == {"value": ["Indique el valor de la cotización o del negocio."]}
    assert "Valor: Indique el valor de la cotización o del negocio." in r.content.decode()
    r = web.post(url, {"initiative": supplier.pk, "step": "quote", "value": "dos millones"})
    assert r.context["form"].errors == {"value": ["«dos millones» no es un número."]}
    assert snapshot() == before
    assert web.post(url, {"initiative": supplier.pk, "step": "quote", "value": "2.400.000"}).status_code == 302
    assert web.post(url, {"initiative": supplier.pk, "step": "deal", "value": "2.300.000", "note": "Orden 17"}).status_code == 302
    assert list(SupplierInteraction.objects.order_by("id").values_list("step", "value", "note")) == [
        ("introduction", None, ""), ("quote", Decimal("2400000.00"), ""), ("deal", Decimal("2300000.00"), "Orden 17")]
    assert re.search(r"Negocio cerrado · \$ 2\W300\W000 · Orden 17", web.get(url).content.decode())


def test_other_territory_cannot_create_for_or_act_on_a_need(actors, adviser, supplier, hotel, snapshot):
    need = services.create_need(actor=adviser, data={"buyer_employer_id": hotel.pk, "title": "Pan aliñado"})
    before = snapshot()
    outsider = login(actors.outsider)
    html = outsider.get("/emprendimiento/necesidades/nueva/").content.decode()
    assert "Hotel Chicamocha" not in html
    r = outsider.post("/emprendimiento/necesidades/nueva/", need_post(hotel, municipality_code="CO-76001", local_only=""))
    assert r.context["form"].errors == {"buyer": ["Elija una opción de la lista."]}
    assert outsider.get(f"/emprendimiento/necesidades/{need.pk}/").status_code == 404
    assert outsider.post(f"/emprendimiento/necesidades/{need.pk}/",
                         {"initiative": supplier.pk, "step": "deal", "value": "100"}).status_code == 404
    assert snapshot() == before and ProcurementNeed.objects.count() == 1


# --- business events ---------------------------------------------------------------------------------------

def test_adviser_creates_a_fair_registers_participants_marks_attendance_and_records_a_deal(actors, adviser, supplier, hotel):
    visitor = make_person(actors.counsellor, first_names="Carmen", last_names="Ruiz")
    web = login(adviser)
    r = web.post("/emprendimiento/eventos/nuevo/", {"name": "Viernes Empresarial de junio", "kind": "business_friday",
                                                     "date": "2026-06-05", "place": "Parque San Pío",
                                                     "municipality_code": "CO-68001"})
    event = BusinessEvent.objects.get()
    url = f"/emprendimiento/eventos/{event.pk}/"
    assert r.status_code == 302 and r["Location"] == url
    assert (event.name, event.kind, event.date, event.place, event.municipality.code, event.organization_id) == (
        "Viernes Empresarial de junio", "business_friday", dt.date(2026, 6, 5), "Parque San Pío", "68001",
        adviser.organization_id)
    assert web.post(url, {"action": "participant", "role": "exhibitor", "initiative_id": supplier.pk}).status_code == 302
    assert web.post(url, {"action": "participant", "role": "buyer", "employer_id": hotel.pk, "attended": "on"}).status_code == 302
    assert web.post(url, {"action": "participant", "role": "visitor", "person_id": visitor.pk}).status_code == 302
    exhibitor = EventParticipant.objects.get(initiative=supplier)
    assert web.post(url, {"action": "attendance", "participant": exhibitor.pk, "attended": "1"}).status_code == 302
    assert sorted(EventParticipant.objects.values_list("role", "attended")) == [
        ("buyer", True), ("exhibitor", True), ("visitor", False)]
    assert web.post(url, {"action": "contact", "initiative_id": supplier.pk, "person_id": visitor.pk}).status_code == 302
    assert web.post(url, {"action": "contact", "initiative_id": supplier.pk, "employer_id": hotel.pk, "is_deal": "on",
                          "value": "480.000", "note": "Pedido semanal"}).status_code == 302
    assert list(EventContact.objects.order_by("id").values_list("employer_id", "person_id", "is_deal", "value", "note")) == [
        (None, visitor.pk, False, None, ""), (hotel.pk, None, True, Decimal("480000.00"), "Pedido semanal")]
    html = web.get(url).content.decode()
    assert "3 participantes inscritos, 2 asistieron." in html and "2 contactos, 1 negocios" in html
    assert list(supplier.events.filter(kind__startswith="event").values_list("kind", flat=True)) == [
        "event_deal", "event_contact", "event_participation"]


def test_event_bad_input_is_refused_on_the_named_field(actors, adviser, supplier, hotel, snapshot):
    web = login(adviser)
    r = web.post("/emprendimiento/eventos/nuevo/", {"name": "Feria", "kind": "fair", "date": "",
                                                     "municipality_code": "CO-68001"})
    assert r.context["form"].errors == {"date": ["Este campo es obligatorio."]}
    assert not BusinessEvent.objects.exists()
    event = services.create_event(actor=adviser, name="Feria", date=TODAY, municipality_code="68001")
    services.add_participant(actor=adviser, event_id=event.pk, role="exhibitor", initiative_id=supplier.pk)
    url = f"/emprendimiento/eventos/{event.pk}/"
    before = snapshot()
    r = web.post(url, {"action": "participant", "role": "exhibitor", "person_id": ""})
    assert r.context["participant_form"].errors == {"initiative_id": ["Indique quién participa como «Expositor (iniciativa)»."]}
    r = web.post(url, {"action": "participant", "role": "exhibitor", "initiative_id": supplier.pk})
    assert r.context["participant_form"].errors == {"initiative_id": ["«Panadería Dulce Hogar» ya está inscrito en el evento."]}
    r = web.post(url, {"action": "participant", "role": "buyer", "initiative_id": supplier.pk})
    assert r.context["participant_form"].errors == {
        "role": ["Las iniciativas participan como expositoras, y los expositores son iniciativas."]}
    r = web.post(url, {"action": "contact", "initiative_id": supplier.pk, "is_deal": "on", "value": ""})
    assert r.context["contact_form"].errors == {"value": ["Indique el valor del negocio."]}
    assert "Indique el valor del negocio." in r.content.decode()
    r = web.post(url, {"action": "contact", "initiative_id": supplier.pk, "employer_id": hotel.pk})  # not a buyer here
    assert r.context["contact_form"].errors == {"employer_id": ["Elija una opción de la lista."]}
    assert snapshot() == before
    cali_person = make_person(actors.outsider, municipality_code="76001")
    before = snapshot()
    r = web.post(url, {"action": "participant", "role": "visitor", "person_id": cali_person.pk})
    assert r.status_code == 200 and r.context["participant_form"].errors == {"person_id": ["Persona no encontrada."]}
    assert snapshot() == before


def test_other_territory_cannot_see_or_change_an_event(actors, adviser, supplier, snapshot):
    event = services.create_event(actor=adviser, name="Feria de Bucaramanga", date=TODAY, municipality_code="68001")
    p = services.add_participant(actor=adviser, event_id=event.pk, role="exhibitor", initiative_id=supplier.pk)
    before = snapshot()
    outsider = login(actors.outsider)
    url = f"/emprendimiento/eventos/{event.pk}/"
    assert outsider.get(url).status_code == 404
    assert outsider.post(url, {"action": "attendance", "participant": p.pk, "attended": "1"}).status_code == 404
    assert outsider.post(url, {"action": "contact", "initiative_id": supplier.pk, "is_deal": "on", "value": "1"}).status_code == 404
    assert "Feria de Bucaramanga" not in outsider.get("/emprendimiento/eventos/").content.decode()
    r = outsider.post("/emprendimiento/eventos/nuevo/", {"name": "Intrusa", "kind": "fair", "date": TODAY.isoformat(),
                                                         "municipality_code": "CO-68001"})
    assert r.context["form"].errors == {"municipality_code": ["Elija una opción de la lista."]}
    assert snapshot() == before and BusinessEvent.objects.count() == 1
    assert AuditEntry.objects.filter(actor=actors.outsider, action="denied", object_type="businessevent").count() == 3
