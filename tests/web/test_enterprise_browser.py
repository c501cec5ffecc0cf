"""The public catalogue in a real headless Chromium (Debian's /usr/bin/chromium): a visitor searches the
catalogue, opens an entrepreneur's page and sees the WhatsApp contact link; an adviser sees the initiative and
the ranked suppliers of a hotel's need it registered through the form, records a deal with the top supplier,
and opens a seed-capital call that the committee scores and awards. Screenshots: docs/screenshots/enterprise-*.png.

Run alone with: .venv/bin/python -m pytest tests/web/test_enterprise_browser.py -q
"""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from .test_browser import horizontal_overflow, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _photo() -> bytes:
    img = Image.new("RGB", (900, 600), (222, 184, 135))
    for x in range(200, 700):
        for y in range(250, 350):
            img.putpixel((x, y), (160, 100, 40))
    out = io.BytesIO()
    img.save(out, format="JPEG")
    return out.getvalue()


def _bakery(actors):
    from siee.core.services import create_staff_user
    from siee.employers.services import register_employer
    from siee.enterprise import services
    from siee.enterprise.models import Stage
    from siee.people.services import register_person

    adviser = create_staff_user(actor=None, username="asesora_a", password="clave-de-prueba-2026",
                                role="business_adviser", organization=actors["counsellor"].organization)
    owner = register_person(actor=adviser, consent={"channel": "in_person"}, data={
        "first_names": "Yusmary", "last_names": "Rondón", "document_type": "PPT", "document_number": "7654321",
        "nationality": "VE", "birth_date": "1988-08-08", "sex": "F", "municipality_code": "68001",
        "migration_status": "regular", "whatsapp": "+57 311 555 0199"})
    ini = services.create_initiative(actor=adviser, owner_id=owner.pk, data={
        "name": "Panadería Dulce Hogar", "sector": "10", "stage": Stage.OPERATING,
        "description": "Pan artesanal venezolano y colombiano, horneado cada mañana."})
    services.add_product(actor=adviser, initiative_id=ini.pk, photos=[("pan.jpg", _photo())], data={
        "name": "Pan campesino", "description": "Pan de leña por docena", "price_min": "6000", "price_max": "9000",
        "unit": "docena"})
    services.add_product(actor=adviser, initiative_id=ini.pk, data={"name": "Pan de jamón", "price_min": "25000"})
    services.publish_initiative(actor=adviser, initiative_id=ini.pk, contact={
        "whatsapp": "+57 311 555 0199", "phone": "607 634 0000", "delivery_area": "Bucaramanga y área metropolitana",
        "certifications": "INVIMA"})
    other = register_person(actor=adviser, consent={"channel": "in_person"}, data={
        "first_names": "Rosa", "last_names": "Díaz", "document_type": "CC", "document_number": "63555111",
        "nationality": "CO", "birth_date": "1970-01-01", "sex": "F", "municipality_code": "68001"})
    arepas = services.create_initiative(actor=adviser, owner_id=other.pk, data={"name": "Arepas Doña Rosa", "sector": "10"})
    services.add_product(actor=adviser, initiative_id=arepas.pk, data={"name": "Arepas de maíz"})
    services.publish_initiative(actor=adviser, initiative_id=arepas.pk, contact={"phone": "3001112233"})
    hotel = register_employer(actor=adviser, data={"tax_id": "900777888", "name": "Hotel Chicamocha",
                                                   "municipality_code": "68001", "size": "medium"})
    need = services.create_need(actor=adviser, data={"buyer_employer_id": hotel.pk, "title": "Pan diario para desayunos",
                                                     "sector": "10", "certifications": "INVIMA"})
    return adviser, ini, need


def test_public_searches_catalogue_opens_page_and_sees_whatsapp_link(live_server, live_actors, page, screenshot):
    base = live_server.url
    _adviser, ini, _need = _bakery(live_actors)
    page.goto(f"{base}/catalogo/")
    page.fill("#q", "panaderia")  # no accent: still found
    page.click("#catalog-search button[type=submit]")
    page.wait_for_url(f"{base}/catalogo/?q=panaderia*")
    items = page.locator("#catalog-results li").all_inner_texts()
    assert items[0].startswith("Pan campesino · Panadería Dulce Hogar")
    assert all("Arepas" not in t for t in items)
    screenshot(page, "enterprise-catalog")
    page.click("#catalog-results a >> text=Pan campesino")
    page.wait_for_url(f"{base}/catalogo/panaderia-dulce-hogar/")
    link = page.locator("#whatsapp-link")
    assert link.is_visible()
    assert link.get_attribute("href") == "https://wa.me/573115550199"
    assert page.locator("#products li").first.inner_text().strip().startswith("Pan campesino · COP 6.000 - 9.000 / docena")
    assert page.locator("#products img").first.evaluate("img => img.naturalWidth") == 900
    assert page.locator('script[type="application/ld+json"]').count() == 1
    screenshot(page, "enterprise-initiative")
    page.set_viewport_size({"width": 375, "height": 740})
    assert horizontal_overflow(page) == 0


