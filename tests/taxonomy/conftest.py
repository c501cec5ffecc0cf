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
