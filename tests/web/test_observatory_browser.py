"""The observatory in a real headless Chromium: an analyst of the Santander observatory opens the dashboard,
changes the period (htmx swaps the results and the charts update), drills down from Santander (68) to a
municipality by clicking its dot on the map, opens an indicator's detail page, downloads the bulletin; then the
public page without login, where no suppressed cell shows a number.

Run alone with: .venv/bin/python -m pytest tests/web/test_observatory_browser.py -m browser -q
Screenshots: docs/screenshots/observatory-dashboard.png, observatory-public.png (and a phone view).
"""

from __future__ import annotations

import re

import pytest

from .conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base_url, username):
    page.goto(f"{base_url}/entrar/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base_url}/")


@pytest.fixture
def demo_world(live_actors):
    from siee.core.demo import generate_demo
    from siee.core.selectors import find_territory
    from siee.core.services import create_organization, create_staff_user

    generate_demo(people=1200, vacancies=120, seed=2, history=True)
    org = create_organization(actor=None, name="Observatorio de Santander (prueba)",
                              territories=[find_territory("68")])
    analyst = create_staff_user(actor=None, username="analista_santander", password=PASSWORD, role="analyst",
                                organization=org, first_name="Marta", last_name="Analista")
    return {"analyst": analyst, **live_actors}


def _kpi_text(code: str, territory: str, period) -> str:
    from siee.observatory import services
    from siee.observatory.charts import display_number

    r = services.compute(code, territory=territory, period=period)
    return "reservado" if r.suppressed else display_number(r.value, r.unit)


def test_observatory_dashboard_drilldown_detail_and_public_page(live_server, demo_world, page, screenshot,
                                                                chromium):
    from siee.observatory.periods import current_quarter, last_complete_quarter

    base = live_server.url
    now, before = current_quarter(), last_complete_quarter()
    log_in(page, base, "analista_santander")
    page.goto(f"{base}/observatorio/")
    results = page.locator("#obs-results")
    assert results.get_attribute("data-territory") == "68"
    assert results.get_attribute("data-period") == before.label
    assert page.locator("#obs-heading").inner_text().startswith("Santander · ")
    chart_before = page.locator("#obs-breakdown svg").inner_html()

    # 1. Change the period filter: htmx swaps the page part, the URL follows, the KPI and the chart update.
    page.select_option("#id_periodo", now.label)
    page.locator(f'#obs-results[data-period="{now.label}"]').wait_for()
    assert f"periodo={now.label}" in page.url
    kpi = page.locator('#obs-kpis [data-code="people_registered"] .value')
    assert kpi.inner_text() == _kpi_text("people_registered", "68", now)
    assert page.locator("#obs-breakdown svg").inner_html() != chart_before
    assert page.locator("#obs-map svg circle.dot").count() >= 4
    screenshot(page, "observatory-dashboard")

    # Vacancies by occupation and the top missing skills (the "Done when").
    page.select_option("#id_indicador", "vacancies_posted")
    page.locator('#obs-page form [name="indicador"] option[value="vacancies_posted"][selected]').wait_for(
        state="attached")
    page.select_option("#id_desagregacion", "isco1")
    page.locator('#obs-results[data-breakdown="isco1"]').wait_for()
    assert page.locator("#obs-breakdown figcaption").inner_text().startswith("Vacantes publicadas por ocupación")
    assert page.locator("#obs-breakdown svg rect.bar, #obs-breakdown svg rect.suppressed").count() >= 1
    assert page.locator("#ind-top_skills_missing figcaption").inner_text().startswith("Habilidades faltantes")
    page.select_option("#id_indicador", "people_registered")
    page.locator('#obs-page form [name="indicador"] option[value="people_registered"][selected]').wait_for(
        state="attached")
    page.select_option("#id_desagregacion", "sex")
    page.locator('#obs-results[data-breakdown="sex"]').wait_for()

    # 2. Drill down: click Bucaramanga's dot on the map.
    dot_link = page.locator('#obs-map svg a:has(circle[data-code="68001"])')
    href = dot_link.get_attribute("href")
    assert href.startswith("/observatorio/?territorio=68001&")
    dot_link.dispatch_event("click")
    page.wait_for_url(re.compile(r"territorio=68001"))
    assert page.locator("#obs-results").get_attribute("data-territory") == "68001"
    assert page.locator("#obs-heading").inner_text().startswith("Bucaramanga, Santander · ")
    assert page.locator(".obs-crumbs a").first.inner_text() == "Santander"
    assert page.locator('#obs-kpis [data-code="people_registered"] .value').inner_text() == _kpi_text(
        "people_registered", "68001", now)

    # 3. Indicator detail: time series of the last 8 quarters (and the breakdown table).
    page.click('#obs-kpis [data-code="placement_rate"]')
    page.wait_for_url(re.compile(r"/observatorio/indicadores/placement_rate/"))
    assert page.locator("h1").inner_text() == "Tasa de colocación"
    assert page.locator("#obs-series svg polyline, #obs-series svg circle").count() >= 1
    page.click("#obs-series summary")
    assert page.locator("#obs-series tbody tr").count() == 8
    assert page.locator("#obs-total").inner_text() == (
        "reservado" if _kpi_text("placement_rate", "68001", now) == "reservado"
        else _kpi_text("placement_rate", "68001", now) + " %")

    # 4. The bulletin downloads from the dashboard.
    page.goto(f"{base}/observatorio/?territorio=68&periodo={now.label}")
    with page.expect_download() as info:
        page.click("#obs-bulletin-pdf")
    assert info.value.suggested_filename == f"boletin-68-{now.label}.pdf"
    with page.expect_download() as info:
        page.click("#obs-opendata-parquet")
    assert info.value.suggested_filename == f"datos-abiertos-68-{now.label}-parquet.zip"

    # 5. The public page, without login: published indicators only, suppressed cells never numeric.
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="es-CO")
    public = context.new_page()
    public.goto(f"{base}/observatorio/publico/")
    public.click('#obs-territories [data-code="68"]')
    public.wait_for_url(re.compile(r"/observatorio/publico/68/"))
    public.select_option("#id_periodo", now.label)
    public.locator(f'#obs-results[data-period="{now.label}"]').wait_for()
    assert public.locator("h1").inner_text() == "Mercado de trabajo: Santander"
    assert public.locator(".userbox").inner_text().find("Salir") == -1  # nobody logged in
    from siee.observatory import services

    published = {i.code for i in services.available_indicators(published_only=True)}
    shown = set(public.locator("#obs-indicators tbody tr").evaluate_all("rows => rows.map(r => r.dataset.code)"))
    assert shown and shown <= published
    hatched = public.locator("[data-suppressed]")
    for i in range(hatched.count()):
        assert hatched.nth(i).get_attribute("data-value") is None
    reserved = public.locator("td.reserved-cell").evaluate_all("cells => cells.map(c => c.textContent.trim())")
    assert reserved and set(reserved) == {"reservado"}
    screenshot(public, "observatory-public")
    public.set_viewport_size({"width": 390, "height": 844})
    screenshot(public, "observatory-public-phone", full_page=False)
    context.close()
