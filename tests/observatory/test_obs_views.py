"""Observatory pages: scoping (the Cali outsider gets 404 for Bucaramanga), roles, drill-down, public page with
published indicators only and never a suppressed number, analyst-defined indicators, bulletin download.

Data: the hand-built dataset of the engine tests (Santander 2026Q3, far below the disclosure threshold), so with the
default threshold (5) every count is suppressed and with SIEE_DISCLOSURE_THRESHOLD=1 the hand-computed values show.
"""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client
from test_obs_indicators_data import build

from factories import make_actors, make_agency, make_user
from siee.core.models import AuditAction, AuditEntry
from siee.observatory import services
from siee.observatory.facts import refresh_facts
from siee.observatory.models import IndicatorDefinition

Q = "2026Q3"


@pytest.fixture
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def actors(db, fast_passwords):
    return make_actors()


@pytest.fixture
def dataset(db):
    data = build()
    refresh_facts()
    return data


@pytest.fixture
def reveal(settings):
    settings.SIEE_DISCLOSURE_THRESHOLD = 1


def client_for(user) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


@pytest.fixture
def analyst(actors):
    return make_user(actors.home, "analyst", "analista_bga")


@pytest.fixture
def department_analyst(db, fast_passwords):
    org = make_agency("Observatorio de Santander (prueba)", ["68"])
    return make_user(org, "analyst", "analista_santander")


# --- who may open the dashboard ---------------------------------------------------------------------------

def test_outsider_from_cali_cannot_see_bucaramanga(actors, dataset):
    c = client_for(actors.outsider)
    before = AuditEntry.objects.count()
    assert c.get("/observatorio/", {"territorio": "68001", "periodo": Q}).status_code == 404
    assert c.get("/observatorio/", {"territorio": "68", "periodo": Q}).status_code == 404
    assert c.get("/observatorio/indicadores/placements/", {"territorio": "68001"}).status_code == 404
    assert c.get("/observatorio/boletin/", {"territorio": "68001", "trimestre": Q}).status_code == 404
    assert AuditEntry.objects.count() == before  # nothing exported
    # their own territory works
    r = c.get("/observatorio/", {"periodo": Q})
    assert r.status_code == 200 and r.context["territory"].code == "76001"


def test_self_service_accounts_are_refused_and_anonymous_sent_to_login(actors, dataset):
    seeker = make_user(actors.home, "job_seeker")
    employer = make_user(actors.home, "employer")
    assert client_for(seeker).get("/observatorio/").status_code == 403
    assert client_for(employer).get("/observatorio/").status_code == 403
    assert client_for(seeker).get("/observatorio/boletin/").status_code == 403
    r = client_for(None).get("/observatorio/")
    assert r.status_code == 302 and "/entrar/" in r["Location"]


def test_counsellor_sees_first_territory_of_the_agency_with_values(actors, dataset, reveal):
    r = client_for(actors.counsellor).get("/observatorio/", {"periodo": Q, "desagregacion": "sex"})
    assert r.status_code == 200
    assert r.context["territory"].code == "68001"  # Bucaramanga metro agency: 68001 first
    kpis = {k["code"]: k for k in r.context["kpis"]}
    # 68001 in 2026Q3: P1, P2, P4 registered (P6 merged excluded); placements PL1, PL2, PL3.
    assert kpis["people_registered"]["text"] == "3"
    assert kpis["placements"]["text"] == "3"
    # placement rate 68001: placements PL1, PL2, PL3 / referrals R1, R2, R4 x 100 = 100 %.
    assert kpis["placement_rate"]["text"] == "100,0"
    # 2026Q2 in 68001: one person registered (P5) -> +200 % for 3 in Q3
    assert kpis["people_registered"]["change"] == "+200,0 %"
    rows = {row.code: row for row in r.context["table"]}
    assert rows["people_registered"].text == "3"
    # a municipality: no sub-territory breakdown offered, no map
    assert "territory" not in dict(r.context["form"].fields["desagregacion"].choices)
    assert r.context["map_block"] is None
    html = r.content.decode()
    assert 'id="obs-kpis"' in html and "Personas registradas" in html
    assert "/observatorio/boletin/?territorio=68001&amp;trimestre=2026Q3&amp;formato=pdf" in html


