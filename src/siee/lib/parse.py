"""Parsing of user-typed values (forms, CSV, XLSX cells): dates, numbers, booleans, lists.

Each parser returns the value or raises ValueError with a Spanish reason that names what was wrong.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

_TRUE = {"1", "si", "sí", "s", "true", "t", "yes", "y", "x", "verdadero"}
_FALSE = {"0", "no", "n", "false", "f", "falso", ""}
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%Y/%m/%d", "%d.%m.%Y")


_THOUSANDS_RE = re.compile(r"\d{1,3}([.,]\d{3})+")
_SEPARATORS_RE = re.compile(r"[.,]")
_ZERO_DECIMALS_RE = re.compile(r"-?\d+[.,]0+")
_DATE_SHAPE_RE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{4}")


def is_blank(value) -> bool:
    if value is None or value == "":
        return True
    return type(value) is str and not value.strip()


def parse_date(value) -> dt.date | None:
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if " " in text:  # "2024-01-31 00:00:00" from spreadsheets
        text = text.split(" ", 1)[0]
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    if _DATE_SHAPE_RE.fullmatch(text):
        raise ValueError(f"fecha imposible: {text!r}")
    raise ValueError(f"fecha no válida: {text!r} (use AAAA-MM-DD o DD/MM/AAAA)")


def parse_int(value, *, minimum: int | None = None, maximum: int | None = None) -> int | None:
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError("se esperaba un número")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"se esperaba un número entero: {value}")
        number = int(value)
    else:
        text = str(value).strip().replace(" ", "").replace("$", "")
        # "1.300.000" and "1,300,000" are thousands separators in the field
        if text.isdigit():
            pass
        elif _THOUSANDS_RE.fullmatch(text):
            text = _SEPARATORS_RE.sub("", text)
        elif _ZERO_DECIMALS_RE.fullmatch(text):
            text = _SEPARATORS_RE.split(text)[0]
        try:
            number = int(text)
        except ValueError:
            raise ValueError(f"no es un número entero: {str(value)!r}") from None
    if minimum is not None and number < minimum:
        raise ValueError(f"debe ser al menos {minimum}")
    if maximum is not None and number > maximum:
        raise ValueError(f"debe ser como máximo {maximum}")
    return number


def parse_decimal(value) -> Decimal | None:
    if is_blank(value):
        return None
    try:
        return Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise ValueError(f"no es un número: {value!r}") from None


def parse_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"valor sí/no no reconocido: {value!r}")


def parse_list(value, sep: str = "|") -> list[str]:
    if is_blank(value):
        return []
    if isinstance(value, list | tuple | set):
        return [str(v).strip() for v in value if str(v).strip()]
    return [p.strip() for p in str(value).split(sep) if p.strip()]


EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_RE = re.compile(r"^\+?[0-9 ()-]{7,20}$")
