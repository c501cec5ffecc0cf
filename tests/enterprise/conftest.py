"""Fixtures of the enterprise tests: the three actors, a business adviser, and a migrant woman's bakery."""

from __future__ import annotations

import pytest

from factories import actors, fast_passwords, make_employer, make_person, make_user  # noqa: F401
from siee.enterprise import models as M

ENTERPRISE_MODELS = (M.BusinessInitiative, M.TeamMember, M.InitiativeEvent, M.Product, M.ProductPhoto, M.CatalogTerm,
                     M.ProcurementNeed, M.SupplierInteraction, M.GrantCall, M.Criterion, M.GrantApplication,
                     M.CommitteeScore, M.Award, M.Tranche, M.SurvivalFollowUp, M.RouteReferral, M.AdvisorySession,
                     M.AgreedTask, M.Diagnosis, M.StepCompletion, M.BusinessEvent, M.EventParticipant, M.EventContact)


def enterprise_snapshot() -> dict:
    from factories import db_snapshot

    snap = db_snapshot()
    for model in ENTERPRISE_MODELS:
        snap[model.__name__] = sorted(map(repr, model.objects.order_by("pk").values()))
    return snap


@pytest.fixture
def snapshot():
    return enterprise_snapshot


@pytest.fixture
def adviser(actors):  # noqa: F811
    return make_user(actors.home, "business_adviser", "asesora_bga")


@pytest.fixture
def owner(actors):  # noqa: F811
    return make_person(actors.counsellor, first_names="Yusmary", last_names="Rondón Pérez", document_type="PPT",
                       nationality="VE", migration_status="regular", sex="F", whatsapp="+58 412 555 0199")


@pytest.fixture
def bakery(adviser, owner):
    from siee.enterprise import services

    return services.create_initiative(actor=adviser, owner_id=owner.pk,
                                      data={"name": "Panadería Dulce Hogar", "sector": "10",
                                            "description": "Pan artesanal venezolano y colombiano"})