def test_department_analyst_drills_down_to_a_municipality(department_analyst, dataset, reveal):
    c = client_for(department_analyst)
    r = c.get("/observatorio/", {"territorio": "68", "periodo": Q, "desagregacion": "territory",
                                 "indicador": "people_registered"})
    assert r.status_code == 200
    block = r.context["breakdown_block"]
    rows = {row["key"]: row for row in block["rows"]}
    # Santander 2026Q3: Bucaramanga P1, P2, P4; Floridablanca P3.
    assert (rows["68001"]["text"], rows["68276"]["text"]) == ("3 personas", "1 personas")
    href = rows["68001"]["href"]
    assert href.startswith("/observatorio/?territorio=68001&")
    assert "territory" in dict(r.context["form"].fields["desagregacion"].choices)
    assert r.context["map_block"] is not None
    svg = str(r.context["map_block"]["svg"])
    assert 'data-code="68001"' in svg and 'data-code="68276"' in svg
    assert f'href="{href.replace("&", "&amp;")}"' in svg  # the dot links to the drill-down
    down = c.get(href)
    assert down.status_code == 200
    assert down.context["territory"].code == "68001"
    assert [crumb["code"] for crumb in down.context["crumbs"]] == ["68", "68001"]
    assert {k["code"]: k["text"] for k in down.context["kpis"]}["people_registered"] == "3"


def test_analyst_sees_aggregates_never_personal_data(department_analyst, dataset, reveal):
    c = client_for(department_analyst)
    pages = [
        c.get("/observatorio/", {"territorio": "68", "periodo": Q, "desagregacion": "sex"}),
        c.get("/observatorio/indicadores/placements/", {"territorio": "68", "periodo": Q}),
        c.get("/observatorio/boletin/", {"territorio": "68", "trimestre": Q, "formato": "xlsx"}),
    ]
    assert [p.status_code for p in pages] == [200, 200, 200]
    texts = [p.content.decode() for p in pages[:2]]
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(pages[2].content))
    texts.append(" ".join(str(v) for ws in wb for row in ws.iter_rows(values_only=True) for v in row if v))
    for person in dataset["people"].values():
        for text in texts:
            assert person.document_number not in text
            assert person.last_names not in text
    # the analyst may not list people
    assert c.get("/personas/").status_code == 403


def test_htmx_filter_change_returns_only_the_results(actors, dataset):
    c = client_for(actors.counsellor)
    r = c.get("/observatorio/", {"periodo": "2026Q2"}, HTTP_HX_REQUEST="true")
    html = r.content.decode()
    assert r.status_code == 200
    assert html.lstrip().startswith('<div id="obs-page">') and "<html" not in html
    assert 'data-period="2026Q2"' in html
    # the bulletin links follow the filter
    assert "trimestre=2026Q2&amp;formato=pdf" in html
    full = c.get("/observatorio/", {"periodo": "2026Q2"}).content.decode()
    assert "<html" in full and 'hx-get="/observatorio/"' in full


def test_unknown_period_falls_back_and_bad_breakdown_is_ignored(actors, dataset):
    from siee.observatory.periods import last_complete_quarter

    r = client_for(actors.counsellor).get("/observatorio/", {"periodo": "2026Q9", "desagregacion": "nope"})
    assert r.status_code == 200
    assert r.context["period"].label == last_complete_quarter().label
    assert r.context["breakdown"] == ""


# --- disclosure on every page ----------------------------------------------------------------------------

def _suppressed_codes(territory: str) -> dict[str, float]:
    """Indicators whose total is suppressed with disclosure on -> their raw (undisclosed) value."""
    on = {r.code: r for r in services.compute_all(territory=territory, period=Q) if not r.breakdown}
    off = {r.code: r for r in services.compute_all(territory=territory, period=Q, disclosure=False)
           if not r.breakdown}
    return {c: off[c].value for c, r in on.items() if r.suppressed and off[c].value is not None}


def test_public_page_never_shows_a_suppressed_number(dataset):
    hidden = _suppressed_codes("68")
    assert "people_registered" in hidden and hidden["people_registered"] == 4  # below 5: suppressed
    r = client_for(None).get("/observatorio/publico/68/", {"periodo": Q})
    assert r.status_code == 200
    html = r.content.decode()
    for code in hidden:
        row = re.search(rf'<tr data-code="{code}"[^>]*>(.*?)</tr>', html, re.S)
        if row is None:  # not published: not on the public page at all
            continue
        assert "reservado" in row.group(1)
    kpis = {k["code"]: k for k in r.context["kpis"]}
    assert kpis["people_registered"]["text"] == "reservado" and kpis["people_registered"]["suppressed"]
    # no SVG element carries a value for a suppressed cell, and no table row shows one
    for fig in [r.context["breakdown_block"], r.context["map_block"], *r.context["rankings"]]:
        if not fig:
            continue
        for row in fig["rows"]:
            if row["suppressed"]:
                assert row["text"] == "reservado"
    assert 'data-suppressed="1"' in html


