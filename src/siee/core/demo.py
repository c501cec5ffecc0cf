"""Reproducible demo population: people (with experience, skills, consent, Venezuelan migrants), employers
and vacancies drawn from the loaded taxonomy and geography.

    generate_demo(people=100_000, vacancies=3_000, seed=1)

The same seed on the same day gives the same records (dates are relative to today so the demo always looks
current). Runs on an empty or populated database and only adds: document numbers, tax ids and vacancy codes
are derived from the seed and the number of records already present, and checked against the database.

Fast and memory-bounded: records are generated and written in chunks with precomputed ids (no query per
record), through ``siee.core.imports.insert_rows`` (executemany on SQLite, COPY on PostgreSQL).
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import random
import time
import unicodedata
from collections.abc import Callable, Sequence
from itertools import accumulate

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from siee.core import demo_names as names
from siee.core.imports import allocate_ids, insert_rows, reset_sequences

MINIMUM_WAGE_COP = 1_423_500  # Colombia, 2025
CHUNK = 5000
MIGRANT_SHARE = 0.30


class DemoError(Exception):
    pass


class FastRandom(random.Random):
    """random.Random with cheaper choice/randrange (still fully determined by the seed)."""

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]

    def randrange(self, start, stop=None, step=1):
        if stop is None:
            start, stop = 0, start
        return start + int(self.random() * (stop - start))


def _picker(items: Sequence, weights: Sequence[float]) -> Callable:
    cum = list(accumulate(weights))
    total = cum[-1]
    n = len(items) - 1

    def pick(rng):
        return items[min(bisect.bisect_right(cum, rng.random() * total), n)]

    return pick


def _ascii(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower().replace(" ", "")


def _perm(g: int, a: int, modulus: int, seed: int) -> int:
    """A bijection of g in [0, modulus): distinct g give distinct numbers (a is coprime with modulus)."""
    return (g * a + seed * 7_368_787) % modulus


def _coprime(a: int, m: int) -> int:
    while math.gcd(a, m) != 1:
        a += 1
    return a


# Document number spaces: (low, size). Numbers are low + perm(g) so they never overlap within a run.
_DOC_SPACES = {
    "CC10": (1_000_000_000, 99_999_989),
    "CC8": (10_000_000, 89_999_989),
    "PPT": (1_000_000, 8_999_993),
    "PEP": (900_000_000_000_000, 99_999_999_999_989),
    "PASSPORT": (100_000_000, 899_999_993),
    "CI_VE": (10_000_000, 89_999_989),
    "CE": (100_000, 899_993),
}
_DOC_MULT = {k: _coprime(7_919 + i * 104, size) for i, (k, (_, size)) in enumerate(_DOC_SPACES.items())}


def _doc_number(space: str, g: int, seed: int) -> str:
    low, size = _DOC_SPACES[space]
    return str(low + _perm(g, _DOC_MULT[space], size, seed))


def nit_check_digit(number: str) -> str:
    """DIAN check digit of a Colombian NIT."""
    weights = (3, 7, 13, 17, 19, 23, 29, 37, 41, 43, 47, 53, 59, 67, 71)
    total = sum(int(d) * w for d, w in zip(reversed(number), weights, strict=False))
    r = total % 11
    return str(r if r < 2 else 11 - r)


# --- reference data --------------------------------------------------------------------------------------

def resolve_territory(code: str | None) -> tuple[list[tuple[int, str]], list[float], str]:
    """(municipalities [(id, code)], weights, label) for a municipality, department, group or the default area."""
    from siee.core.models import Territory, TerritoryLevel
    from siee.core.selectors import find_territory

    if not code:
        found = [find_territory(c) for c in settings.DEMO_TERRITORY.split(",")]
        munis = [t for t in found if t is not None]
        if not munis:
            raise DemoError("No se encontró el territorio de demostración: cargue primero los territorios.")
        base = [0.52, 0.24, 0.13, 0.11]
        weights = [base[i] if i < len(base) else 0.05 for i in range(len(munis))]
        label = "área metropolitana de Bucaramanga" if settings.DEMO_TERRITORY.startswith("68001") else ", ".join(
            t.name for t in munis)
        return [(t.pk, t.code) for t in munis], weights, label
    t = find_territory(code)
    if t is None:
        raise DemoError(f"territorio desconocido: {code!r} (use un código de municipio o departamento, p. ej. 68001 o 68)")
    if t.level in (TerritoryLevel.MUNICIPALITY, TerritoryLevel.DISTRICT):
        munis = [t]
    elif t.level == TerritoryLevel.GROUP:
        munis = list(t.members.filter(level__in=[2, 3]).order_by("code"))
    else:
        munis = list(Territory.objects.filter(path__startswith=t.path, level=TerritoryLevel.MUNICIPALITY)
                     .order_by("code"))
    if not munis:
        raise DemoError(f"el territorio {code} no tiene municipios cargados")
    weights = [6.0 if m.code.endswith("001") else 1.0 for m in munis]
    return [(m.pk, m.code) for m in munis], weights, t.name


def _occupation_pool():
    from siee.taxonomy.models import Occupation, OccupationSkill

    rows = list(Occupation.objects.order_by("id").values_list("id", "isco_code", "label"))
    pool, weights = [], []
    for pk, isco, label in rows:
        major = (isco or " ")[0]
        if major in "45789":
            w = 1.0
        elif major in "23":
            w = 0.25
        else:
            continue
        if isco in names.COMMON_ISCO:
            w *= 12
        pool.append((pk, isco, label))
        weights.append(w)
    if not pool:
        pool = [(pk, isco, label) for pk, isco, label in rows]
        weights = [1.0] * len(pool)
    if not pool:
        raise DemoError("No hay ocupaciones cargadas: ejecute 'siee taxonomy load' primero.")
    essential: dict[int, list[int]] = {}
    optional: dict[int, list[int]] = {}
    ids = {p[0] for p in pool}
    for occ, skill, ess in OccupationSkill.objects.order_by("id").values_list("occupation_id", "skill_id", "essential"):
        if occ in ids:
            (essential if ess else optional).setdefault(occ, []).append(skill)
    return pool, weights, essential, optional


def _forms(label: str) -> tuple[str, str]:
    """(masculine, feminine) forms of an ESCO label 'cocinero/cocinera'."""
    parts = [p.strip() for p in label.split("/") if p.strip()]
    if len(parts) >= 2 and " " not in parts[1][:3]:
        return parts[0], parts[1]
    return label.strip(), label.strip()


# --- generation ------------------------------------------------------------------------------------------

class _PeopleGenerator:
    def __init__(self, rng, seed, today, munis, muni_weights, pool, pool_weights, essential, levels, offset):
        self.rng = rng
        self.seed = seed
        self.today = today
        self.offset = offset
        self.pick_muni = _picker([m[0] for m in munis], muni_weights)
        self.pick_occ = _picker(pool, pool_weights)
        self.essential = essential
        self.levels = levels
        # weights by rank: primary, lower sec., upper sec. (bachiller), post-sec./technical, tecnólogo, university...
        lw = [4, 8, 14, 34, 18, 10, 10, 1.5, 0.4, 0.1][: len(levels)] or [1]
        lw += [0.1] * (len(levels) - len(lw))
        self.pick_level = _picker(levels, lw) if levels else (lambda rng: None)
        self.ascii = {n: _ascii(n.split(" ")[0]) for n in (*names.FEMALE_CO, *names.MALE_CO, *names.FEMALE_VE,
                                                            *names.MALE_VE, *names.SURNAMES)}
        self.pick_migrant_doc = _picker(("PPT", "PEP", "PASSPORT", "CI_VE", "CE"), (60, 12, 15, 8, 5))
        self.pick_arrival_year = _picker(tuple(range(2015, 2025)), (3, 6, 12, 20, 18, 9, 8, 9, 8, 7))
        self.pick_barrier_migrant = _picker(("documents", "degree_recognition", "discrimination", "housing", "digital_access"),
                                            (30, 25, 20, 15, 10))
        self.pick_barrier = _picker(("childcare", "transport", "digital_access", "health"), (40, 30, 20, 10))
        self.pick_wage_factor = _picker((1.0, 1.1, 1.25, 1.5, 1.8, 2.2, 3.0, 4.0), (35, 15, 15, 12, 10, 7, 4, 2))
        self.pick_status = _picker(("active", "employed", "inactive"), (85, 10, 5))
        self.pick_avail = _picker(("immediate", "two_weeks", "one_month", "not_available"), (70, 15, 10, 5))
        self.pick_channel = _picker(("in_person", "web", "whatsapp"), (70, 20, 10))
        self.pick_kind = _picker(("formal", "informal", "self_employed"), (55, 35, 10))
        self.pick_skill_level = _picker(("basic", "intermediate", "advanced"), (30, 50, 20))
        self.disability_types = ("física", "visual", "auditiva", "cognitiva", "psicosocial")
        self.interests = ("emprendimiento", "formación en sistemas", "trabajo en equipo", "atención al cliente",
                          "cursos del SENA", "trabajo por turnos", "validar el bachillerato", "licencia de conducción")
        self.places = ("restaurante", "empresa", "obra", "almacén", "casa de familia", "negocio propio", "fábrica")

    def _ascii(self, name: str) -> str:
        value = self.ascii.get(name)
        if value is None:
            value = self.ascii[name] = _ascii(name.split(" ")[0])
        return value

    def person(self, g: int):
        rng = self.rng
        r = rng.random()
        sex = "F" if r < 0.52 else ("M" if r < 0.995 else "X")
        migrant = rng.random() < MIGRANT_SHARE
        female = sex == "F" or (sex == "X" and rng.random() < 0.5)
        if migrant:
            firsts = names.FEMALE_VE if female else names.MALE_VE
            if rng.random() < 0.25:  # Venezuelans share many names with Colombians
                firsts = names.FEMALE_CO if female else names.MALE_CO
        else:
            firsts = names.FEMALE_CO if female else names.MALE_CO
        first = rng.choice(firsts)
        if rng.random() < 0.25 and " " not in first:
            second = rng.choice(firsts)
            if second != first and " " not in second:
                first = f"{first} {second}"
        s1, s2 = rng.choice(names.SURNAMES), rng.choice(names.SURNAMES)
        last = f"{s1} {s2}"
        age = int(rng.triangular(18, 64, 27))
        birth = self.today - dt.timedelta(days=int(age * 365.25) + rng.randrange(1, 360))
        arrival = None
        if migrant:
            doc_type = self.pick_migrant_doc(rng)
            space = doc_type
            if doc_type in ("PPT", "PEP", "CE"):
                status = "regular"
            elif doc_type == "PASSPORT":
                status = "regular" if rng.random() < 0.5 else "in_process"
            else:
                status = ("irregular", "in_process", "in_process", "refugee")[rng.randrange(4)]
            nationality = "VE"
            year = self.pick_arrival_year(rng)
            arrival = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
            if arrival <= birth + dt.timedelta(days=365 * 5):
                arrival = birth + dt.timedelta(days=365 * 16)
            if arrival > self.today:
                arrival = self.today - dt.timedelta(days=rng.randrange(30, 400))
        else:
            doc_type = "CC"
            space = "CC10" if birth.year >= 1990 else "CC8"
            nationality = "CO"
            status = "national"
            if rng.random() < 0.03:
                status = "returnee"
                arrival = self.today - dt.timedelta(days=rng.randrange(60, 3000))
        number = _doc_number(space, g, self.seed)
        phone = f"3{rng.choice(('00', '01', '02', '04', '05', '10', '11', '12', '13', '14', '15', '16', '17', '18', '20', '21', '23', '50'))}{rng.randrange(10**7):07d}"
        whatsapp = phone if rng.random() < 0.75 else ""
        email = ""
        if rng.random() < 0.65:
            email = f"{self._ascii(first)}.{self._ascii(s1)}{rng.randrange(1, 99)}@{rng.choice(names.EMAIL_DOMAINS)}"
        address = ""
        if rng.random() < 0.85:
            address = (f"{rng.choice(names.STREET_KINDS)} {rng.randrange(1, 120)} # {rng.randrange(1, 99)}-"
                       f"{rng.randrange(1, 99)}, {rng.choice(names.NEIGHBOURHOODS)}")
        level = self.pick_level(rng)
        wage = None
        if rng.random() < 0.8:
            wage = int(round(MINIMUM_WAGE_COP * self.pick_wage_factor(rng) / 50_000) * 50_000)
        barriers = []
        if migrant and rng.random() < 0.6:
            barriers.append(self.pick_barrier_migrant(rng))
        if rng.random() < (0.25 if female else 0.1):
            b = self.pick_barrier(rng)
            if b not in barriers:
                barriers.append(b)
        disability = rng.random() < 0.05
        ethn_r = rng.random()
        ethnicity = "afrocolombiano/a" if ethn_r < 0.06 else ("indígena" if ethn_r < 0.075 else "")
        if migrant and ethnicity:
            ethnicity = ""
        languages = "es:nativo" + (", en:básico" if rng.random() < 0.08 else "")
        return {
            "document_type": doc_type, "document_number": number, "first_names": first, "last_names": last,
            "birth_date": birth, "sex": sex, "gender_identity": "", "nationality": nationality, "phone": phone,
            "whatsapp": whatsapp, "email": email, "address": address, "municipality_id": self.pick_muni(rng),
            "education_level_id": level, "status": self.pick_status(rng), "availability": self.pick_avail(rng),
            "expected_wage": wage, "willing_to_relocate": rng.random() < 0.25,
            "interests": rng.choice(self.interests) if rng.random() < 0.3 else "", "languages": languages,
            "migration_status": status, "arrival_date": arrival, "household_size": 1 + int(rng.triangular(0, 7, 2)),
            "disability": disability, "disability_type": rng.choice(self.disability_types) if disability else "",
            "ethnicity": ethnicity, "conflict_victim": rng.random() < (0.005 if migrant else 0.08),
            "barriers": barriers, "_female": female, "_migrant": migrant, "_age": age,
        }

    def profile(self, pk: int, p: dict, experiences: list, skills: list, desired: list, consents: list):
        rng = self.rng
        n_exp = 0 if (p["_age"] < 20 and rng.random() < 0.5) or rng.random() < 0.08 else rng.choice((1, 1, 2, 2, 3))
        main = None
        end = self.today - dt.timedelta(days=rng.randrange(0, 400))
        for i in range(n_exp):
            occ = self.pick_occ(rng)
            if main is None:
                main = occ
            masc, fem = _forms(occ[2])
            text = (fem if p["_female"] else masc).lower()
            r = rng.random()
            if r < 0.15:
                text = f"{text} en {rng.choice(self.places)}"
            elif r < 0.25:
                text = f"trabajé como {text}"
            elif r < 0.35:
                text = _fold_keep_spaces(text)
            months = rng.choice((3, 6, 8, 12, 18, 24, 36, 48, 60))
            start = end - dt.timedelta(days=months * 30)
            kind = self.pick_kind(rng)
            employer = ""
            if kind == "formal":
                employer = rng.choice(names.COMPANY_PATTERNS).format(
                    s=rng.choice(names.SURNAMES), s2=rng.choice(names.SURNAMES), p=rng.choice(names.COMPANY_PLACE_WORDS))
            country = "VE" if p["_migrant"] and (i == n_exp - 1 or start < p["arrival_date"]) else "CO"
            experiences.append((pk, occ[0], text[:300], employer[:200], country, start, end, months, kind))
            end = start - dt.timedelta(days=rng.randrange(10, 200))
        if main is not None:
            ess = self.essential.get(main[0], ())
            if ess:
                k = min(len(ess), rng.randrange(2, 7))
                for skill in rng.sample(ess, k):
                    skills.append((pk, skill, self.pick_skill_level(rng), False))
            desired.append((pk, main[0]))
            if rng.random() < 0.4:
                other = self.pick_occ(rng)
                if other[0] != main[0]:
                    desired.append((pk, other[0]))
        elif rng.random() < 0.7:
            desired.append((pk, self.pick_occ(rng)[0]))
        if rng.random() < 0.95:
            day = self.today - dt.timedelta(days=rng.randrange(0, 730))
            consents.append((pk, "employment_services", timezone.make_aware(dt.datetime.combine(day, dt.time(12))),
                             self.pick_channel(rng), "v1", None))


def _fold_keep_spaces(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.replace("ñ", "\x00"))
    return "".join(c for c in text if not unicodedata.combining(c)).replace("\x00", "ñ")


def _tune_sqlite() -> None:
    """A bigger page cache for this connection: index maintenance of large inserts stays in memory."""
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -131072")  # 128 MB


PERSON_FIELDS = (
    "id", "document_type", "document_number", "first_names", "last_names", "birth_date", "sex", "gender_identity",
    "nationality", "phone", "whatsapp", "email", "address", "municipality_id", "education_level_id", "status",
    "availability", "expected_wage", "willing_to_relocate", "interests", "languages", "migration_status",
    "arrival_date", "household_size", "disability", "disability_type", "ethnicity", "conflict_victim", "barriers",
    "name_key", "organization_id", "registered_at", "updated_at", "max_hours_per_week",
)
# Most people can work a full week; some only part time (derived from the id so the random stream is unchanged).
_DEMO_HOURS = (None, 48, 48, 48, 48, 48, 44, 36, 24, 20)


def _generate_people(n, *, rng, seed, today, munis, muni_weights, org_id, bar, pool_data) -> int:
    from siee.lib.text import fold
    from siee.people.models import Consent, Experience, Person, PersonSkill
    from siee.taxonomy.models import EducationLevel

    if n <= 0:
        return 0
    pool, pool_weights, essential, _optional = pool_data
    levels = list(EducationLevel.objects.order_by("rank").values_list("id", flat=True))
    offset = Person.objects.count()
    gen = _PeopleGenerator(rng, seed, today, munis, muni_weights, pool, pool_weights, essential, levels, offset)
    through = Person.desired_occupations.through
    folded: dict[str, str] = {}

    def fold_cached(text: str) -> str:
        value = folded.get(text)
        if value is None:
            if len(folded) > 200_000:
                folded.clear()
            value = folded[text] = fold(text)
        return value

    _tune_sqlite()
    migrants = 0
    done = 0
    bump = 0
    while done < n:
        size = min(CHUNK, n - done)
        people = [gen.person(offset + done + i) for i in range(size)]
        # numbers derived from another seed or loaded by hand may already exist: move those aside
        existing = set(Person.objects.filter(document_number__in=[p["document_number"] for p in people])
                       .values_list("document_type", "document_number"))
        if existing:
            for p in people:
                while (p["document_type"], p["document_number"]) in existing:
                    bump += 1
                    p["document_number"] = str(int(p["document_number"]) + 7 * bump)
                    existing |= set(Person.objects.filter(document_type=p["document_type"],
                                                          document_number=p["document_number"])
                                    .values_list("document_type", "document_number"))
        with transaction.atomic():
            ids = allocate_ids(Person, size)
            now = timezone.now()
            rows, experiences, skills, desired, consents = [], [], [], [], []
            for pk, p in zip(ids, people, strict=True):
                migrants += p["_migrant"]
                rows.append((pk, *[p[f] for f in PERSON_FIELDS[1:29]],
                             f"{fold_cached(p['first_names'])} {fold_cached(p['last_names'])}", org_id, now, now,
                             _DEMO_HOURS[(pk * 2654435761) % 10]))
                gen.profile(pk, p, experiences, skills, desired, consents)
            insert_rows(Person, PERSON_FIELDS, rows)
            insert_rows(Experience, ("person_id", "occupation_id", "description", "employer_name", "country",
                                     "start_date", "end_date", "months", "kind"), experiences)
            insert_rows(PersonSkill, ("person_id", "skill_id", "level", "certified"), skills)
            insert_rows(through, ("person_id", "occupation_id"), desired)
            insert_rows(Consent, ("person_id", "purpose", "granted_at", "channel", "text_version", "recorded_by_id"),
                        consents)
        done += size
        if bar is not None:
            bar.update(size)
    reset_sequences(Person)
    return migrants


def _generate_employers_and_vacancies(n_vac, *, rng, seed, today, munis, muni_weights, org_id, bar,
                                      pool_data) -> tuple[int, int]:
    from siee.employers.models import Employer, Vacancy, VacancySkill
    from siee.taxonomy.models import EducationLevel, Sector

    if n_vac <= 0:
        return 0, 0
    n_emp = max(1, round(n_vac / 3))
    pool, pool_weights, essential, optional = pool_data
    pick_occ = _picker(pool, pool_weights)
    pick_muni = _picker([m[0] for m in munis], muni_weights)
    sectors = dict(Sector.objects.filter(level=2).values_list("code", "id"))
    sector_items = [sectors[c] for c in names.SECTOR_WEIGHTS if c in sectors] or list(sectors.values()) or [None]
    sector_w = [names.SECTOR_WEIGHTS[c] for c in names.SECTOR_WEIGHTS if c in sectors] or [1] * len(sector_items)
    pick_sector = _picker(sector_items, sector_w)
    pick_size = _picker(("micro", "small", "medium", "large"), (50, 30, 15, 5))
    levels = list(EducationLevel.objects.order_by("rank").values_list("id", flat=True))
    low_levels = levels[:6] if levels else [None]
    pick_level = _picker(low_levels + [None], [1] * len(low_levels) + [2])
    pick_contract = _picker(("fixed", "indefinite", "work", "services", "temporary", "apprenticeship"), (35, 30, 15, 10, 7, 3))
    pick_status = _picker(("open", "filled", "closed", "draft"), (80, 8, 7, 5))
    pick_wage = _picker((1.0, 1.1, 1.25, 1.5, 2.0, 2.5, 3.5), (45, 12, 12, 12, 10, 6, 3))
    pick_posts = _picker((1, 2, 3, 5, 10), (60, 20, 10, 7, 3))

    emp_offset = Employer.objects.count()
    employers = []
    taken = set(Employer.objects.filter(country="CO").values_list("tax_id", flat=True)) if emp_offset < 200_000 else set()
    for i in range(n_emp):
        g = emp_offset + i
        base = 800_000_000 + _perm(g, 7_927, 199_999_991, seed)
        number = str(base)
        tax_id = f"{number}-{nit_check_digit(number)}"
        while tax_id in taken:
            base += 1
            number = str(base)
            tax_id = f"{number}-{nit_check_digit(number)}"
        taken.add(tax_id)
        name = rng.choice(names.COMPANY_PATTERNS).format(s=rng.choice(names.SURNAMES), s2=rng.choice(names.SURNAMES),
                                                          p=rng.choice(names.COMPANY_PLACE_WORDS))
        slug = _ascii(name.split(" S.A")[0].split(" Ltda")[0])[:20].replace("&", "y").replace(".", "")
        contact = f"{rng.choice(names.FEMALE_CO + names.MALE_CO)} {rng.choice(names.SURNAMES)}"
        employers.append(Employer(
            name=name[:200], tax_id=tax_id, country="CO", sector_id=pick_sector(rng), size=pick_size(rng),
            contact_name=contact, phone=f"607{rng.randrange(6_000_000, 7_000_000)}",
            email=f"talento.humano@{slug}.com.co", address=f"{rng.choice(names.STREET_KINDS)} {rng.randrange(1, 120)} # "
            f"{rng.randrange(1, 99)}-{rng.randrange(1, 99)}", municipality_id=pick_muni(rng), organization_id=org_id,
        ))
    vac_offset = Vacancy.objects.count()
    with transaction.atomic():
        Employer.objects.bulk_create(employers, batch_size=1000)
        if any(e.pk is None for e in employers):
            ids = dict(Employer.objects.filter(tax_id__in=[e.tax_id for e in employers]).values_list("tax_id", "id"))
            for e in employers:
                e.pk = e.id = ids[e.tax_id]
        existing_codes = set(Vacancy.objects.filter(code__startswith=f"DEMO-{seed}-").values_list("code", flat=True))
        vac_ids = allocate_ids(Vacancy, n_vac)
        now = timezone.now()
        vacancies, links = [], []
        for i, pk in enumerate(vac_ids):
            g = vac_offset + i
            code = f"DEMO-{seed}-{g + 1:06d}"
            while code in existing_codes:
                g += n_vac
                code = f"DEMO-{seed}-{g + 1:06d}"
            existing_codes.add(code)
            # every employer has at least one vacancy
            employer = employers[i] if i < n_emp else employers[rng.randrange(len(employers))]
            occ = pick_occ(rng)
            masc, fem = _forms(occ[2])
            title = masc[:1].upper() + masc[1:] if masc == fem else f"{masc[:1].upper()}{masc[1:]} / {fem}"
            if rng.random() < 0.2:
                title += rng.choice((" con experiencia", " - turno rotativo", " para temporada", " (medio tiempo)"))
            status = pick_status(rng)
            closing = (today + dt.timedelta(days=rng.randrange(7, 60)) if status in ("open", "draft")
                       else today - dt.timedelta(days=rng.randrange(1, 90)))
            wage_min = int(round(MINIMUM_WAGE_COP * pick_wage(rng) / 50_000) * 50_000)
            if wage_min < MINIMUM_WAGE_COP:
                wage_min = MINIMUM_WAGE_COP
            wage_max = None if rng.random() < 0.4 else int(round(wage_min * rng.choice((1.0, 1.15, 1.3, 1.5)) / 50_000) * 50_000)
            if wage_max is not None and wage_max < wage_min:
                wage_max = wage_min
            contract = pick_contract(rng)
            hours = rng.choice((46, 46, 46, 44, 48, 36, 24)) if contract != "services" else 40
            description = (f"{employer.name} busca {title.lower()} en el área metropolitana. "
                           f"Contrato {dict(fixed='a término fijo', indefinite='a término indefinido', work='por obra o labor', services='de prestación de servicios', temporary='temporal', apprenticeship='de aprendizaje')[contract]}, "
                           f"{hours} horas semanales. Enviar hoja de vida o acercarse a la agencia de empleo.")
            vacancies.append(Vacancy(
                id=pk, code=code, employer_id=employer.pk, title=title[:200], occupation_id=occ[0], description=description,
                education_level_id=pick_level(rng), experience_months=rng.choice((0, 0, 6, 6, 12, 12, 24, 36)),
                wage_min=wage_min, wage_max=wage_max, currency="COP", contract_type=contract, hours_per_week=hours,
                posts=pick_posts(rng), municipality_id=employer.municipality_id, closing_date=closing, status=status,
                open_to_migrants=rng.random() < 0.9, open_to_disability=rng.random() < 0.85, published=status != "draft",
                organization_id=org_id, created_at=now, updated_at=now,
            ))
            ess = essential.get(occ[0], [])
            required = rng.sample(ess, min(len(ess), rng.randrange(3, 6))) if ess else []
            opt = [s for s in optional.get(occ[0], []) if s not in required]
            desired = rng.sample(opt, min(len(opt), rng.randrange(0, 3))) if opt else []
            links += [(pk, s, True) for s in required] + [(pk, s, False) for s in desired]
        Vacancy.objects.bulk_create(vacancies, batch_size=1000)
        insert_rows(VacancySkill, ("vacancy_id", "skill_id", "required"), links)
    reset_sequences(Vacancy)
    if bar is not None:
        bar.update(n_vac)
    return n_emp, n_vac


def generate_demo(*, people: int, vacancies: int, seed: int, territory: str | None = None,
                  progress: bool = False, history: bool = False, history_intensity: float | None = None) -> dict:
    """Add a reproducible demo population. Returns counts: people, migrants, employers, vacancies, seconds.
    `history_intensity` multiplies the candidates per vacancy of the intermediation history (default 1, or the
    environment variable SIEE_DEMO_HISTORY_INTENSITY; see siee.intermediation.demo)."""
    from siee.core.services import demo_agency

    started = time.perf_counter()
    munis, weights, label = resolve_territory(territory)
    org = demo_agency()
    today = timezone.localdate()
    pool_data = _occupation_pool() if people or vacancies else None
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=people + vacancies, desc="demo", unit=" registros", disable=None, mininterval=0.5)
    try:
        migrants = _generate_people(people, rng=FastRandom(seed * 2 + 1), seed=seed, today=today, munis=munis,
                                    muni_weights=weights, org_id=org.pk, bar=bar, pool_data=pool_data)
        n_emp, n_vac = _generate_employers_and_vacancies(vacancies, rng=FastRandom(seed * 2 + 2), seed=seed,
                                                         today=today, munis=munis, muni_weights=weights,
                                                         org_id=org.pk, bar=bar, pool_data=pool_data)
    finally:
        if bar is not None:
            bar.close()
    from siee.core import audit
    from siee.core.models import AuditAction

    history_stats = _intermediation_history(seed, progress, history_intensity) if history else None
    extras = _demo_extras(seed, progress) if history else {}
    stats = {"people": people, "migrants": migrants, "employers": n_emp, "vacancies": n_vac, "territory": label,
             "organization": org.name, "seed": seed, "seconds": time.perf_counter() - started}
    if history_stats is not None:
        stats["history"] = history_stats
    if extras:
        stats["extras"] = extras
    audit.record(actor=None, action=AuditAction.CREATE, object_type="demo", detail={
        k: v for k, v in stats.items() if k != "seconds"})
    return stats


# Domain apps that add their own demo data after people, vacancies and the intermediation history exist. Each
# module exposes `generate(*, seed: int, progress: bool) -> dict` (counts to print). Order matters: enterprise
# (procurement needs) before training (gaps read them), observatory last (it aggregates everything).
DEMO_EXTRAS = ["siee.enterprise.demo", "siee.training.demo", "siee.observatory.demo"]


def _demo_extras(seed: int, progress: bool) -> dict:
    import importlib

    results = {}
    for name in DEMO_EXTRAS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue  # that app has no demo data (yet)
            raise
        result = module.generate(seed=seed, progress=progress) or {}
        results[name.split(".")[1]] = {k: v for k, v in result.items() if k != "seconds"}
    return results


def _intermediation_history(seed: int, progress: bool, intensity: float | None = None) -> dict | None:
    """Applications, referrals, feedback, placements and follow-ups over the last 24 months (issue 3). Guarded:
    the people, employers and vacancies above are already saved, and a failure here never breaks the demo."""
    import logging

    try:
        from siee.intermediation.demo import generate_history

        result = generate_history(seed=seed, progress=progress, intensity=intensity)
    except Exception as exc:  # noqa: BLE001 - an optional extra of the demo
        logging.getLogger(__name__).warning("demo history skipped: %s", exc)
        return None
    return {k: v for k, v in result.items() if k != "seconds"}
