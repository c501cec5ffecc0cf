"""CLI: `siee match vacancy|person|batch|weights`.

    siee match vacancy ID [--top 20] [--offset 0] [--explain] [--json] [--as USERNAME]
    siee match person ID [--top 20] [--offset 0] [--explain] [--json] [--as USERNAME]
    siee match batch --territory CODE [--top 50]
    siee match weights show [--json]
    siee match weights set KEY=VALUE [KEY=VALUE ...] [--as USERNAME]

With --json the output is a JSON array, best first, of {"id", "score", "label", "explanation"}. Without --as
the command acts as the system (unrestricted); with --as it applies that user's scope, like the UI and API.
"""

from __future__ import annotations

import argparse
import json
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("match", help="Emparejamiento: candidatos para una vacante, vacantes para una persona, lotes, pesos.",
                       description="Ordena personas para una vacante (o vacantes para una persona) con el motor de "
                                   "emparejamiento explicable de SIEE.")
    msub = p.add_subparsers(dest="match_command", metavar="ACTION")
    msub.required = True

    for name, help_text, id_help in (
        ("vacancy", "Candidatos ordenados para una vacante.", "id de la vacante"),
        ("person", "Vacantes ordenadas para una persona.", "id de la persona"),
    ):
        c = msub.add_parser(name, help=help_text, description=help_text)
        c.add_argument("id", help=id_help)
        c.add_argument("--top", type=int, default=20, help="cuántos resultados (por defecto 20)")
        c.add_argument("--offset", type=int, default=0, help="saltar los primeros N resultados")
        c.add_argument("--explain", action="store_true", help="mostrar la explicación de cada resultado")
        c.add_argument("--json", action="store_true", help="salida JSON: lista de {id, score, label, explanation}")
        c.add_argument("--as", dest="as_user", metavar="USERNAME", help="actuar como este usuario (aplica su ámbito); "
                       "por defecto, el sistema")
        if name == "vacancy":
            c.add_argument("--municipality", type=int, help="solo personas de este municipio (id)")
            c.add_argument("--min-score", type=float, help="puntaje mínimo (0 a 1)")
        c.set_defaults(func=cmd_match_vacancy if name == "vacancy" else cmd_match_person)

    c = msub.add_parser("batch", help="Ordena candidatos para todas las vacantes abiertas de un territorio y guarda "
                        "los resultados.")
    c.add_argument("--territory", required=True, metavar="CODE", help="código de municipio o departamento (68001, 68)")
    c.add_argument("--top", type=int, default=50, help="candidatos por vacante (por defecto 50)")
    c.set_defaults(func=cmd_match_batch)

    c = msub.add_parser("weights", help="Muestra o cambia los pesos del puntaje (versionados).")
    wsub = c.add_subparsers(dest="weights_command", metavar="show|set")
    wsub.required = True
    s = wsub.add_parser("show", help="Muestra los pesos vigentes.")
    s.add_argument("--json", action="store_true")
    s.add_argument("--as", dest="as_user", metavar="USERNAME", help="pesos de la organización de este usuario")
    s.set_defaults(func=cmd_weights_show)
    s = wsub.add_parser("set", help="Crea una nueva versión de los pesos: KEY=VALUE ...")
    s.add_argument("pairs", nargs="+", metavar="KEY=VALUE", help="p. ej. skills=0.3 location=0.15")
    s.add_argument("--as", dest="as_user", metavar="USERNAME", help="administrador de agencia que hace el cambio")
    s.set_defaults(func=cmd_weights_set)

    try:  # `siee classify` lives beside the engine but belongs to the classifier module
        from siee.matching import classify_commands
    except ModuleNotFoundError as exc:
        if exc.name != "siee.matching.classify_commands":
            raise
    else:
        classify_commands.register(sub)


def _actor(username):
    if not username:
        return None
    from siee.core.models import User

    user = User.objects.filter(username=username).select_related("organization").first()
    if user is None:
        raise SystemExit(f"Error: no existe el usuario {username!r}.")
    return user


def _fail(exc) -> int:
    print(f"Error: {exc.message}", file=sys.stderr)
    return 2 if exc.code in ("not_found", "out_of_scope") else 1


