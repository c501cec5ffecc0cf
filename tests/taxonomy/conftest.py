from pathlib import Path

import pytest

from factories import actors, fast_passwords  # noqa: F401

REFERENCE_DIR = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"


@pytest.fixture
def reference_dir() -> Path:
    if not (REFERENCE_DIR / "esco" / "occupations_es.csv").is_file():
        pytest.skip("reference data (../shared/data) not available")
    return REFERENCE_DIR.resolve()


@pytest.fixture
def fresh_search_index():
    """Tests that load data in a rolled-back transaction leave no index of it behind in this process."""
    from siee.taxonomy.search import invalidate_search_index

    invalidate_search_index()
    yield
    invalidate_search_index()


@pytest.fixture(scope="module")
def starter_only(django_db_setup, django_db_blocker):
    """The taxonomy of the starter set alone, for exact search expectations.

    The session database holds the starter set when SIEE_REFERENCE_DIR is empty; if it holds ESCO too (the
    reference directory was found, so ESCO was loaded instead), the non-starter concepts are removed and the
    starter set loaded in a transaction that is rolled back after the module (the tests' own transactions nest
    inside it as savepoints).
    """
    from django.db import transaction

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
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            invalidate_search_index()
