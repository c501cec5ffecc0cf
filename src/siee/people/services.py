"""Services for people: the only code that writes Person and its profile. Every write is audited."""

from __future__ import annotations

import datetime as dt
import functools

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rapidfuzz import fuzz

from siee.core import audit
from siee.core.errors import ErrorCode, PermissionDenied, ValidationFailed
from siee.core.models import AuditAction
from siee.core.selectors import scope_territory_ids
from siee.core.validation import ReferenceMaps
from siee.lib import parse
from siee.people.models import (
    Consent,
    Education,
    Experience,
    ExperienceKind,
    Person,
    PersonEvent,
    PersonSkill,
    PersonStatus,
    SkillLevel,
)
from siee.people.selectors import get_person_for
from siee.people.validation import PERSON_MODEL_FIELDS, clean_person, name_key
from siee.taxonomy.models import EducationLevel, Occupation, Skill


def _require_writer(actor) -> None:
    if actor is not None and not actor.can_read_personal_data:
        raise PermissionDenied(_("Su rol no permite registrar ni modificar personas."))


def _errors_to_exception(errors: list[tuple[str, str]]) -> ValidationFailed:
    grouped: dict[str, list[str]] = {}
    for field, reason in errors:
        grouped.setdefault(field, []).append(reason)
    first_field, first_reason = errors[0]
    return ValidationFailed(f"{first_field}: {first_reason}", field=first_field, errors=grouped)


def _event(person, kind, actor, **params):
    PersonEvent.objects.create(person=person, kind=kind, actor=actor if getattr(actor, "pk", None) else None, params=params)


def _scope_first(*id_params: str):
    """`transaction.atomic`, but the actor's scope on the person ids is checked *before* the transaction opens,
    so that the "denied" audit entry of an out-of-scope attempt is not rolled back with the refused write."""

    def decorate(fn):
        atomic_fn = transaction.atomic(fn)

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            for name in id_params:
                if name in kwargs:
                    get_person_for(kwargs.get("actor"), kwargs[name])
            return atomic_fn(*args, **kwargs)

        return wrapper

    return decorate


@transaction.atomic
def register_person(*, actor, data: dict, consent: dict | None = None, require_consent: bool = True) -> Person:
    """Register a person. `data` uses the import column names (municipality_code, education_level, ...).

    `consent` = {"purpose", "channel", "text_version"} records habeas-data authorization; it is required
    unless require_consent=False (bulk imports record it from the consent_date column).
    """
    _require_writer(actor)
    scope = scope_territory_ids(actor) if actor is not None else None
    maps = ReferenceMaps.load(scope=scope)
    cleaned, errors = clean_person(data, maps)
    if require_consent and not consent and not cleaned.get("consent_date"):
        errors.append(("consent", _("Debe registrarse la autorización de tratamiento de datos (habeas data).")))
    if errors:
        raise _errors_to_exception(errors)
    existing = Person.objects.filter(document_type=cleaned["document_type"], document_number=cleaned["document_number"]).first()
    if existing:
        raise ValidationFailed(
            _("Ya existe una persona con ese documento (registro %(id)s).") % {"id": existing.pk},
            field="document_number", code=ErrorCode.DUPLICATE,
        )
    person = Person(**{k: cleaned[k] for k in PERSON_MODEL_FIELDS})
    person.name_key = name_key(person.first_names, person.last_names)
    person.organization = getattr(actor, "organization", None)
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        raise ValidationFailed(_("Ya existe una persona con ese documento."), field="document_number", code=ErrorCode.DUPLICATE) from None
    if cleaned.get("desired_occupation_ids"):
        person.desired_occupations.set(cleaned["desired_occupation_ids"])
    if consent or cleaned.get("consent_date"):
        consent = consent or {}
        granted = cleaned.get("consent_date")
        Consent.objects.create(
            person=person, purpose=consent.get("purpose", "employment_services"),
            granted_at=timezone.make_aware(dt.datetime.combine(granted, dt.time(12))) if granted else timezone.now(),
            channel=consent.get("channel", cleaned.get("consent_channel") or "in_person"),
            text_version=consent.get("text_version", cleaned.get("consent_version") or "v1"),
            recorded_by=actor if getattr(actor, "pk", None) else None,
        )
    _event(person, "registered", actor)
    audit.record(actor=actor, action=AuditAction.CREATE, obj=person, fields=[k for k in PERSON_MODEL_FIELDS if cleaned.get(k) not in (None, "", [], False)])
    return person


