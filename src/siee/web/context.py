"""Template context shared by every page: the acting user and the navigation their role allows."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from siee.core.models import Role

# (url name, label, who sees it). Order is the menu order.
_NAV = [
    ("home", _("Inicio"), "authenticated"),
    ("people:list", _("Personas"), "personal_data"),
    ("people:create", _("Registrar persona"), "personal_data"),
    ("employers:list", _("Empleadores"), "personal_data"),
    ("employers:vacancies", _("Vacantes"), "personal_data"),
    ("web:import", _("Importar"), "personal_data"),
    ("intermediation:follow_ups", _("Seguimientos"), "personal_data"),
    ("training:courses", pgettext_lazy("training", "Formación"), "personal_data"),
    ("enterprise:initiatives", _("Emprendimiento"), "personal_data"),
    ("people:me", _("Mi perfil"), "job_seeker"),
    ("employers:mine", _("Mis vacantes"), "employer"),
    ("employers:public_list", _("Ofertas de empleo"), "public_offers"),
    ("training:public_courses", _("Cursos"), "public_offers"),
    ("enterprise:catalog", _("Catálogo"), "public_offers"),
    ("observatory:public_index", _("Observatorio"), "public_observatory"),
    ("observatory:dashboard", _("Observatorio"), "observatory"),
    ("intermediation:fairness", _("Equidad"), "aggregates"),
    ("matching:weights", _("Pesos"), "agency_admin"),
    ("accounts:staff", _("Equipo"), "agency_admin"),
    ("core:audit", _("Auditoría"), "agency_admin"),
]


def _allowed(user, who: str) -> bool:
    if who == "anyone":
        return True
    if user is None:
        return who in ("public_offers", "public_observatory")
    if who == "authenticated":
        return True
    if who == "personal_data":
        return user.can_read_personal_data
    if who == "aggregates":
        return user.is_agency_admin or user.role == Role.ANALYST
    if who == "observatory":  # aggregates: staff and analysts
        return user.can_read_personal_data or user.role == Role.ANALYST
    if who == "agency_admin":
        return user.is_agency_admin
    if who == "job_seeker":
        return user.role == Role.JOB_SEEKER
    if who == "employer":
        return user.role == Role.EMPLOYER
    if who == "public_offers":
        return not user.can_read_personal_data
    if who == "public_observatory":  # those without the staff dashboard (one "Observatorio" entry per menu)
        return not (user.can_read_personal_data or user.role == Role.ANALYST)
    return False


def nav_items(user, path: str = "") -> list[dict]:
    items = []
    for name, label, who in _NAV:
        if not _allowed(user, who):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:  # a page not built yet
            continue
        active = path == url if url == "/" else path.startswith(url)
        items.append({"url": url, "label": label, "active": active})
    # Only the most specific matching item is marked current.
    actives = [i for i in items if i["active"]]
    if len(actives) > 1:
        best = max(actives, key=lambda i: len(i["url"]))
        for i in actives:
            i["active"] = i is best
    return items


def navigation(request):
    user = getattr(request, "user", None)
    user = user if user is not None and user.is_authenticated else None
    return {
        "siee_user": user,
        "siee_nav": nav_items(user, getattr(request, "path", "")),
        "siee_role_label": user.get_role_display() if user is not None else "",
    }
