"""Test set-up: reference data comes from the built-in starter set unless a test loads more."""

from __future__ import annotations

import os

os.environ.setdefault("SIEE_REFERENCE_DIR", "")  # starter set only; loader tests point at ../shared/data

import pytest


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from django.conf import settings

    # pytest-django imports settings before this module sets SIEE_REFERENCE_DIR: force the starter set.
    settings.REFERENCE_DIR = None
    with django_db_blocker.unblock():
        from siee.core.reference import ensure_reference_data

        ensure_reference_data()
    yield
