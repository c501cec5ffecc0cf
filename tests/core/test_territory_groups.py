"""Custom territories (Chile Emprende style): an organization attached to a group of municipalities sees the
people of every member municipality and nobody else."""

import pytest

from factories import CONSENT, make_user, person_data
from siee.core.errors import OutOfScope
from siee.core.loaders import create_territory_group
from siee.core.services import create_organization
from siee.people.selectors import get_person_for, people_for
from siee.people.services import register_person


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.django_db
def test_group_scope_covers_exactly_its_member_municipalities():
    group = create_territory_group(name="Área metropolitana (prueba)", code="AMB-T", country="CO",
                                   member_codes=["68001", "68276"])
    org = create_organization(actor=None, name="Agencia del grupo", territories=[group])
    counsellor = make_user(org, "counsellor")
    in_bga = register_person(actor=None, data=person_data(municipality_code="68001"), consent=CONSENT)
    in_flo = register_person(actor=None, data=person_data(municipality_code="68276"), consent=CONSENT)
    in_giron = register_person(actor=None, data=person_data(municipality_code="68307"), consent=CONSENT)

    assert set(people_for(counsellor).values_list("pk", flat=True)) == {in_bga.pk, in_flo.pk}
    with pytest.raises(OutOfScope):
        get_person_for(counsellor, in_giron.pk)


@pytest.mark.django_db
def test_group_is_idempotent_and_rejects_unknown_members():
    first = create_territory_group(name="G", code="G1", country="CO", member_codes=["68001"])
    again = create_territory_group(name="G renamed", code="G1", country="CO", member_codes=["68001", "68307"])
    assert first.pk == again.pk
    assert sorted(again.members.values_list("code", flat=True)) == ["68001", "68307"]
    with pytest.raises(ValueError, match="99999"):
        create_territory_group(name="bad", code="G2", country="CO", member_codes=["99999"])
