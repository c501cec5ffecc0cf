"""The issue's "Done when" walked through the web UI in a real headless Chromium (Debian's /usr/bin/chromium).

Run alone with: .venv/bin/python -m pytest tests/web -m browser -q
Screenshots of the main screens are (over)written to docs/screenshots/*.png on each run.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from django.utils import timezone

from siee.employers.models import Vacancy
from siee.people.models import Experience, Person

from .conftest import PASSWORD
from .sheets import people_csv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base_url, user):
    page.goto(f"{base_url}/entrar/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base_url}/")


def top_label(text: str, kind: str) -> str:
    """The first suggestion the search gives (the starter set and the full ESCO word skills differently)."""
    from siee.taxonomy.search import search_concepts

    return search_concepts(text, kind=kind, limit=1)[0]["label"]


def choose_from_autocomplete(page, input_selector: str, text: str, expected_label: str):
    """Type like a person (keyup events drive htmx), then click the suggestion with the expected label."""
    box = page.locator(input_selector)
    box.click()
    box.press_sequentially(text, delay=30)
    results = page.locator(f"{input_selector} ~ .ac-results")
    choice = results.locator(f'[data-ac-choice][data-label="{expected_label}"]')
    try:
        choice.wait_for(state="visible")
    except Exception:
        print("suggestions:", results.inner_html())
        raise
    choice.click()


def register_venezuelan_job_seeker(page, base_url, bucaramanga):
    page.goto(f"{base_url}/personas/nueva/")
    page.fill("#id_first_names", "Yorgelis Andreína")
    page.fill("#id_last_names", "Pérez Rondón")
    page.select_option("#id_document_type", "PPT")
    page.fill("#id_document_number", "4567890")
    page.select_option("#id_nationality", "VE")
    page.fill("#id_birth_date", "1994-03-12")
    page.select_option("#id_sex", "F")
    page.fill("#id_phone", "3157654321")
    page.fill("#id_whatsapp", "+58 412 5550101")
    page.select_option("#id_municipality_code", bucaramanga.key)
    page.select_option("#id_education_level", "3")
    page.fill("#id_expected_wage", "1423500")
    page.fill("#id_languages", "es:nativo")
    page.select_option("#id_migration_status", "regular")
    page.fill("#id_arrival_date", "2019-08-20")
    page.check("#id_consent")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/personas/\d+/$"))
    return Person.objects.get(document_type="PPT", document_number="4567890")


def test_done_when_scenario_through_the_browser(live_server, live_actors, page, screenshot):
    base = live_server.url
    counsellor, bucaramanga = live_actors["counsellor"], live_actors["bucaramanga"]

    log_in(page, base, counsellor)
    assert page.locator("h1").inner_text() == "Hola, Lucía"

    # 1. Register a Venezuelan job seeker with a PPT, consent given.
    person = register_venezuelan_job_seeker(page, base, bucaramanga)
    assert (person.nationality, person.migration_status, person.has_consent()) == ("VE", "regular", True)
    assert page.locator(".msg.success").inner_text() == "Persona registrada: Yorgelis Andreína Pérez Rondón."

    # 2. Add their experience as "ayudante de cocina", classifying it through the autocomplete (htmx).
    page.click("#experience summary")
    page.fill("#id_description", "ayudante de cocina")
    choose_from_autocomplete(page, "#id_occupation_q", "ayudante de cosina", "ayudante de cocina")
    assert page.locator("#id_occupation").input_value() != ""
    page.fill("#id_employer_name", "Arepera El Budare (Maracaibo)")
    page.select_option("#id_kind", "informal")
    page.select_option("#id_country", "VE")
    page.fill("#id_months", "30")
    page.click("#experience button[type=submit]")
    page.locator("#experience .msg.success").wait_for()
    assert page.locator("#experience li strong").first.inner_text() == "ayudante de cocina"
    experience = Experience.objects.get(person=person)
    assert (experience.description, experience.occupation.label, experience.occupation.isco_code, experience.months) == (
        "ayudante de cocina", "ayudante de cocina", "9412", 30)

    # ... and a skill, also through the autocomplete.
    page.click("#skills summary")
    skill_label = top_label("cocinar", "skill")
    choose_from_autocomplete(page, "#id_skill_q", "cocinar", skill_label)
    page.click("#skills button[type=submit]")
    page.locator("#skills .msg.success").wait_for()
    assert page.locator("#skills li").first.inner_text().startswith(skill_label)
    page.reload()
    screenshot(page, "person-page")

    page.goto(f"{base}/personas/")
    assert page.locator("table.cards tbody tr").count() == 1

    # 3. Register an employer.
    page.goto(f"{base}/empleadores/nuevo/")
    page.fill("#id_name", "Restaurante La Mazorca SAS")
    page.fill("#id_tax_id", "900123456-7")
    page.select_option("#id_size", "small")
    page.fill("#id_contact_name", "Jorge Villamizar")
    page.fill("#id_phone", "6076543210")
    page.fill("#id_email", "rrhh@lamazorca.co")
    page.select_option("#id_municipality_code", bucaramanga.key)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/empleadores/\d+/$"))

    # 4. Create a vacancy for "cocinero" from the employer's page.
    page.click("text=Nueva vacante")
    page.wait_for_url(re.compile(r"/vacantes/nueva/\?empleador=\d+$"))
    page.fill("#id_title", "Cocinero")
    choose_from_autocomplete(page, "#id_occupation_q", "cocinero", "cocinero/cocinera")
    required_label = top_label("preparar alimentos", "skill")
    choose_from_autocomplete(page, "#id_required_skills_q", "preparar alimentos", required_label)
    page.fill("#id_description", "Cocina caliente para restaurante de comida típica. Turnos rotativos.")
    page.fill("#id_experience_months", "12")
    page.fill("#id_wage_min", "1500000")
    page.fill("#id_wage_max", "1800000")
    page.select_option("#id_contract_type", "fixed")
    page.fill("#id_posts", "2")
    page.select_option("#id_municipality_code", bucaramanga.key)
    closing = dt.date.today() + dt.timedelta(days=45)
    page.fill("#id_closing_date", closing.isoformat())
    screenshot(page, "vacancy-form")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/vacantes/\d+/$"))
    vacancy = Vacancy.objects.get()
    assert (vacancy.title, vacancy.occupation.isco_code, vacancy.wage_min, vacancy.wage_max) == ("Cocinero", "5120", 1500000, 1800000)
    assert [s.label for s in vacancy.skills.all()] == [required_label]
    page.goto(f"{base}/")
    assert page.locator("[data-stat] .stat").all_inner_texts() == ["1", "1", "1", "1"]
    screenshot(page, "home")

    # 5. The public page (no login) carries schema.org JobPosting JSON-LD.
    public = page.context.browser.new_context(locale="es-CO")
    anon = public.new_page()
    anon.goto(f"{base}/vacantes/{vacancy.pk}/")
    posting = json.loads(anon.locator('script[type="application/ld+json"]').text_content())
    assert posting["@type"] == "JobPosting"
    assert posting["title"] == "Cocinero"
    assert posting["datePosted"] == timezone.localdate(vacancy.created_at).isoformat()
    assert posting["employmentType"] == ["FULL_TIME", "TEMPORARY"]
    assert posting["jobLocation"]["address"]["addressRegion"] == "Santander"
    assert posting["hiringOrganization"]["name"] == "Restaurante La Mazorca SAS"
    assert posting["jobLocation"]["address"]["addressLocality"] == "Bucaramanga"
    assert posting["jobLocation"]["address"]["addressCountry"] == "CO"
    assert posting["validThrough"] == closing.isoformat()
    assert posting["baseSalary"]["currency"] == "COP"
    assert (posting["baseSalary"]["value"]["minValue"], posting["baseSalary"]["value"]["maxValue"]) == (1500000, 1800000)
    assert anon.locator("h1").inner_text() == "Cocinero"
    screenshot(anon, "public-vacancy")
    anon.goto(f"{base}/ofertas/")
    assert anon.locator("main ul.plain li a strong").all_inner_texts() == ["Cocinero"]
    public.close()

    # 6. Import a spreadsheet of 1,000 people with 20 bad rows: those 20 come back with reasons.
    data, bad_rows = people_csv(1000, 20)
    page.goto(f"{base}/importar/")
    page.select_option("#id_entity", "people")
    page.set_input_files("#id_file", files=[{"name": "personas.csv", "mimeType": "text/csv", "buffer": data}])
    page.click("main form button[type=submit]")
    page.locator("#import-report").wait_for()
    assert page.locator("[data-stat=imported] .stat").inner_text() == "980"
    assert page.locator("[data-stat=rejected] .stat").inner_text() == "20"
    rows = page.locator("#import-errors tbody tr td:first-child").all_inner_texts()
    assert sorted({int(r) for r in rows}) == bad_rows
    screenshot(page, "import-report")
    with page.expect_download() as download_info:
        page.click("text=Descargar filas rechazadas para corregir")
    rejected = Path(download_info.value.path()).read_text(encoding="utf-8-sig").strip().splitlines()
    assert len(rejected) == 21 and rejected[0].endswith("errores")
    assert Person.objects.count() == 1 + 980
    page.goto(f"{base}/personas/?migrante=&q=")
    assert page.locator("table.cards tbody tr").count() == 25
    assert page.locator(".pagination .current").inner_text() == "Página 1 de 40"
    screenshot(page, "people-list")


def horizontal_overflow(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_person_page_fits_a_phone_screen(live_server, live_actors, chromium, screenshot):
    from siee.people.services import add_experience, register_person

    counsellor = live_actors["counsellor"]
    person = register_person(actor=counsellor, consent={"channel": "in_person"}, data={
        "first_names": "Yorgelis Andreína", "last_names": "Pérez Rondón de los Santos", "document_type": "PPT",
        "document_number": "4567890", "nationality": "VE", "birth_date": "1994-03-12", "sex": "F",
        "email": "yorgelis.andreina.perez.rondon@correo-muy-largo-de-ejemplo.com",
        "municipality_code": live_actors["bucaramanga"].key, "migration_status": "regular"})
    add_experience(actor=counsellor, person_id=person.pk, description="ayudante de cocina en restaurante de comida rápida",
                   employer_name="Arepera El Budare", months=30, kind="informal", country="VE")
    context = chromium.new_context(viewport={"width": 375, "height": 740}, locale="es-CO", is_mobile=True,
                                   has_touch=True, device_scale_factor=2)
    page = context.new_page()
    try:
        log_in(page, live_server.url, counsellor)
        page.goto(f"{live_server.url}/personas/{person.pk}/")
        page.click("#experience summary")  # open an inline form too: it must fit as well
        assert horizontal_overflow(page) == 0
        page.evaluate("() => window.scrollTo(0, 0)")
        screenshot(page, "person-page-phone", full_page=False)

        # The menu folds behind a button on a phone.
        assert page.locator("#site-nav a", has_text="Personas").first.is_visible() is False
        page.click(".nav-toggle")
        assert page.locator("#site-nav a", has_text="Personas").first.is_visible() is True

        # The other main screens fit as well.
        for path in ("/", "/personas/", "/personas/nueva/", "/empleadores/nuevo/", "/vacantes/nueva/", "/ofertas/", "/importar/"):
            page.goto(f"{live_server.url}{path}")
            assert (path, horizontal_overflow(page)) == (path, 0)

        # The language switcher reloads the page in English.
        page.goto(f"{live_server.url}/personas/{person.pk}/")
        page.click(".nav-toggle")
        with page.expect_navigation():
            page.select_option("#lang-select", "en")
        assert page.locator("#experience-title").inner_text() == "Work experience"
        assert page.locator("html").get_attribute("lang") == "en"
    finally:
        context.close()
