"""Registry of measures and built-in indicators: the observatory's own plus those that other apps ship.

An app adds indicators "through the same engine" with a module `siee/<app>/indicators.py` defining:

* ``MEASURES``: a list of `siee.observatory.facts.MeasureSpec` (or dicts with the same keys);
* ``INDICATORS``: a list of definition dicts (the same format as analyst definitions, see
  `siee.observatory.engine.validate`) or `engine.Definition` objects.

Modules are discovered with importlib among the installed `siee.*` apps; an app without the module is skipped.
Extra modules can be named in the setting ``SIEE_OBSERVATORY_INDICATOR_MODULES`` (used by tests).
"""

from __future__ import annotations

import importlib
import logging

from siee.observatory import engine
from siee.observatory.facts import MeasureSpec, builtin_measures

log = logging.getLogger(__name__)


_IMPORTED: dict[str, object] = {}  # module name -> module or None (absent): the app set is fixed per process
_CACHE: dict[tuple, object] = {}


def _module_names() -> tuple[str, ...]:
    from django.apps import apps
    from django.conf import settings

    names = [f"{cfg.name}.indicators" for cfg in apps.get_app_configs()
             if cfg.name.startswith("siee.") and cfg.name != "siee.observatory"]
    names += list(getattr(settings, "SIEE_OBSERVATORY_INDICATOR_MODULES", []) or [])
    return tuple(names)


def _modules() -> list:
    found = []
    for name in _module_names():
        if name not in _IMPORTED:
            try:
                _IMPORTED[name] = importlib.import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name != name:
                    raise
                _IMPORTED[name] = None
        if _IMPORTED[name] is not None:
            found.append(_IMPORTED[name])
    return found


def _spec(obj) -> MeasureSpec:
    return obj if isinstance(obj, MeasureSpec) else MeasureSpec(**obj)


def all_measures() -> dict[str, MeasureSpec]:
    """Every measure (built-in first). Cached per process and set of indicator modules: they are code."""
    key = ("measures", _module_names())
    if key not in _CACHE:
        _CACHE[key] = _all_measures()
    return dict(_CACHE[key])


def _all_measures() -> dict[str, MeasureSpec]:
    out = {m.code: m for m in builtin_measures()}
    for module in _modules():
        for raw in getattr(module, "MEASURES", []) or []:
            spec = _spec(raw)
            if spec.code in out:
                log.warning("measure %s of %s ignored: the code is taken", spec.code, module.__name__)
                continue
            out[spec.code] = spec
    return out


def measure_infos() -> dict[str, engine.MeasureInfo]:
    return {code: spec.info() for code, spec in all_measures().items()}


def builtin_definitions() -> list[engine.Definition]:
    """The observatory's library plus the indicators other apps ship, in that order (cached like the measures)."""
    key = ("definitions", _module_names())
    if key not in _CACHE:
        _CACHE[key] = _builtin_definitions()
    return list(_CACHE[key])


def _builtin_definitions() -> list[engine.Definition]:
    from siee.observatory.library import LIBRARY

    infos = measure_infos()
    out = [engine.definition_from_dict(d, measures=infos, builtin=True) for d in LIBRARY]
    taken = {d.code for d in out}
    for module in _modules():
        for raw in getattr(module, "INDICATORS", []) or []:
            if isinstance(raw, engine.Definition):
                defn = raw
            else:
                errors = engine.validate(raw, measures=infos, taken_codes=taken)
                if errors:
                    log.warning("indicator %s of %s ignored: %s", raw.get("code"), module.__name__, errors)
                    continue
                defn = engine.definition_from_dict({"published": True, **raw}, measures=infos, builtin=True)
            if defn.code in taken:
                continue
            taken.add(defn.code)
            out.append(defn)
    return out