@_scope_first("person_id")
def update_person(*, actor, person_id, data: dict) -> Person:
    person = get_person_for(actor, person_id)
    _require_writer(actor)
    sensitive_touched = set(data) & set(Person.SENSITIVE_FIELDS)
    if sensitive_touched and actor is not None and not actor.can_read_sensitive_data and person.user_id != actor.pk:
        raise PermissionDenied(_("Su rol no permite modificar datos sensibles."))
    maps = ReferenceMaps.load(scope=scope_territory_ids(actor) if actor is not None else None)
    cleaned, errors = clean_person(data, maps, partial=True)
    if errors:
        raise _errors_to_exception(errors)
    changed = []
    for key in PERSON_MODEL_FIELDS:
        if key in cleaned and getattr(person, key) != cleaned[key]:
            setattr(person, key, cleaned[key])
            changed.append(key)
    if "document_number" in changed or "document_type" in changed:
        clash = Person.objects.filter(document_type=person.document_type, document_number=person.document_number).exclude(pk=person.pk)
        if clash.exists():
            raise ValidationFailed(_("Ya existe una persona con ese documento."), field="document_number", code=ErrorCode.DUPLICATE)
    person.name_key = name_key(person.first_names, person.last_names)
    person.save()
    if "desired_occupation_ids" in cleaned and "desired_occupations" in data:
        person.desired_occupations.set(cleaned["desired_occupation_ids"])
        changed.append("desired_occupations")
    _event(person, "updated", actor, fields=changed)
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=person, fields=changed)
    return person


@_scope_first("person_id")
def record_consent(*, actor, person_id, purpose: str = "employment_services", channel: str = "in_person",
                   text_version: str = "v1") -> Consent:
    person = get_person_for(actor, person_id)
    consent = Consent.objects.create(person=person, purpose=purpose, granted_at=timezone.now(), channel=channel,
                                     text_version=text_version, recorded_by=actor if getattr(actor, "pk", None) else None)
    _event(person, "consent_granted", actor, purpose=purpose, channel=channel, version=text_version)
    audit.record(actor=actor, action=AuditAction.CREATE, obj=consent, fields=["purpose", "channel", "text_version"])
    return consent


@_scope_first("person_id")
def revoke_consent(*, actor, person_id) -> int:
    person = get_person_for(actor, person_id)
    n = person.consents.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    _event(person, "consent_revoked", actor)
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=person, fields=["consent"])
    return n


@_scope_first("person_id")
def add_experience(*, actor, person_id, description: str, occupation_id=None, employer_name: str = "",
                   start_date=None, end_date=None, months=None, kind: str = ExperienceKind.FORMAL,
                   country: str = "CO") -> Experience:
    person = get_person_for(actor, person_id)
    if actor is not None and actor.role != "job_seeker":
        _require_writer(actor)
    errors = {}
    description = (description or "").strip()
    if not description:
        errors["description"] = [_("Describa el cargo u oficio.")]
    occupation = None
    if occupation_id not in (None, ""):
        occupation = Occupation.objects.filter(pk=occupation_id).first()
        if occupation is None:
            errors["occupation"] = [_("Ocupación desconocida.")]
    try:
        start = parse.parse_date(start_date)
        end = parse.parse_date(end_date)
        if start and start > dt.date.today():
            errors["start_date"] = [_("La fecha de inicio está en el futuro.")]
        if start and end and end < start:
            errors["end_date"] = [_("La fecha de fin es anterior a la de inicio.")]
    except ValueError as exc:
        errors["start_date"] = [str(exc)]
        start = end = None
    try:
        months = parse.parse_int(months, minimum=0, maximum=720)
    except ValueError as exc:
        errors["months"] = [str(exc)]
    if kind not in ExperienceKind.values:
        errors["kind"] = [_("Tipo de experiencia desconocido.")]
    if errors:
        field = next(iter(errors))
        raise ValidationFailed(f"{field}: {errors[field][0]}", field=field, errors=errors)
    exp = Experience.objects.create(person=person, occupation=occupation, description=description[:300],
                                    employer_name=(employer_name or "")[:200], start_date=start, end_date=end,
                                    months=months, kind=kind, country=country or "CO")
    _event(person, "experience_added", actor, description=description, occupation=occupation.label if occupation else None)
    audit.record(actor=actor, action=AuditAction.CREATE, obj=exp, fields=["description", "occupation"], detail={"person": person.pk})
    return exp