def test_public_page_lists_published_indicators_only(actors, dataset, analyst):
    services.save_definition({"code": "internal_only", "name": "Indicador interno", "kind": "count",
                              "measure": "placements", "unit": "personas", "published": False}, actor=analyst)
    public = client_for(None).get("/observatorio/publico/68001/", {"periodo": Q})
    assert public.status_code == 200
    published = {i.code for i in services.available_indicators(published_only=True)}
    shown = {row.code for row in public.context["table"]}
    assert shown and shown <= published
    assert "internal_only" not in shown and "Indicador interno" not in public.content.decode()
    staff = client_for(actors.counsellor).get("/observatorio/", {"periodo": Q})
    assert "internal_only" in {row.code for row in staff.context["table"]}


def test_public_index_lists_agency_territories(actors, dataset):
    r = client_for(None).get("/observatorio/publico/")
    assert r.status_code == 200
    html = r.content.decode()
    for code in ("68001", "68276", "68", "76001"):
        assert f'href="/observatorio/publico/{code}/"' in html
    assert client_for(None).get("/observatorio/publico/99999/").status_code == 404


# --- indicator detail -------------------------------------------------------------------------------------

def test_indicator_detail_series_breakdown_and_external_series(actors, dataset, reveal):
    services.import_external_series([{"period": "2026Q2", "value": "10,5"}, {"period": "2026Q3", "value": "9.8"}],
                                    code="dane_desempleo_bga", name="Tasa de desempleo (DANE)", territory="68001",
                                    unit="%", source="DANE, GEIH")
    r = client_for(actors.counsellor).get("/observatorio/indicadores/people_registered/",
                                          {"territorio": "68001", "periodo": Q, "desagregacion": "sex"})
    assert r.status_code == 200
    ctx = r.context
    assert [row["label"] for row in ctx["series_rows"]] == [
        "2024Q4", "2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1", "2026Q2", "2026Q3"]
    # 68001: Q2 P5 (1 person), Q3 P1, P2, P4 (3)
    assert [row["text"] for row in ctx["series_rows"]][-2:] == ["1 personas", "3 personas"]
    assert len(ctx["externals"]) == 1
    ext = ctx["externals"][0]
    assert ext["name"] == "Tasa de desempleo (DANE)"
    assert [(row["label"], row["text"]) for row in ext["rows"]] == [("2026Q2", "10,5 %"), ("2026Q3", "9,8 %")]
    sexes = {row["key"]: row["text"] for row in ctx["breakdown_fig"]["rows"]}
    assert sexes == {"F": "2 personas", "M": "1 personas"}
    assert ctx["total_text"] == "3 personas"
    assert client_for(actors.counsellor).get("/observatorio/indicadores/no_such/").status_code == 404


# --- analyst-defined indicators ---------------------------------------------------------------------------

def _form(**overrides):
    data = {"code": "colocaciones_mujeres", "name": "Colocaciones de mujeres", "kind": "count",
            "measure": "placements", "measure_filters": "sex=F", "unit": "personas", "periodicity": "quarter",
            "factor": "1", "dimensions": ["territory"], "published": "on"}
    data.update(overrides)
    return data


def test_analyst_defines_an_indicator_validated_before_saving(analyst, dataset, reveal):
    c = client_for(analyst)
    assert c.get("/observatorio/indicadores/nuevo/").status_code == 200
    bad = c.post("/observatorio/indicadores/nuevo/", _form(measure="no_such_measure", measure_filters="sexo"))
    assert bad.status_code == 400
    form = bad.context["form"]
    assert form.errors["measure_filters"] == ["Filtro no válido «sexo»: use dimensión=valor (p. ej. sex=F)."]
    assert not IndicatorDefinition.objects.exists()
    bad = c.post("/observatorio/indicadores/nuevo/", _form(measure="no_such_measure"))
    assert bad.status_code == 400
    assert bad.context["form"].errors["measure"] == ["Medida desconocida 'no_such_measure'."]
    assert not IndicatorDefinition.objects.exists()
    ok = c.post("/observatorio/indicadores/nuevo/", _form())
    assert ok.status_code == 302 and ok["Location"] == "/observatorio/indicadores/"
    saved = IndicatorDefinition.objects.get()
    assert saved.code == "colocaciones_mujeres" and saved.published is True
    assert saved.definition["measure"] == {"measure": "placements", "filters": {"sex": ["F"]}}
    listing = c.get("/observatorio/indicadores/")
    assert 'data-code="colocaciones_mujeres"' in listing.content.decode()
    # the new indicator computes: women placed in Santander 2026Q3 = P1, P2
    assert services.compute("colocaciones_mujeres", territory="68", period=Q).value == 2
    dup = c.post("/observatorio/indicadores/nuevo/", _form())
    assert dup.status_code == 400 and "Ya existe" in dup.context["form"].errors["code"][0]


