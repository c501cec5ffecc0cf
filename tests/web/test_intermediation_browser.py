"""Issue 3's "Done when" through the web UI in a real headless Chromium (Debian's /usr/bin/chromium): an officer
opens a vacancy for "cocinero" in Bucaramanga, sees ranked candidates with readable reasons, refers three,
records that one was hired, and the follow-up tasks appear.

Run alone with: .venv/bin/python -m pytest tests/web/test_intermediation_browser.py -q
Screenshots are (over)written to docs/screenshots/candidates.png and followups.png on each run.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from siee.intermediation.models import FollowUp, Placement, Referral
from siee.taxonomy.models import Occupation

from .test_browser import horizontal_overflow, log_in
from .test_intermediation_views import COOK, COOKS, cook_scenario

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_ranks_refers_three_records_hire_and_sees_follow_ups(live_server, live_actors, page, screenshot):
    base = live_server.url
    counsellor = live_actors["counsellor"]
    scenario = cook_scenario(live_actors)
    vacancy, people = scenario["vacancy"], scenario["people"]
    log_in(page, base, counsellor)

    # 1. From the vacancy page to its ranked candidates.
    page.goto(f"{base}/vacantes/{vacancy.pk}/")
    page.click("text=Ver candidatos")
    page.wait_for_url(f"{base}/vacantes/{vacancy.pk}/candidatos/")
    assert page.locator("h1").inner_text() == "Candidatos para «Cocinero»"
    names = page.locator("#candidates tbody tr td:nth-child(3) a").all_inner_texts()
    assert names[:2] == ["Ana María Suárez Rey", "Bernardo Cárdenas Pinto"]
    assert sorted(names) == sorted(f"{f} {last}" for f, last, *_ in COOKS)  # the Cali candidate is not listed
    assert page.locator("[data-total]").inner_text().startswith("5 personas elegibles en sus territorios")

    # Readable reasons: the first explanation is open, the others open on click.
    first = page.locator("#candidates tbody tr").first
    assert first.locator("[data-component=occupation]").inner_text().endswith(
        "Tiene experiencia como cocinero/cocinera (misma ocupación).")
    assert first.locator("[data-matched]").inner_text() == (
        "Habilidades que tiene: manipulación de alimentos, preparación de alimentos, técnicas de cocción")
    diego = page.locator(f'#candidates tr[data-person="{people[3].pk}"]')
    diego.locator("summary").click()
    assert diego.locator("[data-missing]").inner_text() == (
        "Le faltan: manipulación de alimentos, preparación de alimentos, técnicas de cocción (deseable)")
    score_text = first.locator("[data-score]").inner_text()
    assert re.fullmatch(r"\d{1,3} %", score_text)

    # 2. Tick the top three and refer them.
    top3 = [int(pk) for pk in page.locator("#candidates tbody tr").evaluate_all(
        "rows => rows.slice(0, 3).map(r => r.dataset.person)")]
    for pk in top3:
        page.check(f"#pick-{pk}")
    page.click("text=Remitir marcadas al empleador")
    page.wait_for_url(f"{base}/vacantes/{vacancy.pk}/candidatos/")
    assert page.locator(".msg.success").inner_text().startswith("Remitidas al empleador: Ana María Suárez Rey, ")
    assert page.locator("#referrals [data-referral]").count() == 3
    assert sorted(Referral.objects.filter(vacancy=vacancy).values_list("person_id", flat=True)) == sorted(top3)
    screenshot(page, "candidates")

    # 3. The employer hired the first one: record the answer, then the placement.
    hired = Referral.objects.get(vacancy=vacancy, person_id=top3[0])
    item = page.locator(f"#referral-{hired.pk}")
    item.locator("[data-feedback] summary").click()
    item.locator(f"#id_r{hired.pk}-status").select_option("hired")
    item.locator("text=Guardar respuesta").click()
    page.locator(".msg.success").wait_for()
    assert page.locator(".msg.success").inner_text() == f"Respuesta registrada: {hired.person.full_name}, contratada."
    item = page.locator(f"#referral-{hired.pk}")
    assert item.locator("[data-status-label]").inner_text() == "Contratada"

    # ... and another one was not selected, with the reason.
    rejected = Referral.objects.get(vacancy=vacancy, person_id=top3[1])
    other = page.locator(f"#referral-{rejected.pk}")
    other.locator("[data-feedback] summary").click()
    other.locator(f"#id_r{rejected.pk}-status").select_option("rejected")
    other.locator(f"#id_r{rejected.pk}-reason").select_option("wage")
    other.locator("text=Guardar respuesta").click()
    page.locator(f"#referral-{rejected.pk} [data-status-label]").wait_for()
    assert page.locator(f"#referral-{rejected.pk} [data-status-label]").inner_text() == "No seleccionada"

    start = dt.date.today() - dt.timedelta(days=40)  # the 1-month follow-up is already overdue
    item = page.locator(f"#referral-{hired.pk}")
    item.locator(f"#id_p{hired.pk}-start_date").fill(start.isoformat())
    item.locator(f"#id_p{hired.pk}-contract_type").select_option("fixed")
    item.locator(f"#id_p{hired.pk}-monthly_wage").fill("1650000")
    item.locator("text=Guardar colocación").click()
    page.locator(f"#referral-{hired.pk} [data-placed]").wait_for()
    assert page.locator(".msg.success").inner_text() == (
        f"Colocación registrada: {hired.person.full_name} inicia el {start:%d/%m/%Y}. Se programaron 4 seguimientos.")
    placement = Placement.objects.get(referral=hired)
    assert (placement.start_date, placement.contract_type, placement.monthly_wage, placement.formal) == (
        start, "fixed", 1_650_000, True)

    # 4. The four follow-up tasks appear in the counsellor's worklist, the overdue one first and highlighted.
    page.click("#site-nav >> text=Seguimientos")
    page.wait_for_url(f"{base}/seguimientos/")
    rows = page.locator("#follow-ups tbody tr")
    assert rows.count() == 4
    assert rows.locator("td:nth-child(4)").all_inner_texts() == ["1 mes", "3 meses", "6 meses", "12 meses"]
    assert [rows.nth(i).get_attribute("class") for i in range(4)] == ["overdue", None, None, None]
    assert rows.first.locator(".badge.err").inner_text() == f"Vencido hace {(dt.date.today() - FollowUp.objects.get(placement=placement, months_after=1).due_date).days} días"
    assert page.locator("[data-overdue-count]").inner_text() == "1 vencido"
    screenshot(page, "followups")

    # 5. Complete the overdue one: it leaves the list.
    rows.first.locator("text=Registrar").click()
    page.wait_for_url(re.compile(r"/seguimientos/\d+/$"))
    page.select_option("#id_still_employed", "yes")
    page.select_option("#id_formal", "yes")
    page.fill("#id_wage", "1650000")
    page.fill("#id_notes", "Sigue en el restaurante, contenta con el turno.")
    page.click("text=Guardar seguimiento")
    page.wait_for_url(f"{base}/seguimientos/")
    assert page.locator("#follow-ups tbody tr td:nth-child(4)").all_inner_texts() == ["3 meses", "6 meses", "12 meses"]
    done = FollowUp.objects.get(placement=placement, months_after=1)
    assert (done.still_employed, done.formal, done.wage) == (True, True, 1_650_000)

    # 6. The pages fit a phone screen (no sideways scrolling).
    page.set_viewport_size({"width": 375, "height": 740})
    for path in (f"/vacantes/{vacancy.pk}/candidatos/", "/seguimientos/", f"/personas/{people[0].pk}/vacantes/"):
        page.goto(f"{base}{path}")
        assert (path, horizontal_overflow(page)) == (path, 0)


def test_vacancy_form_suggests_occupation_codes_as_the_officer_types(live_server, live_actors, page):
    base = live_server.url
    scenario = cook_scenario(live_actors)
    log_in(page, base, live_actors["counsellor"])
    page.goto(f"{base}/vacantes/nueva/?empleador={scenario['employer'].pk}")
    page.locator("#id_title").press_sequentially("se necesita cocinero para restaurante", delay=15)
    suggestion = page.locator('#id_occupation_results [data-suggestion][data-label="cocinero/cocinera"]')
    suggestion.wait_for(state="visible")
    suggestion.click()
    assert page.locator("#id_occupation").input_value() == str(Occupation.objects.get(uri=COOK).pk)
    assert page.locator("#id_occupation_q").input_value() == "cocinero/cocinera"

    # The same suggestions on the person page's experience form.
    page.goto(f"{base}/personas/{scenario['people'][0].pk}/")
    page.click("#experience summary")
    page.locator("#id_description").press_sequentially("cocinero de restaurante", delay=15)
    suggestion = page.locator('#id_occupation_results [data-suggestion][data-label="cocinero/cocinera"]')
    suggestion.wait_for(state="visible")
    suggestion.click()
    assert page.locator("#id_occupation").input_value() == str(Occupation.objects.get(uri=COOK).pk)
