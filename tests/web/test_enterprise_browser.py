"""The public catalogue in a real headless Chromium (Debian's /usr/bin/chromium): a visitor searches the
catalogue, opens an entrepreneur's page and sees the WhatsApp contact link; an adviser sees the initiative and
the ranked suppliers of a hotel's need. Screenshots: docs/screenshots/enterprise-*.png.

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


def test_adviser_sees_ranked_suppliers_for_a_hotel_need(live_server, live_actors, page, screenshot):
    base = live_server.url
    adviser, ini, need = _bakery(live_actors)
    log_in(page, base, adviser)
    page.goto(f"{base}/emprendimiento/")
    assert page.locator("#initiatives tbody tr").count() == 2
    page.click("text=Pan diario para desayunos")
    page.wait_for_url(f"{base}/emprendimiento/necesidades/{need.pk}/")
    first = page.locator("#suppliers > li").first
    assert first.get_attribute("data-initiative") == str(ini.pk)
    assert "Tiene las certificaciones exigidas" in first.inner_text()
    first.locator("select[name=step]").select_option("deal")
    first.locator("input[name=value]").fill("2.700.000")
    first.locator("button[type=submit]").click()
    page.wait_for_url(f"{base}/emprendimiento/necesidades/{need.pk}/")
    assert re.search(r"Panadería Dulce Hogar · Negocio cerrado · \$ 2\W700\W000", page.locator("main").inner_text())
    screenshot(page, "enterprise-need")
    page.goto(f"{base}/emprendimiento/{ini.pk}/")
    screenshot(page, "enterprise-initiative-staff")
