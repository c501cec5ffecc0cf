"""A small hand-built dataset for the observatory engine tests (no tests here: the others import it). Every
expected value in the tests is computed by hand from the records below (dates are Bogotá noon, so months never depend on the time zone).

Santander (68): Bucaramanga 68001 and Floridablanca 68276; Cali 76001 is outside. Quarter 2026Q3 = Jul-Sep.

People (registered_at, municipality, sex, birth year -> age in 2026, nationality, migration, disability, status,
expected wage):
  P1 2026-07-10 68001 F 2000 (26: 25-28) CO national   no  active   1,500,000   skill cocinar
  P2 2026-07-02 68001 F 1990 (36: 29-39) VE regular    no  active   1,600,000   skill cocinar
  P3 2026-09-20 68276 M 2005 (21: 18-24) CO national   yes employed 1,800,000
  P4 2026-07-01 68001 M 1970 (56: 55+)   VE irregular  no  employed —
  P5 2026-06-15 68001 F 1985 (41: 40-54) CO national   no  active   2,000,000   skill python   (Q2)
  P6 2026-08-01 68001 F 1995             CO national   no  merged   —                          (excluded)
  P7 2026-08-01 76001 F 1990             CO national   no  active   1,000,000                  (Cali)
Employers: E1 68001 sector I small, created 2026-07-03; E2 68276 sector J large, created 2026-05-01 (Q2).
Vacancies (created_at, employer, ISCO, posts, wage_min, status, skills):
  V1 2026-07-05 E1 5120 2 1,400,000 filled  cocinar, manipulacion
  V2 2026-08-10 E1 5120 1 1,600,000 open    cocinar
  V3 2026-09-01 E2 2512 3 —         open    python            (Floridablanca)
  V4 2026-08-01 E2 2512 5 2,500,000 draft   (excluded)
  V5 2026-04-01 E2 2512 1 3,000,000 open    python, ingles    (Q2)
Applications: P1→V1 07-06, P2→V1 07-07, P3→V3 09-02.
Referrals: R1 P1→V1 07-08 hired, R2 P2→V1 07-08 hired, R3 P3→V3 09-03 referred, R4 P4→V2 08-11 rejected,
  R5 P1→V2 08-12 withdrawn (excluded).
Placements: PL1 P1 V1 start 07-20 1,450,000 formal; PL2 P2 V1 start 08-01 1,500,000 informal;
  PL3 P4 direct E2 start 09-10 2,000,000 formal; PL0 P5 direct E1 start 2026-04-01 1,300,000 formal (Q2).
Follow-ups (months_after, due, done, still employed): F1 PL0 3 07-01 yes yes; F2 PL0 6 08-01 yes no;
  F3 PL1 3 08-20 yes no; F4 PL2 3 09-01 not done; F5 PL2 12 09-15 yes yes.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from siee.core.selectors import find_territory
from siee.employers.models import Employer, Vacancy, VacancySkill
from siee.intermediation.models import Application, FollowUp, Placement, Referral
from siee.people.models import Person, PersonSkill
from siee.taxonomy.models import EducationLevel, Occupation, Sector, Skill

BOGOTA = zoneinfo.ZoneInfo("America/Bogota")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text + "T12:00:00").replace(tzinfo=BOGOTA)


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def build() -> dict:
    t = {c: find_territory(c) for c in ("68001", "68276", "76001")}
    edu = EducationLevel.objects.order_by("rank").first()
    occ = {
        "5120": Occupation.objects.get_or_create(uri="urn:siee:test:obs:cook", defaults={"label": "Cocinero", "isco_code": "5120"})[0],
        "2512": Occupation.objects.get_or_create(uri="urn:siee:test:obs:dev", defaults={"label": "Desarrollador", "isco_code": "2512"})[0],
    }
    sk = {s: Skill.objects.get_or_create(uri=f"urn:siee:test:obs:{s}", defaults={"label": s})[0]
          for s in ("cocinar", "manipulacion", "python", "ingles")}
    seq = iter(range(1, 100))

    def person(reg, muni, sex, year, nat, mig, dis, status, wage):
        p = Person.objects.create(
            first_names="Prueba", last_names=f"Observatorio {next(seq)}", document_type="CC",
            document_number=f"9900{next(seq):04d}", nationality=nat, birth_date=dt.date(year, 6, 1), sex=sex,
            municipality=t[muni], migration_status=mig, disability=dis, status=status, expected_wage=wage,
            education_level=edu)
        Person.objects.filter(pk=p.pk).update(registered_at=at(reg))
        return p

    P = {
        1: person("2026-07-10", "68001", "F", 2000, "CO", "national", False, "active", 1_500_000),
        2: person("2026-07-02", "68001", "F", 1990, "VE", "regular", False, "active", 1_600_000),
        3: person("2026-09-20", "68276", "M", 2005, "CO", "national", True, "employed", 1_800_000),
        4: person("2026-07-01", "68001", "M", 1970, "VE", "irregular", False, "employed", None),
        5: person("2026-06-15", "68001", "F", 1985, "CO", "national", False, "active", 2_000_000),
        6: person("2026-08-01", "68001", "F", 1995, "CO", "national", False, "merged", None),
        7: person("2026-08-01", "76001", "F", 1990, "CO", "national", False, "active", 1_000_000),
    }
    PersonSkill.objects.create(person=P[1], skill=sk["cocinar"])
    PersonSkill.objects.create(person=P[2], skill=sk["cocinar"])
    PersonSkill.objects.create(person=P[5], skill=sk["python"])

    def employer(name, muni, section, size, created):
        e = Employer.objects.create(name=name, tax_id=f"8000{next(seq):05d}", municipality=t[muni],
                                    sector=Sector.objects.get(code=section), size=size)
        Employer.objects.filter(pk=e.pk).update(created_at=at(created))
        return e

    E1 = employer("Restaurante Obs", "68001", "I", "small", "2026-07-03")
    E2 = employer("Software Obs", "68276", "J", "large", "2026-05-01")

    def vacancy(code, created, emp, isco, posts, wage, status, skills):
        v = Vacancy.objects.create(code=f"OBS-{code}", employer=emp, title=code, occupation=occ[isco], posts=posts,
                                   wage_min=wage, wage_max=wage, municipality=emp.municipality, status=status)
        Vacancy.objects.filter(pk=v.pk).update(created_at=at(created))
        for s in skills:
            VacancySkill.objects.create(vacancy=v, skill=sk[s])
        v.refresh_from_db()
        return v

    V = {
        1: vacancy("V1", "2026-07-05", E1, "5120", 2, 1_400_000, "filled", ["cocinar", "manipulacion"]),
        2: vacancy("V2", "2026-08-10", E1, "5120", 1, 1_600_000, "open", ["cocinar"]),
        3: vacancy("V3", "2026-09-01", E2, "2512", 3, None, "open", ["python"]),
        4: vacancy("V4", "2026-08-01", E2, "2512", 5, 2_500_000, "draft", []),
        5: vacancy("V5", "2026-04-01", E2, "2512", 1, 3_000_000, "open", ["python", "ingles"]),
    }
    for p, v, when in ((1, 1, "2026-07-06"), (2, 1, "2026-07-07"), (3, 3, "2026-09-02")):
        Application.objects.create(person=P[p], vacancy=V[v], channel="staff", created_at=at(when))
    R = {}
    for n, p, v, when, status in ((1, 1, 1, "2026-07-08", "hired"), (2, 2, 1, "2026-07-08", "hired"),
                                  (3, 3, 3, "2026-09-03", "referred"), (4, 4, 2, "2026-08-11", "rejected"),
                                  (5, 1, 2, "2026-08-12", "withdrawn")):
        R[n] = Referral.objects.create(person=P[p], vacancy=V[v], referred_at=at(when), status=status)

    def placement(p, v, emp, ref, start, wage, formal):
        return Placement.objects.create(person=P[p], vacancy=V.get(v), employer=emp, referral=ref,
                                        source="referral" if ref else "direct", start_date=day(start),
                                        contract_type="fixed", monthly_wage=wage, formal=formal, recorded_at=at(start))

    PL = {
        1: placement(1, 1, E1, R[1], "2026-07-20", 1_450_000, True),
        2: placement(2, 1, E1, R[2], "2026-08-01", 1_500_000, False),
        3: placement(4, None, E2, None, "2026-09-10", 2_000_000, True),
        0: placement(5, None, E1, None, "2026-04-01", 1_300_000, True),
    }
    for pl, months, due, done, employed in ((0, 3, "2026-07-01", True, True), (0, 6, "2026-08-01", True, False),
                                            (1, 3, "2026-08-20", True, False), (2, 3, "2026-09-01", False, None),
                                            (2, 12, "2026-09-15", True, True)):
        FollowUp.objects.create(placement=PL[pl], months_after=months, due_date=day(due),
                                done_at=at(due) if done else None, still_employed=employed)
    return {"people": P, "vacancies": V, "skills": sk, "employers": (E1, E2), "territories": t}
