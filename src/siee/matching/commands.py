"""Matching CLI. For now only ``siee classify`` (``siee.matching.classify_commands``); the engine's
commands (``siee match ...``) are added here by their owner, who keeps the delegation below."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    from siee.matching import classify_commands

    classify_commands.register(sub)
