"""Territorial scope of a user: the municipalities whose people and records they may see."""

from __future__ import annotations

from django.db.models import Q

from siee.core.models import Territory, TerritoryLevel


def territory_subtree_ids(territories) -> set[int]:
    """Ids of the given territories and all their descendants (and custom groups' members)."""
    ids: set[int] = set()
    query = Q(pk__in=[])
    for t in territories:
        if t.level == TerritoryLevel.GROUP:
            for m in t.members.all():
                query |= Q(path__startswith=m.path)
        else:
            query |= Q(path__startswith=t.path)
    if query:
        ids.update(Territory.objects.filter(query).values_list("pk", flat=True))
    return ids


def scope_territory_ids(user) -> set[int] | None:
    """None means unrestricted (system admin); an empty set means nothing."""
    if user is None or not user.is_authenticated:
        return set()
    if user.is_system_admin:
        return None
    cache = getattr(user, "_siee_scope_cache", None)
    if cache is not None:
        return cache
    if not user.organization_id:
        scope: set[int] = set()
    else:
        scope = territory_subtree_ids(user.organization.territories.all())
    user._siee_scope_cache = scope
    return scope


def user_territories(user):
    """Territories a user can choose from (their subtree), municipalities first."""
    scope = scope_territory_ids(user)
    qs = Territory.objects.filter(level__in=[TerritoryLevel.MUNICIPALITY, TerritoryLevel.DISTRICT])
    if scope is not None:
        qs = qs.filter(pk__in=scope)
    return qs.select_related("parent").order_by("name")


def find_territory(code: str, *, country: str | None = None) -> Territory | None:
    """Resolve 'CO-68001', '68001' (default country first) or an exact code."""
    from django.conf import settings

    code = (code or "").strip()
    if not code:
        return None
    if "-" in code and code[:2].isalpha():
        country, code = code[:2].upper(), code[3:]
    qs = Territory.objects.filter(code=code)
    if country:
        return qs.filter(country=country).first()
    found = list(qs[:5])
    if not found:
        return None
    for t in found:
        if t.country == settings.DEFAULT_COUNTRY:
            return t
    return found[0]
