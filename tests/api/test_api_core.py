"""Core API: identity, tokens, organizations, staff users, audit log, scope; OpenAPI and offline docs."""

from __future__ import annotations

import pytest

from factories import PASSWORD, Api, make_person, make_user
from siee.core.models import AuditAction, AuditEntry, Organization, User


def test_me_describes_user_role_organization_and_territories(actors):
    r = Api(actors.counsellor).get("/me")
    assert r.status_code == 200
    body = r.json()
    assert (body["username"], body["role"], body["organization"]["name"]) == (
        "orientadora_bga", "counsellor", "Agencia de Empleo de Bucaramanga (prueba)")
    assert [t["code"] for t in body["territories"]] == ["68001", "68276", "68307", "68547"]
    assert (body["can_read_personal_data"], body["can_read_sensitive_data"], body["is_agency_admin"]) == (True, True, False)


def test_requests_without_valid_token_are_refused(actors):
    assert Api(None).get("/me").status_code == 401
    client = Api(None)
    client.headers = {"HTTP_AUTHORIZATION": "Bearer nope"}
    r = client.get("/people/")
    assert r.status_code == 401
    assert r.json()["code"] == "unauthorized"


def test_x_api_token_header_works(actors):
    client = Api(None)
    client.headers = {"HTTP_X_API_TOKEN": actors.admin.api_token}
    assert client.get("/me").json()["username"] == "admin_bga"


def test_auth_token_with_password(actors):
    r = Api(None).post("/auth/token", {"username": "orientadora_bga", "password": PASSWORD})
    assert r.status_code == 200
    assert r.json() == {"token": actors.counsellor.api_token, "username": "orientadora_bga", "role": "counsellor"}
    bad = Api(None).post("/auth/token", {"username": "orientadora_bga", "password": "mala-clave"})
    assert bad.status_code == 401
    assert bad.json()["code"] == "unauthorized"


def test_auth_token_issues_a_token_when_missing(actors):
    User.objects.filter(pk=actors.counsellor.pk).update(api_token=None)
    r = Api(None).post("/auth/token", {"username": "orientadora_bga", "password": PASSWORD})
    token = User.objects.get(pk=actors.counsellor.pk).api_token
    assert r.json()["token"] == token and len(token) == 48


def test_organizations_list_for_admins_only(actors):
    r = Api(actors.admin).get("/organizations")
    assert r.status_code == 200
    assert [o["name"] for o in r.json()["items"]] == ["Agencia de Empleo de Bucaramanga (prueba)"]
    assert Api(actors.counsellor).get("/organizations").status_code == 403
    root = make_user(None, "system_admin")
    assert Api(root).get("/organizations").json()["count"] == Organization.objects.count()


def test_only_system_admin_creates_organizations(actors):
    body = {"name": "Fundación Nueva", "kind": "ngo", "territory_codes": ["68001"]}
    r = Api(actors.admin).post("/organizations", body)
    assert r.status_code == 403
    assert not Organization.objects.filter(name="Fundación Nueva").exists()
    root = make_user(None, "system_admin")
    r = Api(root).post("/organizations", body)
    assert r.status_code == 201
    assert [t["code"] for t in r.json()["territories"]] == ["68001"]
    r = Api(root).post("/organizations", {**body, "name": "Otra", "territory_codes": ["00000"]})
    assert r.status_code == 422
    assert r.json()["errors"] == {"territory_codes": ["Territorios desconocidos: 00000"]}


def test_agency_admin_creates_staff_in_own_organization(actors):
    r = Api(actors.admin).post("/users", {"username": "nuevo_gestor", "password": "suficiente-larga", "role": "intermediation_officer"})
    assert r.status_code == 201
    user = User.objects.get(username="nuevo_gestor")
    assert (user.organization, user.role) == (actors.home, "intermediation_officer")
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_type="user", object_id=str(user.pk), actor=actors.admin).count() == 1


@pytest.mark.parametrize("body, status", [
    ({"username": "x1", "password": "suficiente-larga", "role": "counsellor", "organization_id": "OTHER"}, 403),
    ({"username": "x2", "password": "suficiente-larga", "role": "system_admin"}, 403),
    ({"username": "x3", "password": "corta", "role": "counsellor"}, 422),
    ({"username": "x4", "password": "suficiente-larga", "role": "mago"}, 422),
])
def test_agency_admin_user_creation_limits(actors, body, status):
    if body.get("organization_id") == "OTHER":
        body = {**body, "organization_id": actors.other.pk}
    before = User.objects.count()
    r = Api(actors.admin).post("/users", body)
    assert r.status_code == status
    assert User.objects.count() == before


def test_counsellor_cannot_create_users(actors):
    r = Api(actors.counsellor).post("/users", {"username": "x", "password": "suficiente-larga", "role": "counsellor"})
    assert r.status_code == 403


def test_audit_log_for_agency_admins_of_their_organization(actors):
    person = make_person(actors.counsellor)
    make_person(actors.outsider, municipality_code="76001")
    r = Api(actors.admin).get("/audit", object_type="person")
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 1
    entry = body["items"][0]
    assert (entry["actor"], entry["action"], entry["object_id"]) == ("orientadora_bga", "create", str(person.pk))
    assert Api(actors.admin).get("/audit", actor="orientador_cali").json()["count"] == 0
    assert Api(actors.admin).get("/audit", action="read_sensitive").json()["count"] == 0
    assert Api(actors.counsellor).get("/audit").status_code == 403
    assert Api(actors.admin).get("/audit", since="2999-01-01T00:00:00Z").json()["count"] == 0
    page = Api(actors.admin).get("/audit", limit=1, offset=0).json()
    assert (page["limit"], len(page["items"])) == (1, 1)


def test_territory_scope_lists_municipalities(actors):
    r = Api(actors.outsider).get("/territories/scope")
    assert r.status_code == 200
    assert [t["code"] for t in r.json()] == ["76001"]
    codes = {t["code"] for t in Api(actors.counsellor).get("/territories/scope").json()}
    assert codes == {"68001", "68276", "68307", "68547"}


def test_openapi_schema_is_served_and_lists_the_endpoints(db):
    r = Api(None).get("/openapi.json")
    assert r.status_code == 200
    schema = r.json()
    assert schema["openapi"].startswith("3.")
    for path in ("/api/v1/me", "/api/v1/auth/token", "/api/v1/people/", "/api/v1/people/{person_id}",
                 "/api/v1/people/{person_id}/merge", "/api/v1/people/duplicates/check", "/api/v1/employers",
                 "/api/v1/vacancies", "/api/v1/vacancies/{vacancy_id}/close", "/api/v1/public/vacancies/{vacancy_id}",
                 "/api/v1/audit", "/api/v1/territories/scope"):
        assert path in schema["paths"], path
    assert "/api/v1/docs/assets/{name}" not in schema["paths"]


def test_docs_page_loads_no_cdn(db):
    client = Api(None).client
    r = client.get("/api/v1/docs")
    assert r.status_code == 200
    html = r.content.decode()
    assert "cdn" not in html.lower() and "https://" not in html
    assert "/api/v1/docs/assets/swagger-ui-bundle.js" in html
    asset = client.get("/api/v1/docs/assets/swagger-ui-bundle.js")
    assert asset.status_code == 200 and asset["Content-Type"] == "application/javascript"
    assert client.get("/api/v1/docs/assets/..%2Fsettings.py").status_code == 404
