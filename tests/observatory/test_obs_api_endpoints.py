"""/api/v1/observatory/: scoped by the organization's territories (Bucaramanga metro agency vs Cali outsider),
public endpoints serve published indicators only, errors in the shared shape."""

from __future__ import annotations

import pytest
from test_obs_indicators_data import build

from factories import Api, make_actors, make_user
from siee.observatory.models import IndicatorDefinition


@pytest.fixture
def setup(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SIEE_DISCLOSURE_THRESHOLD = 2
    actors = make_actors()
    build()
    return actors


def test_counsellor_computes_own_municipality(setup):
    r = Api(setup.counsellor).get("/observatory/compute", territory="68001", period="2026Q3", breakdown="sex")
    assert r.status_code == 200
    data = r.json()
    assert (data["territory"], data["period"]) == ("68001", "2026Q3")
    totals = {i["code"]: i["value"] for i in data["indicators"] if i["breakdown"] is None}
    assert totals["people_registered"] == 3.0 and totals["vacancies_posted"] == 2.0


def test_one_indicator_with_breakdown_and_series(setup):
    api = Api(setup.counsellor)
    r = api.get("/observatory/indicators/placements", territory="68001", period="2026Q3", breakdown="sex")
    assert r.status_code == 200
    # Bucaramanga Q3 placements: P1, P2 (F), P4 (M): 1 man is under the threshold 2, so both cells are hidden.
    assert r.json()["value"] == 3.0
    assert [(c["key"], c["suppressed"]) for c in r.json()["cells"]] == [("F", True), ("M", True)]
    r = api.get("/observatory/indicators/placements/series", territory="68001", period="2026Q3", n=2)
    # Q2 in Bucaramanga: PL0 (P5) is one placement, under the threshold: suppressed.
    assert [(x["period"], x["value"], x["suppressed"]) for x in r.json()] == [
        ("2026Q2", None, True), ("2026Q3", 3.0, False)]


def test_outsider_gets_404_for_other_territory(setup):
    api = Api(setup.outsider)
    for path, params in (("/observatory/compute", {"territory": "68001", "period": "2026Q3"}),
                         ("/observatory/indicators/placements", {"territory": "68", "period": "2026Q3"}),
                         ("/observatory/indicators/placements/series", {"territory": "68001"})):
        r = api.get(path, **params)
        assert r.status_code == 404, path
        assert r.json()["code"] == "not_found"
    # The department is wider than the Bucaramanga agency's municipalities: also out of scope.
    assert Api(setup.counsellor).get("/observatory/compute", territory="68", period="2026Q3").status_code == 404
    assert Api(setup.outsider).get("/observatory/compute", territory="76001", period="2026Q3").status_code == 200


def test_bad_input_shapes(setup):
    api = Api(setup.counsellor)
    r = api.get("/observatory/compute", territory="68001", period="2026Q9")
    assert r.status_code == 422 and "period" in r.json()["errors"]
    r = api.get("/observatory/indicators/vacancies_posted", territory="68001", period="2026Q3", breakdown="sex")
    assert r.status_code == 422 and "breakdown" in r.json()["errors"]
    assert api.get("/observatory/indicators/nope", territory="68001", period="2026Q3").status_code == 404
    assert Api(None).get("/observatory/indicators").status_code == 401


def test_self_service_accounts_are_refused(setup):
    seeker = make_user(setup.home, "job_seeker")
    r = Api(seeker).get("/observatory/indicators")
    assert r.status_code == 403 and r.json()["code"] == "forbidden"


def test_definitions_validate_and_save(setup):
    api = Api(setup.admin)
    body = {"code": "women_referrals", "name": "Remisiones de mujeres", "kind": "count",
            "measure": {"measure": "referrals", "filters": {"sex": "F"}}, "unit": "remisiones", "published": True}
    r = api.post("/observatory/definitions/validate", {**body, "factor": 0})
    assert r.json() == {"valid": False, "errors": {"factor": ["El factor no puede ser cero."]}}
    r = api.post("/observatory/definitions", {**body, "measure": "nope"})
    assert r.status_code == 422 and r.json()["errors"] == {"measure": ["Medida desconocida 'nope'."]}
    assert IndicatorDefinition.objects.count() == 0
    r = api.post("/observatory/definitions", body)
    assert r.status_code == 201 and r.json()["code"] == "women_referrals" and r.json()["builtin"] is False
    r = api.get("/observatory/indicators/women_referrals", territory="68001", period="2026Q3")
    assert r.json()["value"] == 2.0  # R1, R2 (R5 withdrawn)


def test_public_endpoints_published_only_no_login(setup):
    from siee.observatory import services

    services.save_definition({"code": "internal_one", "name": "Interno", "kind": "count", "measure": "referrals"},
                             actor=setup.admin)
    anon = Api(None)
    codes = {i["code"] for i in anon.get("/observatory/public/indicators").json()}
    assert "placements" in codes and "internal_one" not in codes
    r = anon.get("/observatory/public/compute", territory="68", period="2026Q3")
    assert r.status_code == 200
    assert "internal_one" not in {i["code"] for i in r.json()["indicators"]}
    assert anon.get("/observatory/public/indicators/internal_one/series", territory="68").status_code == 404
    assert anon.get("/observatory/public/compute", territory="00000").status_code == 404


def test_external_series_endpoints(setup):
    from siee.observatory import services

    services.import_external_series([{"period": "2026Q2", "value": "9.5"}], code="td", name="Desempleo",
                                    territory="68001", unit="%")
    api = Api(setup.counsellor)
    assert [s["code"] for s in api.get("/observatory/external-series").json()] == ["td"]
    assert api.get("/observatory/external-series/td").json() == [{"period": "2026Q2", "value": 9.5}]
    assert api.get("/observatory/external-series/nope").status_code == 404
