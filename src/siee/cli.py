"""`siee` console script. Each domain contributes sub-commands through a `register(subparsers)` function.

Commands open the database named by SIEE_DATABASE_URL, migrating it first when needed, and call services.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

COMMAND_MODULES = [
    "siee.core.commands",
    "siee.core.commands_people",
    "siee.taxonomy.commands",
    "siee.people.commands",
    "siee.employers.commands",
    "siee.matching.commands",
    "siee.intermediation.commands",
    "siee.observatory.commands",
    "siee.training.commands",
    "siee.enterprise.commands",
    "siee.web.commands",
]


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "siee.settings")
    import django

    django.setup()
    from siee.core.audit import set_channel

    set_channel("cli")


def ensure_database(*, verbosity: int = 0, reference: bool = True) -> None:
    """Migrate the database and make sure reference data (territories, taxonomy) is present."""
    from django.conf import settings
    from django.core.management import call_command

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        from pathlib import Path

        Path(db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=verbosity, interactive=False)
    if reference:
        from siee.core.reference import ensure_reference_data

        ensure_reference_data(progress=verbosity > 0)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="siee",
        description="SIEE: Sistema de Información de Empleo y Emprendimiento. Use 'siee COMMAND --help'.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:  # an app without commands yet
            if exc.name == name:
                continue
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    setup_django()  # before the parser: a command module may import models while registering
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        result = args.func(args)
    except KeyboardInterrupt:
        print("Interrumpido.", file=sys.stderr)
        return 130
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