def test_adviser_creates_a_need_through_the_form_and_records_a_deal_with_the_top_supplier(live_server, live_actors, page,
                                                                                           screenshot):
    from siee.enterprise.models import ProcurementNeed, SupplierInteraction

    base = live_server.url
    adviser, ini, old_need = _bakery(live_actors)
    hotel_id = old_need.buyer_employer_id
    log_in(page, base, adviser)
    page.goto(f"{base}/emprendimiento/")
    assert page.locator("#initiatives tbody tr").count() == 2
    page.click("#new-need")
    page.wait_for_url(f"{base}/emprendimiento/necesidades/nueva/")
    page.select_option("#id_buyer", f"employer:{hotel_id}")
    page.fill("#id_title", "Pan campesino para el desayuno")
    page.fill("#id_description", "Desayuno buffet de 80 huéspedes, entrega antes de las 6:00")
    page.select_option("#id_sector", "10")
    page.fill("#id_quantity", "1.200")
    page.fill("#id_unit", "unidades")
    page.fill("#id_frequency", "semanal")
    page.fill("#id_budget", "2.400.000")
    page.fill("#id_quality_requirements", "Horneado el mismo día, empacado")
    page.fill("#id_certifications", "INVIMA")
    page.select_option("#id_municipality_code", "CO-68001")
    page.check("#id_local_only")
    screenshot(page, "enterprise-need-form")
    page.click("#need-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/emprendimiento/necesidades/\d+/$"))
    need = ProcurementNeed.objects.exclude(pk=old_need.pk).get()
    assert page.url == f"{base}/emprendimiento/necesidades/{need.pk}/"
    assert (need.title, need.quantity, need.local_only, need.certifications) == (
        "Pan campesino para el desayuno", 1200, True, "INVIMA")
    first = page.locator("#suppliers > li").first
    assert first.get_attribute("data-initiative") == str(ini.pk)
    assert "Tiene las certificaciones exigidas" in first.inner_text()
    first.locator("input[name=value]").fill("2.700.000")
    first.locator("button[data-step=deal]").click()
    page.wait_for_url(f"{base}/emprendimiento/necesidades/{need.pk}/")
    assert re.search(r"Panadería Dulce Hogar · Negocio cerrado · \$ 2\W700\W000", page.locator("#interactions").inner_text())
    assert list(SupplierInteraction.objects.values_list("need_id", "initiative_id", "step", "value")) == [
        (need.pk, ini.pk, "deal", 2700000)]
    screenshot(page, "enterprise-need")
    page.goto(f"{base}/emprendimiento/{ini.pk}/")
    screenshot(page, "enterprise-initiative-staff")


def test_adviser_opens_a_seed_capital_call_and_the_committee_awards_it(live_server, live_actors, page, screenshot):
    import datetime as dt

    from siee.enterprise.models import GrantApplication, GrantCall

    base = live_server.url
    adviser, ini, _need = _bakery(live_actors)
    log_in(page, base, adviser)
    page.goto(f"{base}/emprendimiento/convocatorias/")
    page.click("#new-call")
    page.wait_for_url(f"{base}/emprendimiento/convocatorias/nueva/")
    page.fill("#id_name", "Capital semilla 2026 · Bucaramanga")
    page.fill("#id_closes_on", (dt.date.today() + dt.timedelta(days=30)).isoformat())
    page.fill("#id_amount_per_award", "4.000.000")
    page.fill("#id_budget", "40.000.000")
    page.select_option("#id_min_stage", "20")
    page.select_option("#id_territories", ["CO-68001"])
    for i, (name, weight, top) in enumerate([("Viabilidad del negocio", "3", "5"), ("Generación de empleo", "2", "5")]):
        page.fill(f"#id_criteria-{i}-name", name)
        page.fill(f"#id_criteria-{i}-weight", weight)
        page.fill(f"#id_criteria-{i}-max_score", top)
    page.click("#call-form button[type=submit]")
    call = GrantCall.objects.get()
    page.wait_for_url(f"{base}/emprendimiento/convocatorias/{call.pk}/")
    page.select_option("#id_initiative", str(ini.pk))
    page.click("#apply button[type=submit]")
    app = GrantApplication.objects.get()
    page.wait_for_url(f"{base}/emprendimiento/postulaciones/{app.pk}/")
    assert page.locator("#application-status").inner_text() == "Elegible"
    crit = list(call.criteria.all())
    for juror, values in (("Jurado 1", ("4", "5")), ("Jurado 2", ("5", "4"))):
        page.click("#scores-title ~ details summary")
        page.fill("#id_scorer", juror)
        for c, v in zip(crit, values, strict=True):
            page.fill(f"#id_crit_{c.pk}", v)
        page.click("#score-form button[type=submit]")
        page.wait_for_url(f"{base}/emprendimiento/postulaciones/{app.pk}/")
    assert page.locator("#application-score").inner_text().startswith("Puntaje del comité: 90")
    page.fill("#id_amount1", "2.500.000")
    page.fill("#id_milestone1", "Compra del horno")
    page.fill("#id_amount2", "1.500.000")
    page.fill("#id_milestone2", "Primeras ventas formalizadas")
    page.click("#award-form button[type=submit]")
    page.wait_for_url(f"{base}/emprendimiento/postulaciones/{app.pk}/")
    assert page.locator("#tranches tbody tr").count() == 2
    page.fill("#id_amount", "1")  # the plan already uses the whole award
    page.fill("#id_milestone", "Extra")
    page.click("#tranche-form button[type=submit]")
    assert "superaría el monto adjudicado" in page.locator("#field-amount").inner_text()
    page.goto(f"{base}/emprendimiento/convocatorias/{call.pk}/")
    assert "Adjudicada" in page.locator("#applications").inner_text()
    screenshot(page, "enterprise-call")
