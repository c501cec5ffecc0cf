"""The taxonomy endpoints against the OpenAPI document (schemathesis driven by hypothesis, when installed)."""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, given  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402
from schemathesis.specs.openapi.checks import ignored_auth, positive_data_acceptance  # noqa: E402


def _operations():
    from siee.wsgi import application

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path.startswith("/api/v1/taxonomy/"):
            yield operation


@pytest.fixture
def keep_test_connection():
    """schemathesis calls the real WSGI handler, whose request signals close a connection that is inside an
    atomic block (the test's transaction) on PostgreSQL; Django's own test client disconnects them the same way."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.usefixtures("starter_only", "keep_test_connection")
def test_taxonomy_endpoints_conform_to_the_openapi_document(actors):
    headers = {"Authorization": f"Bearer {actors.counsellor.api_token}"}
    operations = list(_operations())
    assert sorted(op.path for op in operations) == [
        "/api/v1/taxonomy/education-levels", "/api/v1/taxonomy/occupations/{occupation_id}",
        "/api/v1/taxonomy/search", "/api/v1/taxonomy/sectors", "/api/v1/taxonomy/territories"]
    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(max_examples=15, deadline=None, database=None, derandomize=True,
                             suppress_health_check=list(HealthCheck))
        def check(case):
            response = case.call(headers=headers)
            # NUL characters are refused with a 422 on purpose (PostgreSQL cannot store them)
            case.validate_response(response, excluded_checks=[ignored_auth, positive_data_acceptance])

        check()
