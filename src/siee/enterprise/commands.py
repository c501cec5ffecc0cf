"""`siee` sub-commands of the enterprise app (see siee.cli)."""

from __future__ import annotations


def register(sub) -> None:
    """Add this app's sub-commands to the `siee` parser."""
