"""The English catalogue: complete, placeholders intact, compiled .mo up to date, and used by the public pages."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest

import siee

LC_MESSAGES = Path(siee.__file__).resolve().parent / "locale" / "en" / "LC_MESSAGES"
PO_PATH = LC_MESSAGES / "django.po"
MO_PATH = LC_MESSAGES / "django.mo"

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr\[(\d+)\]|msgstr)\s+(".*")$')
# Python-format conversions (%(name)s, %s, %d, %.1f, %%) and brace fields ({name}).
_PYFORMAT = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifgeExXrc%]")
_NAMED = re.compile(r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[sdifgeExXrc]|\{[A-Za-z0-9_]*\}")


def _unquote(s: str) -> str:
    s = s.strip()
    assert s.startswith('"') and s.endswith('"'), s
    return re.sub(r"\\(.)", lambda m: _ESCAPES[m.group(1)], s[1:-1])


def parse_po(path: Path) -> list[dict]:
    """Entries of a .po file: msgctxt, msgid, msgid_plural, msgstr, msgstr_plural, flags, obsolete, line."""
    entries: list[dict] = []

    def new(line: int) -> dict:
        return {"msgctxt": None, "msgid": None, "msgid_plural": None, "msgstr": None, "msgstr_plural": {},
                "flags": set(), "obsolete": False, "line": line}

    cur = new(1)
    key = None

    def flush(line: int) -> None:
        nonlocal cur, key
        if cur["msgid"] is not None:
            entries.append(cur)
        cur, key = new(line), None

    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.rstrip()
        if not line:
            flush(n + 1)
            continue
        if line.startswith("#~"):
            cur["obsolete"] = True
            line = line[2:].strip()
            if not line:
                continue
        elif line.startswith("#"):
            if cur["msgid"] is not None and key is not None:
                flush(n)
            if line.startswith("#,"):
                cur["flags"].update(f.strip() for f in line[2:].split(",") if f.strip())
            continue
        m = _KEYWORD.match(line)
        if m:
            kw, index, value = m.group(1), m.group(2), _unquote(m.group(3))
            if kw in ("msgctxt", "msgid") and cur["msgid"] is not None and key != "msgctxt":
                flush(n)
            if index is not None:
                cur["msgstr_plural"][int(index)] = value
                key = ("plural", int(index))
            else:
                cur[kw] = value
                key = kw
        elif line.startswith('"') and key is not None:
            value = _unquote(line)
            if isinstance(key, tuple):
                cur["msgstr_plural"][key[1]] += value
            else:
                cur[key] += value
        else:
            raise AssertionError(f"{path}:{n}: cannot parse {line!r}")
    flush(0)
    return entries


@pytest.fixture(scope="module")
def entries() -> list[dict]:
    return [e for e in parse_po(PO_PATH) if e["msgid"] and not e["obsolete"]]


def _label(e: dict) -> str:
    return f"{PO_PATH.name}:{e['line']} {e['msgid']!r}"


def _pairs(e: dict) -> list[tuple[str, str]]:
    """(source, translation) pairs: msgid/msgstr, or msgid/msgstr[0] and msgid_plural/msgstr[n>0]."""
    if e["msgid_plural"] is None:
        return [(e["msgid"], e["msgstr"] or "")]
    forms = e["msgstr_plural"]
    return [(e["msgid"] if i == 0 else e["msgid_plural"], forms[i]) for i in sorted(forms)]


def test_catalogue_is_parsed(entries):
    assert len(entries) > 1000
    assert any(e["msgid"] == "Emprendimiento" for e in entries)


def test_no_untranslated_entries(entries):
    missing = [_label(e) for e in entries if not all(t for _src, t in _pairs(e))]
    assert not missing, f"{len(missing)} untranslated: {missing[:20]}"


def test_plural_entries_have_both_forms(entries):
    bad = [_label(e) for e in entries if e["msgid_plural"] is not None and sorted(e["msgstr_plural"]) != [0, 1]]
    assert not bad, bad


def test_no_fuzzy_entries(entries):
    fuzzy = [_label(e) for e in entries if "fuzzy" in e["flags"]]
    assert not fuzzy, f"{len(fuzzy)} fuzzy: {fuzzy[:20]}"


def test_placeholders_are_preserved(entries):
    bad = []
    for e in entries:
        pattern = _PYFORMAT if "python-format" in e["flags"] else _NAMED
        for src, tr in _pairs(e):
            if sorted(pattern.findall(src)) != sorted(pattern.findall(tr)):
                bad.append(f"{_label(e)} -> {tr!r}")
    assert not bad, "\n".join(bad)


def test_translations_are_not_copies_of_the_spanish(entries):
    """Short words (Idea, Sector, no) and pure placeholders may legitimately be identical; sentences may not."""
    copies = [_label(e) for e in entries for src, tr in _pairs(e)
              if src == tr and len(re.sub(r"%\([^)]+\)\w|[^A-Za-zÁÉÍÓÚáéíóúñÑ]", "", src)) > 12]
    assert not copies, copies


def test_compiled_mo_matches_po(entries):
    with MO_PATH.open("rb") as fh:
        catalog = gettext.GNUTranslations(fh)._catalog
    stale = []
    for e in entries:
        msgid = e["msgid"] if e["msgctxt"] is None else f"{e['msgctxt']}\x04{e['msgid']}"
        if e["msgid_plural"] is None:
            if catalog.get(msgid) != e["msgstr"]:
                stale.append(_label(e))
        else:
            for i, form in e["msgstr_plural"].items():
                if catalog.get((msgid, i)) != form:
                    stale.append(f"{_label(e)}[{i}]")
    assert not stale, f"django.mo is stale (run compilemessages): {stale[:20]}"


def test_mo_is_not_older_than_po():
    assert MO_PATH.stat().st_size > 0
    po_msgids = {e["msgid"] for e in parse_po(PO_PATH) if e["msgid"] and not e["obsolete"]}
    with MO_PATH.open("rb") as fh:
        catalog = gettext.GNUTranslations(fh)._catalog
    mo_msgids = {k[0] if isinstance(k, tuple) else k for k in catalog if k}
    assert po_msgids <= mo_msgids


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "english", "spanish"),
    [
        ("/cursos/", "Free and subsidized courses", "Cursos gratuitos y subsidiados"),
        ("/catalogo/", "Local business catalogue", "Catálogo de emprendimientos"),
        ("/observatorio/publico/", "Public Labour Market Observatory", "Observatorio público del mercado de trabajo"),
    ],
)
def test_public_pages_of_new_modules_render_in_english(client, url, english, spanish):
    # LocaleMiddleware (no i18n_patterns): the language cookie selects English.
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert english in html
    assert spanish not in html


@pytest.mark.django_db
def test_accept_language_header_selects_english(client):
    html = client.get("/cursos/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Free and subsidized courses" in html
    spanish = client.get("/cursos/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Cursos gratuitos y subsidiados" in spanish


def test_gettext_with_override_uses_new_strings():
    from django.utils import translation

    with translation.override("en"):
        assert translation.gettext("Observatorio") == "Observatory"
        assert translation.gettext("Capital semilla") == "Seed capital"
        assert translation.gettext("Emprendimiento") == "Entrepreneurship"
        assert translation.ngettext("%(n)s cupo libre", "%(n)s cupos libres", 2) % {"n": 2} == "2 places left"
