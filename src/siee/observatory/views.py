"""Observatory pages: the staff/analyst dashboard with drill-down, indicator detail, the public observatory, the
analyst-defined indicator form and the bulletin download.

Thin: every figure comes from `siee.observatory.services` (aggregates only, disclosure control always on); charts
are server-side SVG (`charts`, `maps`). A territory outside the user's organization territories is a 404.
Filter changes are swapped with htmx (partial `_dashboard_results.html`), and every page works without JS.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from siee.core.models import Role, Territory, TerritoryLevel
from siee.core.selectors import find_territory
from siee.observatory import charts, maps
from siee.observatory.charts import period_label
from siee.observatory.disclosure import threshold_from_settings
from siee.observatory.forms import DashboardFilterForm, DefinitionForm, breakdown_label

# Headline indicators shown as KPI cards, in this order when the engine has them.
KPI_CODES = [
    "people_registered", "active_seekers", "vacancies_posted", "placements", "placement_rate",
    "median_time_to_fill", "posts_offered", "referrals_per_placement",
]
MAX_KPIS = 6
SERIES_LENGTH = 8


def _services():
    from siee.observatory import services

    return services


def _periods():
    from siee.observatory import periods

    return periods


# --- who may see what ------------------------------------------------------------------------------------------

def can_view_dashboard(user) -> bool:
    """Staff who read personal data and analysts (aggregates only); self-service accounts never."""
    return bool(user and user.is_authenticated and (user.can_read_personal_data or user.role == Role.ANALYST))


def can_define_indicators(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_agency_admin or user.role == Role.ANALYST))


def _require_dashboard(user) -> None:
    if not can_view_dashboard(user):
        raise PermissionDenied(_("Su rol no permite ver el observatorio interno; consulte el observatorio público."))


def _root_territories(user) -> list[Territory]:
    if user.is_system_admin:
        roots = list(Territory.objects.filter(country=settings.DEFAULT_COUNTRY, level=TerritoryLevel.COUNTRY))
        roots += list(Territory.objects.filter(country=settings.DEFAULT_COUNTRY, level=TerritoryLevel.REGION)
                      .order_by("name"))
        return roots
    if not user.organization_id:
        return []
    return list(user.organization.territories.order_by("level", "code"))


def ref(territory) -> str:
    """How a territory is named in URLs: its official code, prefixed by the country outside the default one."""
    return ref_code(territory.country, territory.code)


def ref_code(country: str, code: str) -> str:
    return str(code) if country == settings.DEFAULT_COUNTRY else f"{country}-{code}"


def _in_scope(user, territory: Territory) -> bool:
    return _services().territory_in_scope(user, territory)


def _territory_or_404(user, code: str | None) -> Territory:
    """The requested territory (default: the organization's first) if inside the user's scope, else 404."""
    if not code:
        roots = _root_territories(user)
        if not roots:
            raise Http404(_("Su organización no tiene territorios asignados."))
        return roots[0]
    territory = find_territory(code)
    if territory is None or not _in_scope(user, territory):
        raise Http404(_("Territorio no encontrado."))
    return territory


def _territory_choices(user, current: Territory) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    roots = _root_territories(user)
    for t in roots:
        seen.setdefault(ref(t), t.display_name())
        if t.level in (TerritoryLevel.COUNTRY,) and not user.is_system_admin:
            continue
        if t.level == TerritoryLevel.REGION and len(roots) <= 3:
            for child in t.children.order_by("name"):
                seen.setdefault(ref(child), f"— {child.display_name()}")
    if ref(current) not in seen:
        if current.parent_id and ref(current.parent) not in seen and _in_scope(user, current.parent):
            seen[ref(current.parent)] = current.parent.display_name()
        seen[ref(current)] = current.display_name()
    for child in current.children.order_by("name"):
        seen.setdefault(ref(child), f"— {child.display_name()}")
    return list(seen.items())


# --- periods ---------------------------------------------------------------------------------------------------

def _period_or_default(text: str | None):
    periods = _periods()
    if text:
        try:
            return periods.parse_period(text)
        except ValueError:
            pass
    return periods.last_complete_quarter()


def _period_choices(current, *, quarters_only: bool = False) -> list[tuple[str, list[tuple[str, str]]] | tuple]:
    periods = _periods()
    today = dt.date.today()
    quarter = periods.current_quarter(today)
    quarters = [(p.label, period_label(p)) for p in reversed(periods.last_n(quarter, 9))]
    if quarters_only:
        choices = quarters
        if current.label not in dict(choices):
            choices = [(current.label, period_label(current))] + choices
        return choices
    month = periods.parse_period(f"{today.year}-{today.month:02d}")
    months = [(p.label, period_label(p)) for p in reversed(periods.last_n(month, 12))]
    year = periods.parse_period(str(today.year))
    years = [(p.label, period_label(p)) for p in reversed(periods.last_n(year, 4))]
    labels = {v for group in (quarters, months, years) for v, _label in group}
    groups = [(_("Trimestres"), quarters), (_("Meses"), months), (_("Años"), years)]
    if current.label not in labels:
        groups.insert(0, (_("Elegido"), [(current.label, period_label(current))]))
    return groups


# --- results shaped for templates ------------------------------------------------------------------------------

@dataclass
class Row:
    code: str
    name: str
    category: str
    unit: str
    kind: str
    text: str
    suppressed: bool
    note: str
    href: str
    description: str = ""
    change: str = ""
    extra: dict = field(default_factory=dict)


def _info_map(published_only: bool = False) -> dict:
    return {i.code: i for i in _services().available_indicators(published_only=published_only)}


def _change_text(current, previous) -> str:
    """'+1,2 puntos' for percentages, '+5,0 %' for other units, '' when not comparable."""
    if current is None or previous is None or current.suppressed or previous.suppressed:
        return ""
    if current.value is None or previous.value is None:
        return ""
    if current.unit == "%":
        diff = current.value - previous.value
        return _("%(sign)s%(v)s puntos") % {"sign": "+" if diff > 0 else "", "v": charts.format_number(diff, 1)}
    if not previous.value:
        return ""
    pct = (current.value - previous.value) / abs(previous.value) * 100
    return f"{'+' if pct > 0 else ''}{charts.format_number(pct, 1)} %"


def _split(results):
    totals, by = {}, {}
    for r in results:
        if r.breakdown:
            by[(r.code, r.breakdown)] = r
        else:
            totals[r.code] = r
    return totals, by


def _kpi_codes(totals: dict) -> list[str]:
    codes = [c for c in KPI_CODES if c in totals and totals[c].kind != "ranking"]
    for code, r in totals.items():
        if len(codes) >= MAX_KPIS:
            break
        if code not in codes and r.kind != "ranking":
            codes.append(code)
    return codes[:MAX_KPIS]


def _map_svg(result, *, territory, title: str, href_for) -> str:
    if result is None or not result.cells:
        return ""
    keys = [str(c.key) for c in result.cells]
    coords = {t.code: t for t in Territory.objects.filter(code__in=keys, country=territory.country)
              .only("code", "lat", "lon")}
    points = []
    for c in result.cells:
        t = coords.get(str(c.key))
        points.append(maps.MapPoint(code=str(c.key), label=str(c.label), lat=t.lat if t else None,
                                    lon=t.lon if t else None, value=None if c.suppressed else c.value,
                                    suppressed=bool(c.suppressed), href=href_for(c)))
    return maps.territory_map(points, title=title, unit=result.unit)


def _dashboard_context(request, *, territory, period, breakdown, selected, public: bool) -> dict:
    """Everything the dashboard (staff or public) shows for one territory and period."""
    services = _services()
    infos = _info_map(published_only=public)
    breakdowns = [b for b in dict.fromkeys([breakdown, "territory"]) if b]
    results = services.compute_all(territory=territory, period=period, breakdowns=breakdowns,
                                   published_only=public)
    totals, by = _split(results)
    base = {"periodo": period.label}

    def url_for(territory_code: str, **extra) -> str:
        params = {**base, **extra}
        if public:
            return reverse("observatory:public_territory", args=[territory_code]) + "?" + urlencode(params)
        return reverse("observatory:dashboard") + "?" + urlencode({"territorio": territory_code, **params})

    keep = {"desagregacion": breakdown, "indicador": selected} if not public else {}

    def drill(cell) -> str | None:
        return url_for(ref_code(territory.country, cell.key), **keep)

    def detail_url(code: str) -> str:
        if public:
            return url_for(ref(territory)) + f"#ind-{code}"
        return reverse("observatory:indicator", args=[code]) + "?" + urlencode(
            {"territorio": ref(territory), "periodo": period.label, "desagregacion": breakdown or ""})

    # KPI cards with the change against the previous period.
    kpis = []
    kpi_codes = _kpi_codes(totals)
    try:  # one computation for every card's previous period (one query per measure)
        before = {r.code: r for r in services.compute_all(territory=territory, period=period.previous(),
                                                          published_only=public, codes=kpi_codes)}
    except Exception:  # noqa: BLE001 - cards without a comparison are better than no page
        before = {}
    for code in kpi_codes:
        r = totals[code]
        prev = before.get(code)
        kpis.append({"code": code, "name": r.name, "text": charts.display_number(r.value, r.unit) if not r.suppressed
                     else charts.suppressed_label(), "unit": r.unit, "suppressed": r.suppressed,
                     "change": _change_text(r, prev), "href": detail_url(code), "note": r.note})

    if selected not in totals or totals[selected].kind == "ranking":
        kpi_codes = [k["code"] for k in kpis]
        selected = kpi_codes[0] if kpi_codes else next(iter(totals), "")
    sel = totals.get(selected)

    # Selected indicator by the chosen breakdown.
    breakdown_block = None
    if sel is not None and breakdown:
        res = by.get((selected, breakdown))
        title = _("%(name)s por %(dim)s") % {"name": sel.name, "dim": breakdown_label(breakdown).lower()}
        if res is None:
            breakdown_block = {"title": title, "svg": "", "rows": [], "note": _(
                "Este indicador no admite esta desagregación.")}
        else:
            data = charts.cells_to_data(res, href_for=drill if breakdown == "territory" else None)
            breakdown_block = {"title": title, "svg": mark_safe(charts.bar_chart(data, title=title, unit=res.unit)),
                               "rows": charts.table_rows(data, res.unit), "note": res.note, "unit": res.unit}
    # Map of the selected indicator over the sub-territories.
    map_block = None
    if sel is not None:
        res = by.get((selected, "territory"))
        if res is not None and len(res.cells) > 1:
            title = _("%(name)s por territorio") % {"name": sel.name}
            data = charts.cells_to_data(res, href_for=drill)
            map_block = {"title": title, "svg": mark_safe(_map_svg(res, territory=territory, title=title, href_for=drill)),
                         "rows": charts.table_rows(data, res.unit), "unit": res.unit}
    # Rankings (top skills demanded / missing, ...).
    rankings = []
    for code, r in totals.items():
        if r.kind == "ranking" and r.cells:  # empty rankings stay in the table below, not as empty charts
            data = charts.cells_to_data(r)
            rankings.append({"code": code, "name": r.name, "title": r.name, "unit": r.unit, "note": r.note,
                             "svg": mark_safe(charts.bar_chart(data, title=r.name, unit=r.unit,
                                                               color=charts.PALETTE[2])),
                             "rows": charts.table_rows(data, r.unit)})
    # Women and men side by side for the headline indicators.
    sex_block = None
    if breakdown == "sex":
        cats, women, men = [], [], []
        for k in kpis:
            res = by.get((k["code"], "sex"))
            if res is None:
                continue
            cells = {c.key: c for c in res.cells}
            cats.append(res.name)
            for key, bucket in (("F", women), ("M", men)):
                c = cells.get(key)
                bucket.append(charts.Datum(res.name, None if (c is None or c.suppressed) else c.value,
                                           suppressed=bool(c and c.suppressed)))
        if cats:
            title = _("Mujeres y hombres en los indicadores principales")
            sex_block = {"title": title, "svg": mark_safe(charts.grouped_bar_chart(
                cats, [charts.Series(_("Mujeres"), women), charts.Series(_("Hombres"), men)], title=title))}
    # Table of every indicator, by category.
    table = []
    for code, r in totals.items():
        info = infos.get(code)
        table.append(Row(code=code, name=r.name, category=getattr(info, "category", "") or "", unit=r.unit,
                         kind=r.kind, text=(charts.display_number(r.value, r.unit) if not r.suppressed and r.value is not None
                                            else charts.suppressed_label() if r.suppressed else "—")
                         if r.kind != "ranking" else _("clasificación"),
                         suppressed=r.suppressed, note=r.note, href=detail_url(code),
                         description=getattr(info, "description", "") or ""))
    table.sort(key=lambda row: (row.category, row.name))
    crumbs = []
    node = territory
    while node is not None:
        if public or _in_scope(request.user, node):
            crumbs.append({"code": node.code, "name": node.display_name(), "href": url_for(ref(node), **keep)})
        node = node.parent
    crumbs.reverse()
    return {
        "territory": territory, "territory_ref": ref(territory), "territory_name": territory.display_name(),
        "period": period, "period_label": period_label(period), "breakdown": breakdown,
        "breakdown_label": breakdown_label(breakdown) if breakdown else "", "selected": selected,
        "selected_result": sel, "kpis": kpis, "breakdown_block": breakdown_block, "map_block": map_block,
        "rankings": rankings, "sex_block": sex_block, "table": table, "crumbs": crumbs, "public": public,
        "threshold": threshold_from_settings(),
        "children": [{"code": c.code, "name": c.display_name(), "href": url_for(ref(c), **keep)}
                     for c in territory.children.order_by("name")] if public else [],
    }


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true" and not request.headers.get("HX-History-Restore-Request")


# --- staff / analyst dashboard ---------------------------------------------------------------------------------

@login_required
def dashboard(request):
    user = request.user
    _require_dashboard(user)
    territory = _territory_or_404(user, request.GET.get("territorio"))
    period = _period_or_default(request.GET.get("periodo"))
    infos = _info_map()
    dims = []
    for info in infos.values():
        for d in info.dimensions:
            if d not in dims:
                dims.append(d)
    if "territory" in dims and territory.level != TerritoryLevel.GROUP and not territory.children.exists():
        dims.remove("territory")  # a municipality has no sub-territories to break down by
    breakdown = request.GET.get("desagregacion")
    if breakdown is None:
        breakdown = "sex" if "sex" in dims else (dims[0] if dims else "")
    if breakdown and breakdown not in dims:
        breakdown = ""
    selected = request.GET.get("indicador") or ""
    ctx = _dashboard_context(request, territory=territory, period=period, breakdown=breakdown,
                             selected=selected, public=False)
    form = DashboardFilterForm(
        initial={"territorio": ref(territory), "periodo": period.label, "desagregacion": breakdown,
                 "indicador": ctx["selected"]},
        territories=_territory_choices(user, territory), periods=_period_choices(period),
        breakdowns=dims,
        indicators=[(i.code, i.name) for i in infos.values() if i.kind != "ranking"])
    form.fields["desagregacion"].choices = [("", _("Sin desagregar"))] + list(form.fields["desagregacion"].choices)
    ctx.update({
        "form": form, "can_define": can_define_indicators(user),
        "bulletin_pdf": reverse("observatory:bulletin") + "?" + urlencode(
            {"territorio": ref(territory), "trimestre": _bulletin_quarter(period).label, "formato": "pdf"}),
        "bulletin_xlsx": reverse("observatory:bulletin") + "?" + urlencode(
            {"territorio": ref(territory), "trimestre": _bulletin_quarter(period).label, "formato": "xlsx"}),
        "bulletin_quarter_label": period_label(_bulletin_quarter(period)),
    })
    ctx.update(_opendata_links(territory, period))
    template = "observatory/_dashboard_page.html" if _is_htmx(request) else "observatory/dashboard.html"
    return render(request, template, ctx)


def _opendata_links(territory, period) -> dict:
    base = reverse("observatory:opendata")
    return {f"opendata_{fmt}": base + "?" + urlencode({"territorio": ref(territory), "periodo": period.label,
                                                       "formato": fmt}) for fmt in ("parquet", "csv")}


def _bulletin_quarter(period):
    """The quarter a bulletin link refers to: the period itself, or the quarter that contains it."""
    if period.kind == "quarter":
        return period
    periods = _periods()
    if period.kind == "month":
        return periods.parse_period(f"{period.start.year}Q{(period.start.month - 1) // 3 + 1}")
    return periods.parse_period(f"{period.start.year}Q4")


@login_required
def indicator_detail(request, code: str):
    user = request.user
    _require_dashboard(user)
    infos = _info_map()
    info = infos.get(code)
    if info is None:
        raise Http404(_("Indicador desconocido."))
    territory = _territory_or_404(user, request.GET.get("territorio"))
    period = _period_or_default(request.GET.get("periodo"))
    ctx = _indicator_context(request, info=info, territory=territory, period=period, public=False)
    ctx["back"] = reverse("observatory:dashboard") + "?" + urlencode(
        {"territorio": ref(territory), "periodo": period.label})
    ctx["territory_choices"] = _territory_choices(user, territory)
    ctx["period_choices"] = _period_choices(period)
    return render(request, "observatory/indicator.html", ctx)


def _indicator_context(request, *, info, territory, period, public: bool) -> dict:
    services = _services()
    periods = _periods()
    window = periods.last_n(period, SERIES_LENGTH)
    results = services.series(info.code, territory=territory, periods=window)
    series = charts.results_to_series(info.name, results)
    series_svg = charts.line_chart([series], title=_("%(name)s, últimos %(n)d periodos") % {
        "name": info.name, "n": len(window)}, unit=info.unit)
    series_rows = charts.table_rows(series.points, info.unit)
    externals = []
    for ext in external_series_for(territory):
        points = services.external_points(ext.code, periods=window)
        ext_series = charts.Series(ext.name, [charts.Datum(label, value) for label, value in points])
        externals.append({
            "code": ext.code, "name": ext.name, "source": getattr(ext, "source", ""), "unit": ext.unit,
            "svg": mark_safe(charts.line_chart([ext_series], title=ext.name, unit=ext.unit)),
            "rows": charts.table_rows(ext_series.points, ext.unit),
        })
    dims = list(info.dimensions)
    breakdown = request.GET.get("desagregacion") or (dims[0] if dims else "")
    if breakdown not in dims:
        breakdown = dims[0] if dims else ""
    total = services.compute(info.code, territory=territory, period=period)
    block = None
    if info.kind == "ranking":
        data = charts.cells_to_data(total)
        block = {"title": info.name, "svg": mark_safe(charts.bar_chart(data, title=info.name, unit=info.unit)),
                 "rows": charts.table_rows(data, info.unit), "note": total.note}
    elif breakdown:
        res = services.compute(info.code, territory=territory, period=period, breakdown=breakdown)

        def drill(cell):
            params = {"periodo": period.label, "desagregacion": breakdown}
            if public:
                return reverse("observatory:public_territory",
                               args=[ref_code(territory.country, cell.key)]) + "?" + urlencode(params)
            return reverse("observatory:indicator", args=[info.code]) + "?" + urlencode(
                {"territorio": ref_code(territory.country, cell.key), **params})

        data = charts.cells_to_data(res, href_for=drill if breakdown == "territory" else None)
        title = _("%(name)s por %(dim)s") % {"name": info.name, "dim": breakdown_label(breakdown).lower()}
        block = {"title": title, "svg": mark_safe(charts.bar_chart(data, title=title, unit=info.unit)),
                 "rows": charts.table_rows(data, info.unit), "note": res.note,
                 "cells": [{"key": c.key, "label": c.label, "suppressed": c.suppressed,
                            "numerator": None if c.suppressed else c.numerator,
                            "denominator": None if c.suppressed else c.denominator} for c in res.cells]}
    return {
        "info": info, "territory": territory, "territory_ref": ref(territory),
        "territory_name": territory.display_name(), "period": period,
        "period_label": period_label(period), "total": total, "total_text": charts.result_text(total),
        "series_svg": mark_safe(series_svg), "series_rows": series_rows, "externals": externals,
        "breakdown": breakdown, "dims": [(d, breakdown_label(d)) for d in dims], "breakdown_fig": block, "public": public,
        "threshold": threshold_from_settings(),
    }


def external_series_for(territory) -> list:
    """External series of the territory and of its ancestors (a city's page also shows the national rate)."""
    services = _services()
    out, seen = [], set()
    node = territory
    while node is not None:
        for ext in services.external_series(territory=node):
            if ext.code not in seen:
                seen.add(ext.code)
                out.append(ext)
        node = node.parent
    return out


# --- public observatory ----------------------------------------------------------------------------------------

def public_index(request):
    """Territories served by an active agency (and their departments), each with its public page."""
    from siee.core.models import OrganizationKind

    served = (Territory.objects.filter(organizations__active=True, organizations__kind=OrganizationKind.AGENCY)
              .exclude(level=TerritoryLevel.GROUP).select_related("parent").distinct())
    items: dict[str, Territory] = {}
    for t in served:
        items.setdefault(ref(t), t)
        if t.parent is not None and t.parent.level == TerritoryLevel.REGION:
            items.setdefault(ref(t.parent), t.parent)
    territories = sorted(items.values(), key=lambda t: (t.level, t.display_name()))
    published = [i for i in _services().available_indicators(published_only=True)]
    return render(request, "observatory/public_index.html", {
        "territories": [{"code": ref(t), "name": t.display_name(), "level": t.get_level_display(),
                         "href": reverse("observatory:public_territory", args=[ref(t)])} for t in territories],
        "indicators": published,
    })


def public_territory(request, code: str):
    territory = find_territory(code)
    if territory is None or territory.level == TerritoryLevel.GROUP:
        raise Http404(_("Territorio no encontrado."))
    periods = _periods()
    period = _period_or_default(request.GET.get("periodo"))
    if period.kind != "quarter" or period.start > periods.current_quarter().start:
        period = periods.last_complete_quarter()
    ctx = _dashboard_context(request, territory=territory, period=period, breakdown="sex", selected="",
                             public=True)
    ctx["period_choices"] = _period_choices(period, quarters_only=True)
    ctx.update(_opendata_links(territory, period))
    template = "observatory/_dashboard_results.html" if _is_htmx(request) else "observatory/public_territory.html"
    return render(request, template, ctx)


# --- analyst-defined indicators --------------------------------------------------------------------------------

def _require_definer(user) -> None:
    if not can_define_indicators(user):
        raise PermissionDenied(_("Solo analistas y administradores de la agencia definen indicadores."))


def _measures() -> list[dict]:
    """The engine's measures (code, label, unit, dimensions, stats) to help analysts fill the form."""
    fn = getattr(_services(), "available_measures", None)
    if not callable(fn):
        return []
    out = []
    for m in fn():
        m = m if isinstance(m, dict) else {"code": getattr(m, "code", str(m))}
        out.append({"code": str(m.get("code")), "label": m.get("label", ""), "unit": m.get("unit", ""),
                    "stats": ", ".join(m.get("stats") or []), "ranking": bool(m.get("ranking")),
                    "dimensions": ", ".join(breakdown_label(d) for d in m.get("dimensions") or [])})
    return sorted(out, key=lambda m: m["code"])


@login_required
def definitions(request):
    _require_definer(request.user)
    custom = [i for i in _services().available_indicators() if not i.builtin]
    return render(request, "observatory/definitions.html", {"definitions": custom})


@login_required
def definition_new(request):
    from siee.core.errors import DomainError

    _require_definer(request.user)
    measures = _measures()
    form = DefinitionForm(request.POST or None, measures=[m["code"] for m in measures])
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.definition()
            if not form.errors:
                services = _services()
                errors = services.validate_definition(data)
                if errors:
                    form.add_engine_errors(errors)
                else:
                    try:
                        info = services.save_definition(data, actor=request.user)
                    except DomainError as exc:
                        form.add_engine_errors(exc.errors)
                    else:
                        from django.contrib import messages

                        messages.success(request, _("Indicador «%(name)s» guardado.") % {"name": info.name})
                        return redirect("observatory:definitions")
    return render(request, "observatory/definition_form.html", {"form": form, "measures": measures},
                  status=status)


# --- bulletin download -----------------------------------------------------------------------------------------

@login_required
def bulletin(request):
    from siee.core import audit
    from siee.core.models import AuditAction
    from siee.observatory import bulletin as bulletin_mod

    user = request.user
    _require_dashboard(user)
    territory = _territory_or_404(user, request.GET.get("territorio"))
    periods = _periods()
    try:
        quarter = periods.parse_period(request.GET.get("trimestre") or periods.last_complete_quarter().label)
    except ValueError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    if quarter.kind != "quarter":
        return HttpResponse(_("El boletín es trimestral: indique un trimestre como 2026Q3."), status=400,
                            content_type="text/plain; charset=utf-8")
    fmt = request.GET.get("formato", "pdf")
    if fmt not in ("pdf", "xlsx"):
        return HttpResponse(_("Formato desconocido: use pdf o xlsx."), status=400,
                            content_type="text/plain; charset=utf-8")
    data = bulletin_mod.build_bulletin(territory=territory, quarter=quarter)
    if fmt == "pdf":
        content, mime = bulletin_mod.render_pdf(data), "application/pdf"
    else:
        content = bulletin_mod.render_xlsx(data)
        mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    audit.record(actor=user, action=AuditAction.EXPORT, object_type="bulletin", object_id=territory.code,
                 detail={"quarter": quarter.label, "format": fmt})
    response = HttpResponse(content, content_type=mime)
    response["Content-Disposition"] = f'attachment; filename="{bulletin_mod.filename(territory, quarter, fmt)}"'
    return response


# --- open data download ----------------------------------------------------------------------------------------

def opendata(request):
    """The open-data export of a territory and period as one ZIP (Parquet or CSV files, dictionary, README).

    Public like the public observatory: published indicators only, anonymized, disclosure control applied.
    """
    import tempfile
    import zipfile
    from io import BytesIO
    from pathlib import Path

    from siee.observatory.opendata import export_opendata

    territory = find_territory(request.GET.get("territorio") or "")
    if territory is None or territory.level == TerritoryLevel.GROUP:
        raise Http404(_("Territorio no encontrado."))
    periods = _periods()
    try:
        period = periods.parse_period(request.GET.get("periodo") or periods.last_complete_quarter().label)
    except ValueError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    fmt = request.GET.get("formato", "parquet")
    if fmt not in ("parquet", "csv"):
        return HttpResponse(_("Formato desconocido: use parquet o csv."), status=400,
                            content_type="text/plain; charset=utf-8")
    actor = request.user if request.user.is_authenticated else None
    buf = BytesIO()
    with tempfile.TemporaryDirectory(prefix="siee-opendata-") as tmp:
        files = export_opendata(territory=territory, period=period, fmt=fmt, out=tmp, actor=actor)
        names = {Path(f).name for f in files} | {p.name for p in Path(tmp).iterdir()}
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for name in sorted(names):
                zf.write(Path(tmp) / name, arcname=name)
    response = HttpResponse(buf.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = (f'attachment; filename="datos-abiertos-{territory.code}-{period.label}-'
                                       f'{fmt}.zip"')
    return response
