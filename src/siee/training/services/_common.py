"""Helpers shared by the training services: argument parsing, scope checks, timeline events."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from siee.core.errors import ValidationFailed
from siee.core.selectors import find_territory, scope_territory_ids
from siee.lib import parse
from siee.people.models import PersonEvent
from siee.taxonomy.models import Skill


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def _person_event(person, kind: str, actor, **params) -> None:
    """A PersonEvent on the person's timeline (it also tells the matching index to re-read the person)."""
    PersonEvent.objects.create(person=person, kind=kind, actor=_user(actor), params=params)


def _date(value, field: str, *, required: bool = True) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        day = parse.parse_date(value)
    except ValueError as exc:
        raise ValidationFailed(f"{exc}", field=field) from None
    if day is None and required:
        raise ValidationFailed(_("La fecha es obligatoria."), field=field)
    return day


def _int(value, field: str, *, minimum: int = 0, maximum: int = 1_000_000_000, default=None) -> int:
    if value in (None, "") and default is not None:
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(_("Debe ser un número entero."), field=field) from None
    if not minimum <= number <= maximum:
        raise ValidationFailed(_("Debe estar entre %(a)d y %(b)d.") % {"a": minimum, "b": maximum}, field=field)
    return number


def _resolve_skills(values) -> list[Skill]:
    """Skills by id, URI or starter code (slug); unknown ones are an error naming them."""
    from siee.training.gaps import SKILL_URN

    found, unknown = [], []
    for v in values or []:
        text = str(v).strip()
        if not text:
            continue
        skill = None
        if text.isdigit():
            skill = Skill.objects.filter(pk=int(text)).first()
        if skill is None:
            skill = Skill.objects.filter(uri__in=[text, SKILL_URN + text]).first()
        if skill is None:
            unknown.append(text)
        elif skill not in found:
            found.append(skill)
    if unknown:
        raise ValidationFailed(_("Habilidades desconocidas: %(s)s.") % {"s": ", ".join(unknown)}, field="skills")
    return found


def _check_territory_in_scope(actor, territory) -> None:
    scope = scope_territory_ids(actor)
    if scope is not None and territory.pk not in scope:
        raise ValidationFailed(_("El municipio %(t)s está fuera de los territorios de su organización.") % {
            "t": territory.code}, field="territory")


def _territory(code_or_obj, field: str = "territory"):
    if hasattr(code_or_obj, "pk"):
        return code_or_obj
    territory = find_territory(str(code_or_obj or ""))
    if territory is None:
        raise ValidationFailed(_("Territorio desconocido: %(c)s.") % {"c": code_or_obj}, field=field)
    return territory