@_scope_first("person_id")
def add_education(*, actor, person_id, level_code: str, title: str = "", institution: str = "", country: str = "CO",
                  year=None, recognized: bool = False) -> Education:
    person = get_person_for(actor, person_id)
    level = EducationLevel.objects.filter(code=level_code).first()
    if level is None:
        raise ValidationFailed(_("Nivel educativo desconocido: %(c)s") % {"c": level_code}, field="level")
    try:
        year = parse.parse_int(year, minimum=1940, maximum=dt.date.today().year + 1)
    except ValueError as exc:
        raise ValidationFailed(f"year: {exc}", field="year") from None
    edu = Education.objects.create(person=person, level=level, title=title[:200], institution=institution[:200],
                                   country=(country or "CO")[:2].upper(), year=year, recognized=bool(recognized))
    if person.education_level is None or person.education_level.rank < level.rank:
        person.education_level = level
        person.save(update_fields=["education_level", "updated_at"])
    _event(person, "education_added", actor, level=level.code, title=title)
    audit.record(actor=actor, action=AuditAction.CREATE, obj=edu, fields=["level", "title"], detail={"person": person.pk})
    return edu


@_scope_first("person_id")
def add_person_skill(*, actor, person_id, skill_id, level: str = SkillLevel.INTERMEDIATE, certified: bool = False) -> PersonSkill:
    person = get_person_for(actor, person_id)
    skill = Skill.objects.filter(pk=skill_id).first() if str(skill_id).isdigit() else Skill.objects.filter(uri=skill_id).first()
    if skill is None:
        raise ValidationFailed(_("Habilidad desconocida."), field="skill")
    if level not in SkillLevel.values:
        raise ValidationFailed(_("Nivel desconocido."), field="level")
    ps, created = PersonSkill.objects.update_or_create(person=person, skill=skill, defaults={"level": level, "certified": certified})
    _event(person, "skill_added", actor, skill=skill.label, level=level)
    audit.record(actor=actor, action=AuditAction.CREATE if created else AuditAction.UPDATE, obj=ps, fields=["skill", "level"], detail={"person": person.pk})
    return ps


@_scope_first("person_id")
def set_desired_occupations(*, actor, person_id, occupation_ids: list) -> Person:
    person = get_person_for(actor, person_id)
    found = list(Occupation.objects.filter(pk__in=occupation_ids).values_list("pk", flat=True))
    missing = set(map(int, occupation_ids)) - set(found)
    if missing:
        raise ValidationFailed(_("Ocupaciones desconocidas: %(ids)s") % {"ids": sorted(missing)}, field="desired_occupations")
    person.desired_occupations.set(found)
    _event(person, "desired_occupations_set", actor, ids=found)
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=person, fields=["desired_occupations"])
    return person


# --- duplicates ---------------------------------------------------------------------------------------

def find_duplicates(*, actor, data: dict | None = None, person: Person | None = None, limit: int = 10) -> list[dict]:
    """Candidate duplicates: same document, or probable same person (similar name and same birth date,
    or similar name and same phone). Returns [{"person", "score", "reasons"}], best first, scoped."""
    from siee.people.selectors import people_for

    if person is not None:
        data = {"document_type": person.document_type, "document_number": person.document_number,
                "first_names": person.first_names, "last_names": person.last_names,
                "birth_date": person.birth_date, "phone": person.phone}
    data = data or {}
    try:
        birth = parse.parse_date(data.get("birth_date"))
    except ValueError:
        birth = None
    key = name_key(data.get("first_names") or "", data.get("last_names") or "")
    phone = "".join(ch for ch in str(data.get("phone") or "") if ch.isdigit())[-10:]
    number = str(data.get("document_number") or "").replace(".", "").strip()
    qs = people_for(actor)
    if person is not None:
        qs = qs.exclude(pk=person.pk)
    from django.db.models import Q

    cond = Q(pk__in=[])
    if number:
        cond |= Q(document_number=number)
    if birth:
        cond |= Q(birth_date=birth)
    if phone and len(phone) >= 7:
        # Stored numbers keep their formatting ("+57 300 765 4321"): prefilter on the last four digits and
        # compare the digits below.
        cond |= Q(phone__endswith=phone[-4:]) | Q(whatsapp__endswith=phone[-4:])
    results = []
    for cand in qs.filter(cond)[:500]:
        reasons = []
        score = 0.0
        similarity = fuzz.token_sort_ratio(key, cand.name_key) / 100 if key else 0.0
        if number and cand.document_number == number:
            reasons.append(_("mismo número de documento"))
            score = max(score, 1.0 if cand.document_type == data.get("document_type") else 0.9)
        if birth and cand.birth_date == birth and similarity >= 0.8:
            reasons.append(_("nombre parecido (%(p)d%%) y misma fecha de nacimiento") % {"p": similarity * 100})
            score = max(score, 0.5 + similarity / 2)
        cand_phones = {"".join(ch for ch in (value or "") if ch.isdigit())[-10:] for value in (cand.phone, cand.whatsapp)}
        if phone and len(phone) >= 7 and phone in cand_phones and similarity >= 0.7:
            reasons.append(_("mismo teléfono y nombre parecido"))
            score = max(score, 0.4 + similarity / 2)
        if reasons:
            results.append({"person": cand, "score": round(min(score, 1.0), 3), "reasons": reasons})
    results.sort(key=lambda r: -r["score"])
    return results[:limit]


