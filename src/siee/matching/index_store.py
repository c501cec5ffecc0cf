"""Django adapter: builds the engine's Taxonomy, PeopleIndex and VacancyIndex from the database.

Per-process cache, kept fresh incrementally (nothing here must be shared between workers: each process
builds its own copy from the database, a read replica at scale):

* every profile change made through the people services leaves a ``PersonEvent`` row, so the ids of the
  events after the last one seen name the people to re-read; people with an id above the highest indexed
  id are new (``siee demo`` and imports add people without events);
* every ``SIEE_MATCHING_FULL_CHECK_SECONDS`` (default 30) the ``Person.updated_at`` watermark is checked too,
  for writes that bypass the services;
* changed people are re-read and written into their rows (``PeopleIndex.upsert``); the index is rebuilt
  only when the taxonomy or the territories changed, or when more than 5 % of the people changed at once.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import threading
import time
from collections import defaultdict

import numpy as np
from django.db import connection
from django.db.models import Count, Max
from django.utils import timezone

from siee.matching import engine as E

_lock = threading.RLock()
_taxonomy: dict = {}
_people: dict = {}
CHUNK = 500


def _alias_key() -> str:
    s = connection.settings_dict
    return f"{s.get('ENGINE')}|{s.get('NAME')}|{s.get('HOST')}"


# --- taxonomy ---------------------------------------------------------------------------------------------

def _taxonomy_stamp() -> tuple:
    from siee.core.models import Territory
    from siee.taxonomy.models import EducationLevel, Occupation, OccupationSkill, Skill

    parts = []
    for model in (Occupation, Skill, OccupationSkill, Territory, EducationLevel):
        agg = model.objects.aggregate(n=Count("id"), m=Max("id"))
        parts += [agg["n"], agg["m"]]
    return tuple(parts)


def get_taxonomy() -> E.Taxonomy:
    key = _alias_key()
    with _lock:
        stamp = _taxonomy_stamp()
        cached = _taxonomy.get(key)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        tax = build_taxonomy()
        _taxonomy[key] = (stamp, tax)
        _people.pop(key, None)
        return tax


def build_taxonomy() -> E.Taxonomy:
    from siee.core.models import Territory, TerritoryLevel
    from siee.taxonomy.models import EducationLevel, Occupation, OccupationSkill, Skill

    occ = list(Occupation.objects.order_by("id").values_list("id", "isco_code", "label"))
    occ_ids = [o[0] for o in occ]
    isco = [int(o[1]) if (o[1] or "").isdigit() else -1 for o in occ]
    skills = list(Skill.objects.order_by("id").values_list("id", "label"))
    occ_pos = {pk: i for i, pk in enumerate(occ_ids)}
    sk_pos = {pk: i for i, (pk, _) in enumerate(skills)}
    links = OccupationSkill.objects.filter(essential=True).values_list("occupation_id", "skill_id")
    eo, es = [], []
    for o, s in links.iterator(chunk_size=20_000):
        if o in occ_pos and s in sk_pos:
            eo.append(occ_pos[o])
            es.append(sk_pos[s])
    munis = list(Territory.objects.filter(level__in=[TerritoryLevel.MUNICIPALITY, TerritoryLevel.DISTRICT])
                 .order_by("id").values_list("id", "lat", "lon", "name"))
    return E.Taxonomy(
        occupation_ids=occ_ids, occupation_isco=isco, occupation_labels=[o[2] for o in occ],
        skill_ids=[s[0] for s in skills], skill_labels=[s[1] for s in skills], essential_occ=eo, essential_skill=es,
        municipality_ids=[m[0] for m in munis],
        municipality_lat=[m[1] if m[1] is not None else math.nan for m in munis],
        municipality_lon=[m[2] if m[2] is not None else math.nan for m in munis],
        municipality_names=[m[3].title() if m[3].isupper() else m[3] for m in munis],
        education_ranks=dict(EducationLevel.objects.values_list("id", "rank")),
    )


# --- people -----------------------------------------------------------------------------------------------

def _months(months, start, end, today) -> float:
    if months is not None:
        return float(months)
    if start:
        end = end or today
        return float(max(0, (end.year - start.year) * 12 + end.month - start.month))
    return 0.0


def _person_columns(person_filter: dict) -> dict:
    """Raw columns of the people matching the filter (ordered by id)."""
    from siee.people.models import Consent, Experience, Person, PersonSkill

    people = list(Person.objects.filter(**person_filter).order_by("id").values_list(
        "id", "municipality_id", "education_level_id", "expected_wage", "willing_to_relocate", "status",
        "availability", "migration_status", "sex", "disability", "max_hours_per_week"))
    sub = {f"person__{k}": v for k, v in person_filter.items()}
    consent = set(Consent.objects.filter(revoked_at__isnull=True, **sub).values_list("person_id", flat=True))
    skills = list(PersonSkill.objects.filter(**sub).values_list("person_id", "skill_id"))
    today = dt.date.today()
    exp = [(p, o, _months(m, s, e, today)) for p, o, m, s, e in Experience.objects.filter(
        occupation_id__isnull=False, **sub).values_list("person_id", "occupation_id", "months", "start_date", "end_date")]
    through = Person.desired_occupations.through
    desired = list(through.objects.filter(**sub).values_list("person_id", "occupation_id"))
    return {"people": people, "consent": consent, "skills": skills, "experience": exp, "desired": desired}


_MIG = {name: i for i, name in enumerate(E.MIGRATION_CLASSES)}
_SEX = {name: i for i, name in enumerate(E.SEX_CODES)}


def _records(tax: E.Taxonomy, cols: dict) -> list[E.PersonRecord]:
    skills = defaultdict(list)
    for p, s in cols["skills"]:
        k = tax.skill_index(s)
        if k >= 0:
            skills[p].append(k)
    exp = defaultdict(lambda: defaultdict(float))
    for p, o, m in cols["experience"]:
        k = tax.occupation_index(o)
        if k >= 0:
            exp[p][k] += max(m, E.MIN_EXPERIENCE_MONTHS)
    desired = defaultdict(list)
    for p, o in cols["desired"]:
        k = tax.occupation_index(o)
        if k >= 0:
            desired[p].append(k)
    out = []
    for pk, muni, edu, wage, reloc, status, avail, mig, sex, disab, hours in cols["people"]:
        rank = tax.education_ranks.get(edu, -1) if edu is not None else -1
        out.append(E.PersonRecord(
            person_id=pk, municipality=tax.municipality_index(muni), education_rank=rank,
            expected_wage=float(wage) if wage else math.nan, max_hours=float(hours) if hours else math.nan,
            willing_to_relocate=bool(reloc),
            eligible=pk in cols["consent"] and status == "active" and avail != "not_available",
            migration_class=_MIG.get(mig, 0), sex=_SEX.get(sex, 3), disability=bool(disab),
            skills=tuple(sorted(set(skills.get(pk, ())))), experience=dict(exp.get(pk, {})),
            desired=tuple(sorted(set(desired.get(pk, ())))),
        ))
    return out


def build_people_index(tax: E.Taxonomy, *, municipality_ids: set[int] | None = None) -> E.PeopleIndex:
    flt = {"municipality_id__in": list(municipality_ids)} if municipality_ids is not None else {}
    recs = _records(tax, _person_columns(flt))
    return index_from_records(tax, recs)


def index_from_records(tax: E.Taxonomy, recs: list[E.PersonRecord]) -> E.PeopleIndex:
    sr, sc, er, ec, em, dr, dc = [], [], [], [], [], [], []
    for i, r in enumerate(recs):
        sr += [i] * len(r.skills)
        sc += list(r.skills)
        for o, m in r.experience.items():
            er.append(i)
            ec.append(o)
            em.append(m)
        dr += [i] * len(r.desired)
        dc += list(r.desired)
    return E.PeopleIndex(
        tax, [r.person_id for r in recs], municipality=[r.municipality for r in recs],
        education_rank=[r.education_rank for r in recs], expected_wage=[r.expected_wage for r in recs],
        max_hours=[r.max_hours for r in recs], willing_to_relocate=[r.willing_to_relocate for r in recs],
        eligible=[r.eligible for r in recs], migration_class=[r.migration_class for r in recs],
        sex=[r.sex for r in recs], disability=[r.disability for r in recs], skill_rows=sr, skill_cols=sc,
        exp_rows=er, exp_cols=ec, exp_months=em, desired_rows=dr, desired_cols=dc)


def _watermarks() -> dict:
    from siee.people.models import Person, PersonEvent

    event = PersonEvent.objects.aggregate(m=Max("id"))["m"] or 0
    person = Person.objects.aggregate(m=Max("id"))["m"] or 0
    return {
        "event": event, "event_at": _event_at(event),
        "person": person, "person_at": _person_at(person),
        "updated": Person.objects.aggregate(m=Max("updated_at"))["m"],
        "checked": time.monotonic(),
    }


def _event_at(pk):
    from siee.people.models import PersonEvent

    return PersonEvent.objects.filter(pk=pk).values_list("at", flat=True).first() if pk else None


def _person_at(pk):
    from siee.people.models import Person

    return Person.objects.filter(pk=pk).values_list("registered_at", flat=True).first() if pk else None


def _history_rewritten(state: dict) -> bool:
    """True when the rows the watermarks point at are gone or different (a restore, a rolled-back test)."""
    return _event_at(state["event"]) != state["event_at"] or _person_at(state["person"]) != state["person_at"]


def _full_check_seconds() -> float:
    try:
        return float(os.environ.get("SIEE_MATCHING_FULL_CHECK_SECONDS", "30"))
    except ValueError:
        return 30.0


def get_people_index() -> E.PeopleIndex:
    """The process's index of all people, brought up to date incrementally."""
    from siee.people.models import Person, PersonEvent

    tax = get_taxonomy()
    key = _alias_key()
    with _lock:
        state = _people.get(key)
        if state is None or state["tax"] is not tax or _history_rewritten(state):
            marks = _watermarks()
            index = build_people_index(tax)
            _people[key] = state = {"tax": tax, "index": index, **marks}
            return index
        index = state["index"]
        changed: set[int] = set()
        ev = list(PersonEvent.objects.filter(id__gt=state["event"]).values_list("id", "person_id"))
        if ev:
            state["event"] = max(e[0] for e in ev)
            state["event_at"] = _event_at(state["event"])
            changed.update(e[1] for e in ev)
        new = list(Person.objects.filter(id__gt=state["person"]).values_list("id", flat=True))
        if new:
            state["person"] = max(new)
            state["person_at"] = _person_at(state["person"])
            changed.update(new)
        if time.monotonic() - state["checked"] >= _full_check_seconds() and state["updated"] is not None:
            upd = Person.objects.filter(updated_at__gt=state["updated"]).values_list("id", "updated_at")
            for pk, at in upd:
                changed.add(pk)
                state["updated"] = max(state["updated"], at)
            state["checked"] = time.monotonic()
        if changed:
            if len(changed) > max(1000, index.n // 20):
                marks = _watermarks()
                index = build_people_index(tax)
                state.update({"index": index, **marks})
            else:
                refresh_people(index, sorted(changed))
        return index


def refresh_people(index: E.PeopleIndex, person_ids: list[int]) -> None:
    """Re-read these people and write them into their rows (deleted people become ineligible)."""
    seen = set()
    for i in range(0, len(person_ids), CHUNK):
        chunk = person_ids[i:i + CHUNK]
        for rec in _records(index.tax, _person_columns({"id__in": chunk})):
            index.upsert(rec)
            seen.add(rec.person_id)
    for pk in set(person_ids) - seen:
        index.remove(pk)


def reading():
    """Held while a ranking reads the index, so a refresh from another thread never interleaves with it."""
    return _lock


def reset_cache() -> None:
    with _lock:
        _taxonomy.clear()
        _people.clear()


# --- vacancies --------------------------------------------------------------------------------------------

def vacancy_query(tax: E.Taxonomy, vacancy, links: list[tuple[int, bool]] | None = None) -> E.VacancyQuery:
    if links is None:
        links = list(vacancy.skill_links.values_list("skill_id", "required"))
    ess = [tax.skill_index(s) for s, req in links if req]
    opt = [tax.skill_index(s) for s, req in links if not req]
    edu = tax.education_ranks.get(vacancy.education_level_id, -1) if vacancy.education_level_id else -1
    today = timezone.localdate()
    is_open = vacancy.status == "open" and (vacancy.closing_date is None or vacancy.closing_date >= today)
    country = getattr(getattr(vacancy, "municipality", None), "country", None) or "CO"
    return E.VacancyQuery(
        occupation=tax.occupation_index(vacancy.occupation_id), essential_skills=[s for s in ess if s >= 0],
        optional_skills=[s for s in opt if s >= 0], education_rank=edu,
        experience_months=float(vacancy.experience_months or 0),
        wage_min=float(vacancy.wage_min) if vacancy.wage_min else math.nan,
        wage_max=float(vacancy.wage_max) if vacancy.wage_max else math.nan,
        hours_per_week=float(vacancy.hours_per_week) if vacancy.hours_per_week else math.nan,
        municipality=tax.municipality_index(vacancy.municipality_id), contract_type=vacancy.contract_type,
        open_to_migrants=bool(vacancy.open_to_migrants), is_open=is_open, country=country,
        vacancy_id=vacancy.pk,
    )


def vacancy_index(tax: E.Taxonomy, vacancies) -> E.VacancyIndex:
    """VacancyIndex of a vacancy queryset (skills read in one query)."""
    from siee.employers.models import VacancySkill

    vacancies = list(vacancies.select_related("municipality"))
    links = defaultdict(list)
    ids = [v.pk for v in vacancies]
    for i in range(0, len(ids), CHUNK):
        for vid, sid, req in VacancySkill.objects.filter(vacancy_id__in=ids[i:i + CHUNK]).values_list(
                "vacancy_id", "skill_id", "required"):
            links[vid].append((sid, req))
    return E.VacancyIndex(tax, [vacancy_query(tax, v, links.get(v.pk, [])) for v in vacancies])


def scope_mask(tax: E.Taxonomy, territory_ids: set[int] | None) -> np.ndarray | None:
    if territory_ids is None:
        return None
    mask = np.zeros(tax.municipality_ids.size, dtype=bool)
    if territory_ids:
        mask[np.isin(tax.municipality_ids, np.fromiter(territory_ids, dtype=np.int64))] = True
    return mask
