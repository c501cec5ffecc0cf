"""Fixtures of the intermediation tests: the three actors, a "cocinero" vacancy in Bucaramanga and candidates."""

from __future__ import annotations

import pytest

from factories import actors, fast_passwords, home_records, make_employer, make_person, make_vacancy  # noqa: F401
from siee.intermediation.models import (
    Application,
    FollowUp,
    IntermediationEvent,
    Notification,
    Placement,
    Referral,
    ShortlistEntry,
)

INTERMEDIATION_MODELS = (Application, ShortlistEntry, Referral, Placement, FollowUp, Notification, IntermediationEvent)


def intermediation_snapshot() -> dict:
    """Every intermediation row, plus the foundation snapshot: a refused write must leave both unchanged."""
    from factories import db_snapshot

    snap = db_snapshot()
    for model in INTERMEDIATION_MODELS:
        snap[model.__name__] = sorted(map(repr, model.objects.order_by("pk").values()))
    return snap


@pytest.fixture
def snapshot():
    return intermediation_snapshot


@pytest.fixture
def cook(actors):  # noqa: F811
    """A "cocinero" vacancy in Bucaramanga (2 posts) and three candidates with consent."""
    employer = make_employer(actors.counsellor, name="Restaurante El Fogón", contact_name="Ana Contacto",
                             email="rrhh@elfogon.co", phone="6076340000")
    vacancy = make_vacancy(actors.counsellor, employer, title="Cocinero", posts=2)
    people = [
        make_person(actors.counsellor, first_names="Yorgelis", last_names="Pérez Díaz", document_type="PPT",
                    nationality="VE", migration_status="regular", whatsapp="+58 412 555 0101", sex="F"),
        make_person(actors.counsellor, first_names="Carlos Andrés", last_names="Rueda Gómez", sex="M",
                    phone="300 765 4321", email="carlos@example.co"),
        make_person(actors.counsellor, first_names="Luz Marina", last_names="Ortiz Plata", sex="F",
                    phone="3159876543"),
    ]
    return {"employer": employer, "vacancy": vacancy, "people": people}
