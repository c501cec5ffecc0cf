"""Fixtures for the web UI tests: three actors (healthchecks style) and a real headless Chromium."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django's live_server runs in another thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "clave-de-prueba-2026"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _make_actors():
    from siee.core.reference import ensure_reference_data
    from siee.core.selectors import find_territory
    from siee.core.services import create_organization, create_staff_user

    ensure_reference_data()  # a transactional test before us may have flushed the tables
    bucaramanga, cali = find_territory("68001"), find_territory("76001")
    assert bucaramanga is not None and cali is not None, "starter territories missing"
    agency_a = create_organization(actor=None, name="Agencia de Bucaramanga (prueba)", territories=[bucaramanga])
    agency_b = create_organization(actor=None, name="Agencia de Cali (prueba)", territories=[cali])
    return {
        "bucaramanga": bucaramanga,
        "cali": cali,
        "counsellor": create_staff_user(actor=None, username="orientadora_a", password=PASSWORD, role="counsellor",
                                        organization=agency_a, first_name="Lucía", last_name="Rueda"),
        "admin": create_staff_user(actor=None, username="admin_a", password=PASSWORD, role="agency_admin",
                                   organization=agency_a),
        "outsider": create_staff_user(actor=None, username="orientador_b", password=PASSWORD, role="counsellor",
                                      organization=agency_b),
        "analyst": create_staff_user(actor=None, username="analista_a", password=PASSWORD, role="analyst",
                                     organization=agency_a),
    }


@pytest.fixture
def actors(db):
    return _make_actors()


@pytest.fixture
def live_actors(transactional_db):
    return _make_actors()


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="es-CO")
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    # Shown by pytest only when a test fails: what the browser saw go wrong.
    pg.on("console", lambda m: print(f"[console.{m.type}] {m.text}") if m.type in ("error", "warning") else None)
    pg.on("response", lambda r: print(f"[http {r.status}] {r.request.method} {r.url}") if r.status >= 400 else None)
    pg.on("pageerror", lambda exc: print(f"[pageerror] {exc}"))
    yield pg
    context.close()


@pytest.fixture
def screenshot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str, *, full_page: bool = True):
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)

    return take
