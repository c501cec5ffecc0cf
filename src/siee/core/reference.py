"""Makes sure reference data (territories, taxonomy) is present: from SIEE_REFERENCE_DIR or the starter set."""

from __future__ import annotations


def ensure_reference_data(*, progress: bool = False) -> None:
    from django.conf import settings

    from siee.core.models import Territory
    from siee.taxonomy.models import EducationLevel, Occupation, Sector

    if not Territory.objects.exists():
        from siee.core.loaders import load_territories

        load_territories(source_dir=settings.REFERENCE_DIR, progress=progress)
    if not Occupation.objects.exists() or not Sector.objects.exists() or not EducationLevel.objects.exists():
        from siee.taxonomy.loaders import load_taxonomy

        load_taxonomy(source_dir=settings.REFERENCE_DIR, progress=progress)
