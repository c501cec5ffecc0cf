"""Public catalogue: search (accents, typos, territory, sector), the public page with schema.org markup and the
WhatsApp link, photos (resized, metadata stripped, bad uploads refused), prices validated; supplier ranking on a
small fixture; a supplier outside a local-only need's territory refused."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.test import Client
from PIL import Image

from factories import make_employer, make_person, skill
from siee.core.errors import ValidationFailed
from siee.enterprise import catalog, images, services, suppliers
from siee.enterprise.models import Product, ProductPhoto, Stage, SupplierInteraction
from siee.people import services as people_services


def _jpeg_with_gps(size=(2400, 1600)) -> bytes:
    img = Image.new("RGB", size, (200, 150, 90))
    exif = Image.Exif()
    exif[0x010F] = "CamaraEspia"  # Make
    exif[0x8825] = {1: "N", 2: (7.0, 7.0, 0.0)}  # GPS latitude
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def _shop(adviser, actors, name, products, municipality="68001", sector="10", stage=Stage.OPERATING, public=True,
          certifications="", registered=False, system=False):
    person = make_person(actors.outsider if system else actors.counsellor, municipality_code=municipality)
    adviser = None if system else adviser
    ini = services.create_initiative(actor=adviser, owner_id=person.pk, data={
        "name": name, "sector": sector, "municipality_code": municipality, "stage": stage, "registered": registered})
    for p in products:
        services.add_product(actor=adviser, initiative_id=ini.pk, data=p if isinstance(p, dict) else {"name": p})
    if public:
        services.publish_initiative(actor=adviser, initiative_id=ini.pk,
                                    contact={"whatsapp": "311 555 0101", "certifications": certifications})
    return ini


@pytest.fixture
def shops(actors, adviser):
    return {
        "bakery": _shop(adviser, actors, "Panadería La Caraqueña", [{"name": "Pan de jamón", "description": "Pan navideño"},
                                                                   {"name": "Almojábanas", "price_min": "1800"}]),
        "arepas": _shop(adviser, actors, "Arepas Doña Rosa", [{"name": "Arepa de maíz", "description": "Acompaña con pan"}]),
        "giron": _shop(adviser, actors, "Delicias de Girón", [{"name": "Pan de bono"}], municipality="68307"),
        "hidden": _shop(adviser, actors, "Panes Ocultos", ["Pan secreto"], public=False),
        "sewing": _shop(adviser, actors, "Confecciones Málaga", ["Uniformes escolares"], sector="14"),
    }


def test_search_ranks_name_matches_first_and_hides_unpublished(shops):
    names = [(r["initiative"], r["product"]) for r in catalog.search("pan")]
    assert names[:2] == [("Panadería La Caraqueña", "Pan de jamón"), ("Delicias de Girón", "Pan de bono")]
    assert ("Arepas Doña Rosa", "Arepa de maíz") in names  # "pan" only in its description: ranked after
    assert names.index(("Arepas Doña Rosa", "Arepa de maíz")) > 1
    assert all(i != "Panes Ocultos" for i, _ in names)


def test_search_is_accent_and_typo_tolerant(shops):
    assert [r["product"] for r in catalog.search("almojabanas")] == ["Almojábanas"]
    assert [r["product"] for r in catalog.search("ALMOJÁBANA")] == ["Almojábanas"]
    assert [r["product"] for r in catalog.search("almojavanas")] == ["Almojábanas"]  # typo
    assert [r["product"] for r in catalog.search("uniforme")] == ["Uniformes escolares"]


def test_search_by_territory_and_sector(shops):
    from siee.core.selectors import find_territory, territory_subtree_ids

    giron = territory_subtree_ids([find_territory("68307")])
    assert [r["initiative"] for r in catalog.search("pan", territory_ids=giron)] == ["Delicias de Girón"]
    sewing_sector = shops["sewing"].sector_id
    assert [r["product"] for r in catalog.search("", sector_id=sewing_sector)] == ["Uniformes escolares"]


def test_unpublishing_removes_the_initiative_from_the_catalogue(adviser, shops):
    services.publish_initiative(actor=adviser, initiative_id=shops["giron"].pk, public=False)
    assert "Delicias de Girón" not in [r["initiative"] for r in catalog.search("pan")]


def test_public_page_has_whatsapp_link_and_schema_org_markup(shops):
    response = Client().get("/catalogo/panaderia-la-caraquena/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="https://wa.me/573115550101"' in html
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["@type"] == "LocalBusiness" and data["name"] == "Panadería La Caraqueña"
    offers = {o["itemOffered"]["name"]: o for o in data["makesOffer"]}
    assert offers["Almojábanas"]["price"] == "1800.00" and offers["Pan de jamón"]["itemOffered"]["@type"] == "Product"
    assert Client().get("/catalogo/panes-ocultos/").status_code == 404


def test_catalogue_page_searches_and_per_territory_catalogue(shops):
    html = Client().get("/catalogo/", {"q": "pan"}).content.decode()
    assert "Pan de jamón" in html and "Pan secreto" not in html
    html = Client().get("/catalogo/territorio/68307/", {"q": "pan"}).content.decode()
    assert "Pan de bono" in html and "Pan de jamón" not in html


# --- photos and prices -------------------------------------------------------------------------------------

def test_photo_is_resized_and_stripped_of_metadata(adviser, shops):
    product = Product.objects.get(name="Almojábanas")
    with Image.open(io.BytesIO(_jpeg_with_gps())) as original:
        assert original.getexif()[0x010F] == "CamaraEspia"
    photo = services.add_product_photo(actor=adviser, product_id=product.pk, data=_jpeg_with_gps(), filename="a.jpg")
    assert (photo.width, photo.height) == (1200, 800)
    with Image.open(io.BytesIO(bytes(photo.data))) as img:
        assert img.format == "JPEG" and dict(img.getexif()) == {} and "exif" not in img.info
    response = Client().get(f"/catalogo/foto/{photo.pk}.jpg")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"


def test_upload_that_is_not_an_image_or_too_large_is_refused_and_nothing_is_saved(adviser, shops, monkeypatch):
    ini = shops["bakery"]
    before = (Product.objects.count(), ProductPhoto.objects.count())
    with pytest.raises(ValidationFailed) as exc:
        services.add_product(actor=adviser, initiative_id=ini.pk, data={"name": "Roscón"},
                             photos=[("roscon.jpg", b"%PDF-1.4 esto no es una imagen")])
    assert exc.value.field == "photo" and "roscon.jpg" in exc.value.message and "no es una imagen" in exc.value.message
    monkeypatch.setattr(images, "MAX_UPLOAD_BYTES", 1000)
    with pytest.raises(ValidationFailed) as exc:
        services.add_product(actor=adviser, initiative_id=ini.pk, data={"name": "Roscón"},
                             photos=[("grande.jpg", _jpeg_with_gps((400, 400)))])
    assert exc.value.field == "photo" and "máximo" in exc.value.message
    assert (Product.objects.count(), ProductPhoto.objects.count()) == before


def test_prices_that_are_not_numbers_are_refused_with_the_field(adviser, shops):
    before = Product.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        services.add_product(actor=adviser, initiative_id=shops["bakery"].pk, data={"name": "Roscón", "price_min": "barato"})
    assert exc.value.field == "price_min" and "barato" in exc.value.message
    with pytest.raises(ValidationFailed) as exc:
        services.add_product(actor=adviser, initiative_id=shops["bakery"].pk,
                             data={"name": "Roscón", "price_min": "9000", "price_max": "5000"})
    assert exc.value.field == "price_max"
    assert Product.objects.count() == before


# --- supplier ranking --------------------------------------------------------------------------------------

def test_supplier_ranking_on_a_small_fixture(actors, adviser):
    hygiene = skill("manipulacion-de-alimentos")
    near = _shop(adviser, actors, "Pan Caliente", ["Pan tajado", "Pan de sal"], certifications="INVIMA", registered=True)
    people_services.add_person_skill(actor=actors.counsellor, person_id=near.owner_id, skill_id=hygiene.pk)
    _shop(adviser, actors, "Panadería Sin Registro", ["Pan tajado"])           # same place, no skill, no certificate
    _shop(adviser, actors, "Pan de Floridablanca", ["Pan tajado"], municipality="68276", certifications="INVIMA")
    _shop(adviser, actors, "Café Cali", ["Pan tajado"], municipality="76001", system=True)  # far away
    _shop(adviser, actors, "Tornillos SAS", ["Tornillos"], sector="47")        # neither text nor sector: not a candidate
    hotel = make_employer(actors.counsellor, name="Hotel Prueba")
    need = services.create_need(actor=adviser, skill_ids=[hygiene.pk], data={
        "buyer_employer_id": hotel.pk, "title": "Pan tajado", "sector": "10", "certifications": "INVIMA",
        "municipality_code": "68001"})
    ranked = suppliers.rank_suppliers(need, top=10)
    assert [r["initiative"] for r in ranked] == ["Pan Caliente", "Pan de Floridablanca", "Panadería Sin Registro", "Café Cali"]
    top = ranked[0]
    # text 1, sector 1, location 1, skills 1, certifications 1, readiness 0.7*1 + 0.3*1 -> 1.0
    assert top["score"] == 1.0
    assert ranked[2]["explanation"]["missing_skills"] == ["manipulacion de alimentos"]
    # same place, no skill, no certificate: 0.40 + 0.15 + 0.15 + 0 + 0 + 0.05*0.7 = 0.735
    assert ranked[2]["score"] == 0.735
    far = ranked[3]["explanation"]["components"]["location"]
    assert far["value"] == 0.0 and re.fullmatch(r"A \d{3} km \(Cali.*\)", far["reason"]), far


def test_supplier_outside_a_local_only_needs_territory_is_refused_and_not_ranked(actors, adviser, snapshot):
    inside = _shop(adviser, actors, "Pan Bumangués", ["Pan tajado"])
    outside = _shop(adviser, actors, "Pan de Girón", ["Pan tajado"], municipality="68307")
    hotel = make_employer(actors.counsellor, name="Hotel Local")
    need = services.create_need(actor=adviser, data={"buyer_employer_id": hotel.pk, "title": "Pan tajado",
                                                     "municipality_code": "68001", "local_only": True})
    assert [r["initiative"] for r in suppliers.rank_suppliers(need)] == ["Pan Bumangués"]
    before = snapshot()
    with pytest.raises(ValidationFailed) as exc:
        services.record_supplier_step(actor=adviser, need_id=need.pk, initiative_id=outside.pk, step="introduction")
    assert exc.value.field == "initiative"
    assert "solo admite proveedores de" in exc.value.message and "Pan de Girón" in exc.value.message
    assert snapshot() == before
    services.record_supplier_step(actor=adviser, need_id=need.pk, initiative_id=inside.pk, step="deal", value="500000")
    assert SupplierInteraction.objects.get().value == 500000