def _print_page(page, args, kind: str) -> None:
    if args.json:
        data = [{"id": r.id, "score": r.score, "label": r.label, "explanation": r.explanation} for r in page.results]
        json.dump(data, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        if page.message:
            print(page.message, file=sys.stderr)
        return
    for note in page.notes:
        print(f"Nota: {note}")
    if page.message:
        print(page.message)
    head = "persona" if kind == "vacancy" else "vacante"
    for i, r in enumerate(page.results, start=args.offset + 1):
        print(f"{i:>3}. {r.score:.3f}  {head} {r.id}  {r.label}")
        if args.explain:
            e = r.explanation
            print(f"      {e['summary']}")
            for comp in e["components"].values():
                if comp["applied"]:
                    print(f"      - {comp['label']}: {comp['value']:.2f} (peso {comp['share']:.2f}) {comp['text']}")
            if e["matched_skills"]:
                print("      + habilidades que tiene: " + "; ".join(s["label"] for s in e["matched_skills"]))
            if e["missing_skills"]:
                print("      - habilidades que le faltan: " + "; ".join(
                    s["label"] + (" (requerida)" if s["essential"] else "") for s in e["missing_skills"]))
    print(f"Elegibles: {page.total_eligible}. Motor {page.engine_version}, pesos v{page.weights_version}.")


def cmd_match_vacancy(args) -> int:
    from siee.cli import ensure_database
    from siee.core.errors import DomainError
    from siee.matching.services import rank_candidates

    ensure_database()
    filters = {}
    if args.municipality is not None:
        filters["municipality_id"] = args.municipality
    if args.min_score is not None:
        filters["min_score"] = args.min_score
    try:
        page = rank_candidates(actor=_actor(args.as_user), vacancy_id=args.id, top=args.top, offset=args.offset,
                               filters=filters or None)
    except DomainError as exc:
        return _fail(exc)
    _print_page(page, args, "vacancy")
    return 0


def cmd_match_person(args) -> int:
    from siee.cli import ensure_database
    from siee.core.errors import DomainError
    from siee.matching.services import rank_vacancies

    ensure_database()
    try:
        page = rank_vacancies(actor=_actor(args.as_user), person_id=args.id, top=args.top, offset=args.offset)
    except DomainError as exc:
        return _fail(exc)
    _print_page(page, args, "person")
    return 0


def cmd_match_batch(args) -> int:
    from siee.cli import ensure_database
    from siee.core.errors import DomainError
    from siee.matching.services import run_batch

    ensure_database()
    try:
        run = run_batch(territory_code=args.territory, top=args.top, progress=True)
    except DomainError as exc:
        return _fail(exc)
    if run.message:
        print(run.message)
    print(f"Corrida {run.pk}: {run.vacancies} vacantes, {run.results_count} resultados guardados, "
          f"{run.people_indexed} personas elegibles, {run.seconds:.1f} s.")
    return 0


def cmd_weights_show(args) -> int:
    from siee.cli import ensure_database
    from siee.matching.services import active_weights
    from siee.matching.weights import COMPONENT_LABELS, ENGINE_VERSION

    ensure_database()
    actor = _actor(args.as_user)
    weights, version = active_weights(getattr(actor, "organization_id", None))
    data = weights.as_dict()
    if args.json:
        print(json.dumps({"version": version, "engine_version": ENGINE_VERSION, "weights": data}))
        return 0
    total = sum(data.values())
    print(f"Pesos v{version} ({'valores por defecto' if version == 0 else 'configurados'}), motor {ENGINE_VERSION}:")
    for k, v in data.items():
        print(f"  {k:<12} {v:>6.3f}  ({v / total:5.1%})  {COMPONENT_LABELS[k]}")
    return 0


def cmd_weights_set(args) -> int:
    from siee.cli import ensure_database
    from siee.core.errors import DomainError
    from siee.matching.services import set_weights

    ensure_database()
    pairs = {}
    for item in args.pairs:
        if "=" not in item:
            print(f"Error: '{item}' no tiene la forma KEY=VALUE.", file=sys.stderr)
            return 1
        key, value = item.split("=", 1)
        pairs[key.strip()] = value
    try:
        cfg = set_weights(actor=_actor(args.as_user), weights=pairs)
    except DomainError as exc:
        return _fail(exc)
    print(f"Pesos v{cfg.version} guardados: " + ", ".join(f"{k}={v:g}" for k, v in cfg.weights.items()))
    return 0
