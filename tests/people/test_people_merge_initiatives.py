"""Merging two records of one person moves their business initiatives (ownership and team memberships), route
referrals and fair registrations to the kept record, without losing any history."""

from __future__ import annotations

import datetime as dt

from factories import make_person
from siee.core.models import AuditAction, AuditEntry
from siee.enterprise import selectors as enterprise_selectors
from siee.enterprise import services as enterprise
from siee.enterprise.models import EventParticipant, InitiativeEvent, RouteReferral, TeamMember
from siee.people import services
from siee.people.models import PersonEvent


def test_merge_moves_initiatives_owned_and_joined_with_their_history(actors):
    keep = make_person(actors.counsellor, first_names="Luisa", last_names="Ortiz")
    other = make_person(actors.counsellor, first_names="Luisa F.", last_names="Ortiz")
    partner = make_person(actors.counsellor, first_names="Marta", last_names="Gil")
    bakery = enterprise.create_initiative(actor=actors.counsellor, owner_id=other.pk, data={"name": "Panadería Luisa"})
    sewing = enterprise.create_initiative(actor=actors.counsellor, owner_id=partner.pk, data={"name": "Costuras Marta"})
    enterprise.add_team_member(actor=actors.counsellor, initiative_id=sewing.pk, person_id=other.pk, role="Socia")
    # both records already in the same initiative: one membership remains, with the owner's role
    shared = enterprise.create_initiative(actor=actors.counsellor, owner_id=other.pk, data={"name": "Arepas Luisa"})
    enterprise.add_team_member(actor=actors.counsellor, initiative_id=shared.pk, person_id=keep.pk, role="")
    enterprise.refer_to_entrepreneurship(actor=actors.counsellor, person_id=other.pk, reason="Quiere emprender")
    fair = enterprise.create_event(actor=actors.counsellor, name="Feria", date=dt.date(2026, 6, 5), municipality_code="68001")
    enterprise.add_participant(actor=actors.counsellor, event_id=fair.pk, role="visitor", person_id=other.pk, attended=True)
    enterprise.add_participant(actor=actors.counsellor, event_id=fair.pk, role="visitor", person_id=keep.pk)
    bakery_history = list(InitiativeEvent.objects.filter(initiative=bakery).values_list("pk", flat=True))
    other_events = set(PersonEvent.objects.filter(person=other).values_list("pk", flat=True))

    services.merge_people(actor=actors.counsellor, keep_id=keep.pk, merge_id=other.pk)

    bakery.refresh_from_db()
    shared.refresh_from_db()
    assert (bakery.owner_id, shared.owner_id) == (keep.pk, keep.pk)
    assert sorted(TeamMember.objects.filter(person=keep).values_list("initiative__name", "role")) == [
        ("Arepas Luisa", "Titular"), ("Costuras Marta", "Socia"), ("Panadería Luisa", "Titular")]
    assert TeamMember.objects.filter(person=other).count() == 0
    assert sorted(TeamMember.objects.filter(initiative=sewing).values_list("person_id", flat=True)) == sorted([partner.pk, keep.pk])
    # history kept: the initiative's timeline grew by one event, the person's events moved
    assert list(InitiativeEvent.objects.filter(initiative=bakery).values_list("pk", flat=True))[1:] == bakery_history
    merged_event = InitiativeEvent.objects.filter(initiative=bakery).first()
    assert (merged_event.kind, merged_event.params) == ("person_merged", {"kept_id": keep.pk, "merged_id": other.pk, "owner": True})
    assert other_events <= set(PersonEvent.objects.filter(person=keep).values_list("pk", flat=True))
    assert list(RouteReferral.objects.values_list("person_id", flat=True)) == [keep.pk]
    assert enterprise.route_of(keep) == "entrepreneurship"
    assert list(EventParticipant.objects.filter(event=fair).values_list("person_id", "attended")) == [(keep.pk, True)]
    assert sorted(enterprise_selectors.initiatives_of_person(actors.counsellor, keep).values_list("name", flat=True)) == [
        "Arepas Luisa", "Costuras Marta", "Panadería Luisa"]
    assert list(enterprise_selectors.initiatives_of_person(actors.counsellor, other)) == []
    assert AuditEntry.objects.filter(action=AuditAction.UPDATE, object_type="businessinitiative", object_id=str(bakery.pk),
                                     detail={"merged_id": other.pk, "kept_id": keep.pk}).count() == 1
