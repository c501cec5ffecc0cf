"""Enterprise demo data: every stage, bakeries selling "pan" in Bucaramanga's catalogue, consistent seed capital,
needs with deals, a fair with deals; running it again adds nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import Sum

from siee.core.demo import generate_demo
from siee.core.selectors import find_territory, territory_subtree_ids
from siee.enterprise import catalog, demo
from siee.enterprise.models import (
    Award,
    BusinessInitiative,
    EventContact,
    ProcurementNeed,
    Stage,
    SupplierInteraction,
    Tranche,
)


@pytest.fixture
def demo_population(db, fast_passwords):
    generate_demo(people=400, vacancies=40, seed=3)


def test_enterprise_demo(demo_population):
    counts = demo.generate(seed=3)
    assert counts["initiatives"] == 40 == BusinessInitiative.objects.count()
    assert set(BusinessInitiative.objects.values_list("stage", flat=True)) == set(Stage.values)
    results = catalog.search("pan", territory_ids=territory_subtree_ids([find_territory("68001")]))
    assert results and all(r["initiative"].startswith("Panadería") for r in results[:3])
    assert results[0]["product"].startswith("Pan")
    for award in Award.objects.all():
        assert award.tranches.aggregate(s=Sum("amount"))["s"] <= award.amount
    assert Award.objects.aggregate(s=Sum("amount"))["s"] <= Decimal(60_000_000)
    assert Tranche.objects.filter(status="paid").count() == counts["tranches_paid"] > 0
    assert ProcurementNeed.objects.count() == 4
    assert SupplierInteraction.objects.filter(step="deal").count() == counts["deals"] > 0
    assert EventContact.objects.filter(is_deal=True).count() == counts["event_deals"] == 4
    assert demo.generate(seed=3) == {"initiatives": 0, "skipped": "ya existen"}
    assert BusinessInitiative.objects.count() == 40


def test_demo_adviser_has_a_worklist(demo_population):
    from siee.core.models import User
    from siee.core.services import ensure_demo_admin

    ensure_demo_admin()
    demo.generate(seed=3)
    adviser = User.objects.get(username="asesora")
    assert adviser.role == "business_adviser"
    mine = BusinessInitiative.objects.filter(adviser=adviser).count()
    assert 0 < mine < BusinessInitiative.objects.count()