def test_counsellor_cannot_define_indicators(actors, dataset):
    c = client_for(actors.counsellor)
    assert c.get("/observatorio/indicadores/nuevo/").status_code == 403
    assert c.post("/observatorio/indicadores/nuevo/", _form()).status_code == 403
    assert not IndicatorDefinition.objects.exists()


# --- bulletin download ------------------------------------------------------------------------------------

def test_bulletin_download_pdf_and_xlsx(actors, dataset):
    c = client_for(actors.counsellor)
    r = c.get("/observatorio/boletin/", {"territorio": "68001", "trimestre": Q, "formato": "pdf"})
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")
    assert r["Content-Disposition"] == 'attachment; filename="boletin-68001-2026Q3.pdf"'
    entry = AuditEntry.objects.filter(action=AuditAction.EXPORT, object_type="bulletin").get()
    assert (entry.actor_id, entry.object_id, entry.detail) == (actors.counsellor.pk, "68001",
                                                                {"quarter": Q, "format": "pdf"})
    x = c.get("/observatorio/boletin/", {"territorio": "68001", "trimestre": Q, "formato": "xlsx"})
    assert x.status_code == 200 and x.content[:2] == b"PK"
    assert c.get("/observatorio/boletin/", {"territorio": "68001", "trimestre": "2026-07"}).status_code == 400
    assert c.get("/observatorio/boletin/", {"territorio": "68001", "trimestre": "nope"}).status_code == 400
    assert c.get("/observatorio/boletin/", {"territorio": "68001", "formato": "doc"}).status_code == 400


# --- open data download -----------------------------------------------------------------------------------

def test_opendata_zip_is_public_and_anonymized(dataset):
    import csv
    import zipfile

    r = client_for(None).get("/observatorio/datos-abiertos/", {"territorio": "68", "periodo": Q, "formato": "csv"})
    assert r.status_code == 200 and r["Content-Type"] == "application/zip"
    assert r["Content-Disposition"] == 'attachment; filename="datos-abiertos-68-2026Q3-csv.zip"'
    zf = zipfile.ZipFile(io.BytesIO(r.content))
    names = set(zf.namelist())
    assert {"diccionario.csv", "metadata.json", "README.md", "people_registered.csv",
            "people_registered__sex.csv"} <= names
    rows = list(csv.DictReader(io.TextIOWrapper(zf.open("people_registered.csv"), encoding="utf-8")))
    # 4 people in Santander 2026Q3: under 5, so the value is withheld
    assert [(row["territorio"], row["valor"], row["suprimido"]) for row in rows] == [("68", "", "1")]
    for person in dataset["people"].values():
        for name in names:
            assert person.document_number.encode() not in zf.read(name)
    parquet = client_for(None).get("/observatorio/datos-abiertos/", {"territorio": "68", "periodo": Q})
    assert parquet.status_code == 200
    assert "people_registered.parquet" in zipfile.ZipFile(io.BytesIO(parquet.content)).namelist()
    assert client_for(None).get("/observatorio/datos-abiertos/", {"territorio": "99999"}).status_code == 404
    assert client_for(None).get("/observatorio/datos-abiertos/", {"territorio": "68", "formato": "xml"}).status_code == 400


def test_menu_has_one_observatory_entry_for_each_kind_of_user(actors, analyst):
    from django.urls import reverse

    from siee.web.context import nav_items

    dashboard, public = reverse("observatory:dashboard"), reverse("observatory:public_index")
    for user, expected in ((None, public), (analyst, dashboard), (actors.counsellor, dashboard),
                           (make_user(None, "job_seeker"), public)):
        entries = [item["url"] for item in nav_items(user) if item["label"] == "Observatorio"]
        assert entries == [expected], (user, entries)


def test_dashboard_states_the_threshold_it_applies(actors, dataset, settings):
    settings.SIEE_DISCLOSURE_THRESHOLD = 3  # 3 people registered in 68001 in 2026Q3: shown at 3, hidden at 4
    r = client_for(actors.counsellor).get("/observatorio/", {"periodo": Q})
    assert "menos de 3 personas" in r.content.decode()
    assert {k["code"]: k for k in r.context["kpis"]}["people_registered"]["text"] == "3"
    settings.SIEE_DISCLOSURE_THRESHOLD = 4
    r = client_for(actors.counsellor).get("/observatorio/", {"periodo": Q})
    assert "menos de 4 personas" in r.content.decode()
    assert {k["code"]: k for k in r.context["kpis"]}["people_registered"]["text"] != "3"