@_scope_first("keep_id", "merge_id")
def merge_people(*, actor, keep_id, merge_id) -> Person:
    """Merge `merge_id` into `keep_id` without losing history: profile rows, consents and events move,
    blank fields of the kept record are filled, and the merged record stays as a tombstone."""
    if actor is not None and not actor.can_read_sensitive_data:
        raise PermissionDenied(_("Su rol no permite fusionar registros."))
    keep = get_person_for(actor, keep_id)
    other = get_person_for(actor, merge_id)
    if keep.pk == other.pk:
        raise ValidationFailed(_("No se puede fusionar un registro consigo mismo."), field="merge_id")
    if other.status == PersonStatus.MERGED:
        raise ValidationFailed(_("Ese registro ya fue fusionado."), field="merge_id")
    filled = []
    for field in PERSON_MODEL_FIELDS:
        if field in ("document_type", "document_number", "status"):
            continue
        if getattr(keep, field) in (None, "", []) and getattr(other, field) not in (None, "", []):
            setattr(keep, field, getattr(other, field))
            filled.append(field)
    keep.save()
    Experience.objects.filter(person=other).update(person=keep)
    Education.objects.filter(person=other).update(person=keep)
    Consent.objects.filter(person=other).update(person=keep)
    PersonEvent.objects.filter(person=other).update(person=keep)
    for ps in PersonSkill.objects.filter(person=other):
        if not PersonSkill.objects.filter(person=keep, skill=ps.skill).exists():
            ps.person = keep
            ps.save(update_fields=["person"])
    keep.desired_occupations.add(*other.desired_occupations.all())
    from django.apps import apps

    if apps.is_installed("siee.enterprise"):  # initiatives (owner, team), route referrals and fairs follow the person
        from siee.enterprise.services import move_person_records

        move_person_records(actor=actor, keep=keep, merged=other)
    other.status = PersonStatus.MERGED
    other.merged_into = keep
    other.save(update_fields=["status", "merged_into", "updated_at"])
    _event(keep, "merged", actor, merged_id=other.pk, merged_document=f"{other.document_type} {other.document_number}", filled=filled)
    audit.record(actor=actor, action=AuditAction.MERGE, obj=keep, fields=filled, detail={"merged_id": other.pk})
    return keep


@transaction.atomic
def register_self_service_person(*, username: str, password: str, data: dict, consent: dict | None) -> Person:
    """A job seeker (or migrant) creates their own account and profile. Consent is mandatory."""
    from siee.core.models import Role, User

    if not consent:
        raise ValidationFailed(_("Debe aceptar la autorización de tratamiento de datos."), field="consent")
    username = (username or "").strip()
    if not username or User.objects.filter(username__iexact=username).exists():
        raise ValidationFailed(_("Ese nombre de usuario no está disponible."), field="username")
    if len(password or "") < 8:
        raise ValidationFailed(_("La contraseña debe tener al menos 8 caracteres."), field="password")
    person = register_person(actor=None, data=data, consent={**consent, "channel": "self_service"})
    user = User(username=username, role=Role.JOB_SEEKER, email=person.email, first_name=person.first_names[:150],
                last_name=person.last_names[:150])
    user.set_password(password)
    user.save()
    person.user = user
    person.save(update_fields=["user", "updated_at"])
    _event(person, "self_service_account_created", user)
    return person


@transaction.atomic
def create_self_service_employer_account(*, username: str, password: str, employer_data: dict):
    """An employer creates their own account and company record."""
    from siee.core.models import Role, User
    from siee.employers.services import register_employer

    username = (username or "").strip()
    if not username or User.objects.filter(username__iexact=username).exists():
        raise ValidationFailed(_("Ese nombre de usuario no está disponible."), field="username")
    if len(password or "") < 8:
        raise ValidationFailed(_("La contraseña debe tener al menos 8 caracteres."), field="password")
    user = User(username=username, role=Role.EMPLOYER, email=str(employer_data.get("email") or ""))
    user.set_password(password)
    user.save()
    employer = register_employer(actor=user, data=employer_data)
    return user, employer
