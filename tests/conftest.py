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


@pytest.fixture(scope="module")
def starter_only(django_db_setup, django_db_blocker):
    """The taxonomy of the starter set alone, for exact search and classifier expectations.

    The session database holds the starter set when SIEE_REFERENCE_DIR is empty; if it holds ESCO too (the
    reference directory was found, so ESCO was loaded instead), the non-starter concepts are removed and the
    starter set loaded in a transaction that is rolled back after the module (the tests' own transactions nest
    inside it as savepoints).
    """
    from django.db import transaction

    from siee.matching.classifier_django import invalidate_classifier
    from siee.taxonomy.loaders import load_taxonomy
    from siee.taxonomy.models import Occupation, OccupationSkill, Skill
    from siee.taxonomy.search import invalidate_search_index

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            OccupationSkill.objects.exclude(occupation__source="starter").delete()
            OccupationSkill.objects.exclude(skill__source="starter").delete()
            Occupation.objects.exclude(source="starter").delete()
            Skill.objects.exclude(source="starter").delete()
            if not Occupation.objects.exists():
                load_taxonomy(source_dir=None)
            invalidate_search_index()
            invalidate_classifier()
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            invalidate_search_index()
            invalidate_classifier()
