"""CLI of the free-text classifier: ``siee classify occupation|skills``.

``siee classify occupation "TEXT" [--top 5] [--json]``: the occupations a free text names, best first.
``siee classify occupation --file FILE [--top 5] --json``: one text per line (``-`` = standard input); JSON
lines out, exactly one per input line, each a JSON list of ``{"code", "isco", "label", "score"}`` (an empty
line gives ``[]``).
``siee classify skills "TEXT" [--top 10] [--json]``: the skills a free text names.

Registered by ``siee.matching.commands.register`` (which calls ``register(sub)`` here).
"""

from __future__ import annotations

import argparse
import json
import sys
import time

FILE_CHUNK = 512  # lines classified together (one vectorised batch), then written


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("classify", help="Clasifica texto libre en ocupaciones (ESCO/CIUO-08) y habilidades.",
                       description="Convierte texto libre (un cargo, \"trabajé de mesero\", una vacante completa) "
                                   "en códigos de ocupación ESCO/CIUO-08 y de habilidades.")
    csub = p.add_subparsers(dest="classify_command", metavar="ACTION")
    csub.required = True

    c = csub.add_parser("occupation", help="Ocupaciones que nombra un texto.",
                        description="Ocupaciones ESCO (con su código CIUO-08) que corresponden a un texto libre, "
                                    "la mejor primero. Con --file, un texto por línea.")
    c.add_argument("text", nargs="?", help="texto, p. ej. \"ayudante de cocina\"")
    c.add_argument("--file", metavar="FILE", help="archivo con un texto por línea ('-' = entrada estándar)")
    c.add_argument("--top", type=int, default=5, help="resultados por texto (5; máximo 50)")
    c.add_argument("--json", action="store_true",
                   help="salida JSON (con --file: una lista JSON por línea de entrada)")
    c.set_defaults(func=cmd_classify_occupation)

    c = csub.add_parser("skills", help="Habilidades que nombra un texto.",
                        description="Habilidades (ESCO o del conjunto inicial) mencionadas en un texto libre.")
    c.add_argument("text", help="texto, p. ej. \"manejo de montacargas y atención al cliente\"")
    c.add_argument("--top", type=int, default=10, help="número máximo de resultados (10; máximo 50)")
    c.add_argument("--json", action="store_true", help="salida JSON")
    c.set_defaults(func=cmd_classify_skills)


def _four(result: dict) -> dict:
    return {"code": result["code"], "isco": result["isco"], "label": result["label"], "score": result["score"]}


def _check_top(top: int) -> str | None:
    if top < 1 or top > 50:
        return "--top debe estar entre 1 y 50."
    return None


def _table(rows: list[dict], *, isco: bool = True) -> str:
    if not rows:
        return "Sin resultados."
    lines = []
    if isco:
        lines.append(f"{'#':>2}  {'puntaje':>7}  {'CIUO':<4}  ocupación")
        for i, r in enumerate(rows, 1):
            lines.append(f"{i:>2}  {r['score']:>7.3f}  {r['isco']:<4}  {r['label']}")
    else:
        lines.append(f"{'#':>2}  {'puntaje':>7}  habilidad (etiqueta encontrada)")
        for i, r in enumerate(rows, 1):
            extra = f"  ({r['matched_label']})" if r.get("matched_label") and r["matched_label"] != r["label"] else ""
            lines.append(f"{i:>2}  {r['score']:>7.3f}  {r['label']}{extra}")
    return "\n".join(lines)


def _read_lines(path: str) -> list[str]:
    if path == "-":
        data = sys.stdin.read()
    else:
        with open(path, encoding="utf-8", errors="replace", newline="") as fh:
            data = fh.read()
    data = data.lstrip("\ufeff")
    lines = data.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the newline that ends the last line does not start another one
    return lines


def cmd_classify_occupation(args) -> int:
    from siee.cli import ensure_database

    problem = _check_top(args.top)
    if problem is None and (args.text is None) == (args.file is None):
        problem = "Indique un TEXTO o --file ARCHIVO (uno de los dos)."
    if problem:
        print(problem, file=sys.stderr)
        return 2
    if args.file is not None:
        try:
            lines = _read_lines(args.file)
        except OSError as exc:
            print(f"No se puede leer {args.file}: {exc.strerror or exc}", file=sys.stderr)
            return 2
    ensure_database()
    from siee.matching.classifier_django import classify_occupation, classify_occupations, get_classifier

    if args.file is None:
        results = [_four(r) for r in classify_occupation(args.text, top=args.top)]
        if args.json:
            print(json.dumps(results, ensure_ascii=False))
        else:
            print(_table(results))
        return 0

    started = time.perf_counter()
    get_classifier()
    built = time.perf_counter()
    out = sys.stdout
    for start in range(0, len(lines), FILE_CHUNK):
        chunk = lines[start:start + FILE_CHUNK]
        for number, results in enumerate(classify_occupations(chunk, top=args.top), start + 1):
            results = [_four(r) for r in results]
            if args.json:
                out.write(json.dumps(results, ensure_ascii=False) + "\n")
            else:
                best = results[0] if results else None
                text = chunk[number - start - 1].strip()
                shown = (text[:40] + "…") if len(text) > 41 else text
                if best:
                    out.write(f"{number}\t{shown}\t{best['isco']}\t{best['label']}\t{best['score']:.3f}\n")
                else:
                    out.write(f"{number}\t{shown}\t-\tsin resultados\t-\n")
        out.flush()
    elapsed = time.perf_counter() - built
    rate = len(lines) / elapsed if elapsed > 0 else float("inf")
    print(f"{len(lines)} líneas clasificadas en {elapsed:.1f} s ({rate:.0f} líneas/s; índice {built - started:.1f} s).",
          file=sys.stderr)
    return 0


def cmd_classify_skills(args) -> int:
    from siee.cli import ensure_database

    problem = _check_top(args.top)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    ensure_database()
    from siee.matching.classifier_django import classify_skills

    results = [{"code": r["code"], "label": r["label"], "score": r["score"], "matched_label": r["matched_label"]}
               for r in classify_skills(args.text, top=args.top)]
    if args.json:
        print(json.dumps(results, ensure_ascii=False))
    else:
        print(_table(results, isco=False))
    return 0
