"""`siee` sub-commands of the enterprise app (see siee.cli).

    siee catalog search "TEXT" [--territory CODE] [--sector CIIU] [--top N] [--json]   public catalogue
    siee catalog reindex                                                               rebuild the search index
    siee suppliers rank NEED_ID [--top 10] [--json] [--as USERNAME]                    local suppliers for a need
    siee suppliers needs [--json] [--as USERNAME]                                      open procurement needs
    siee initiatives list [--stage N] [--json] [--as USERNAME]                         initiatives in scope

Staff commands run as a user (--as) and apply that user's scope; without --as, as the first system administrator.
Domain errors (unknown territory, need of another territory...) go to standard error with exit status 2.
"""

from __future__ import annotations

import json
import sys


def _dump(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


def _actor(username: str | None):
    from django.db.models import Q

    from siee.core.models import Role, User

    if username:
        return User.objects.filter(username=username, is_active=True).select_related("organization").first()
    return User.objects.filter(Q(is_superuser=True) | Q(role=Role.SYSTEM_ADMIN), is_active=True).order_by("pk").first()


def _run(fn, args) -> int:
    from siee.core.errors import DomainError

    try:
        return fn(args)
    except DomainError as exc:
        print(f"Error: {exc.message}", file=sys.stderr)
        return 2


def register(sub) -> None:
    """Add this app's sub-commands to the `siee` parser."""
    p = sub.add_parser("catalog", help="Catálogo público de emprendimientos: búsqueda e índice.")
    csub = p.add_subparsers(dest="catalog_command", metavar="ACTION")
    csub.required = True
    s = csub.add_parser("search", help="Busca productos y servicios del catálogo público (tolera tildes y errores).")
    s.add_argument("text", metavar="TEXT")
    s.add_argument("--territory", metavar="CODE", help="código DANE/oficial del municipio o territorio")
    s.add_argument("--sector", metavar="CIIU", help="código CIIU de sector")
    s.add_argument("--top", type=int, default=20, help="número de resultados (20)")
    s.add_argument("--json", action="store_true", help="salida JSON (lista de resultados)")
    s.set_defaults(func=lambda a: _run(cmd_catalog_search, a))
    r = csub.add_parser("reindex", help="Reconstruye el índice de búsqueda del catálogo.")
    r.set_defaults(func=lambda a: _run(cmd_catalog_reindex, a))

    p = sub.add_parser("suppliers", help="Desarrollo de proveedores: necesidades de compradores y proveedores locales.")
    ssub = p.add_subparsers(dest="suppliers_command", metavar="ACTION")
    ssub.required = True
    s = ssub.add_parser("rank", help="Ordena los proveedores locales del catálogo para una necesidad, con explicación.")
    s.add_argument("need_id", type=int, metavar="NEED_ID")
    s.add_argument("--top", type=int, default=10)
    s.add_argument("--json", action="store_true")
    s.add_argument("--as", "--user", dest="as_user", metavar="USERNAME")
    s.set_defaults(func=lambda a: _run(cmd_suppliers_rank, a))
    s = ssub.add_parser("needs", help="Lista las necesidades de proveeduría abiertas del territorio del usuario.")
    s.add_argument("--json", action="store_true")
    s.add_argument("--as", "--user", dest="as_user", metavar="USERNAME")
    s.set_defaults(func=lambda a: _run(cmd_suppliers_needs, a))

    p = sub.add_parser("initiatives", help="Iniciativas empresariales del territorio del usuario.")
    isub = p.add_subparsers(dest="initiatives_command", metavar="ACTION")
    isub.required = True
    s = isub.add_parser("list", help="Lista las iniciativas (por etapa).")
    s.add_argument("--stage", type=int, help="10 idea, 20 plan de negocio, 30 puesta en marcha, 40 operación, "
                                             "50 fortalecimiento, 90 cerrada")
    s.add_argument("--json", action="store_true")
    s.add_argument("--as", "--user", dest="as_user", metavar="USERNAME")
    s.set_defaults(func=lambda a: _run(cmd_initiatives_list, a))


def cmd_catalog_search(args) -> int:
    from siee.core.errors import ValidationFailed
    from siee.core.selectors import find_territory, territory_subtree_ids
    from siee.enterprise import catalog
    from siee.taxonomy.models import Sector

    territory_ids = None
    if args.territory:
        t = find_territory(args.territory)
        if t is None:
            raise ValidationFailed(f"territorio desconocido: {args.territory}", field="territory")
        territory_ids = territory_subtree_ids([t])
    sector_id = None
    if args.sector:
        sector = Sector.objects.filter(code=args.sector).first()
        if sector is None:
            raise ValidationFailed(f"sector CIIU desconocido: {args.sector}", field="sector")
        sector_id = sector.pk
    results = catalog.search(args.text, territory_ids=territory_ids, sector_id=sector_id, limit=max(1, args.top))
    if args.json:
        print(_dump(results))
    else:
        for r in results:
            print(f"{r['score']:.2f}  {r['product']} · {r['initiative']} · {r['municipality']}"
                  + (f" · {r['price']}" if r["price"] else "") + f"  {r['url']}")
        print(f"{len(results)} resultado(s).")
    return 0


def cmd_catalog_reindex(args) -> int:
    from siee.enterprise import catalog
    from siee.enterprise.models import BusinessInitiative

    rows = sum(catalog.index_initiative(ini) for ini in BusinessInitiative.objects.select_related("sector"))
    print(f"Índice del catálogo reconstruido: {rows} términos.")
    return 0


def _need_actor(args):
    """The --as user; without --as, the first system administrator, or None (the system operator on the server,
    unrestricted) when there is none yet, as right after `siee demo`."""
    from siee.core.errors import ValidationFailed

    user = _actor(args.as_user)
    if user is None and args.as_user:
        raise ValidationFailed(f"usuario desconocido o inactivo: {args.as_user}", field="as")
    return user


def cmd_suppliers_rank(args) -> int:
    from siee.enterprise import selectors, suppliers

    user = _need_actor(args)
    if user is None:
        from siee.core.errors import ValidationFailed
        from siee.enterprise.models import ProcurementNeed

        need = ProcurementNeed.objects.select_related("municipality", "sector").filter(pk=args.need_id).first()
        if need is None:
            raise ValidationFailed(f"necesidad de proveeduría no encontrada: {args.need_id}", field="need")
    else:
        need = selectors.get_need_for(user, args.need_id)
    ranked = suppliers.rank_suppliers(need, top=max(1, args.top))
    if args.json:
        print(_dump(ranked))
    else:
        print(f"{need.title} · {need.buyer_name} · {need.municipality.name}")
        for i, r in enumerate(ranked, 1):
            reasons = "; ".join(c["reason"] for c in r["explanation"]["components"].values())
            print(f"{i:2d}. {r['score']:.2f}  {r['initiative']} ({r['municipality']}) — {reasons}")
    return 0


def cmd_suppliers_needs(args) -> int:
    from siee.enterprise import selectors

    user = _need_actor(args)
    rows = [{"id": n.pk, "title": n.title, "buyer": n.buyer_name, "municipality": n.municipality.name,
             "local_only": n.local_only, "starts_on": n.starts_on, "ends_on": n.ends_on}
            for n in _all_or_scoped(selectors.needs_for, user, "ProcurementNeed").filter(status="open")]
    print(_dump(rows) if args.json else "\n".join(f"{r['id']:5d}  {r['title']} · {r['buyer']} · {r['municipality']}" for r in rows))
    return 0


def cmd_initiatives_list(args) -> int:
    from siee.enterprise import selectors

    user = _need_actor(args)
    rows = [{"id": i.pk, "name": i.name, "stage": i.stage, "stage_label": str(i.get_stage_display()),
             "owner": i.owner.full_name, "municipality": i.municipality.name, "jobs": i.jobs_total, "public": i.public}
            for i in _all_or_scoped(selectors.initiatives_for, user, "BusinessInitiative", stage=args.stage).order_by("name", "id")]
    print(_dump(rows) if args.json else "\n".join(f"{r['id']:5d}  {r['name']} · {r['stage_label']} · {r['municipality']}" for r in rows))
    return 0


def _all_or_scoped(selector, user, model_name: str, stage=None):
    from siee.enterprise import models

    if user is not None:
        return selector(user, stage=stage) if stage is not None else selector(user)
    qs = getattr(models, model_name).objects.all()
    return qs.filter(stage=stage) if stage is not None else qs
