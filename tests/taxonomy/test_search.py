"""search_concepts over the starter set (loaded once per session by tests/conftest.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from siee.lib.text import fold
from siee.taxonomy.models import Occupation
from siee.taxonomy.search import fast_fold, search_concepts

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("starter_only")]

KEYS = {"kind", "id", "uri", "label", "matched_label", "isco", "score"}


@pytest.mark.parametrize(("query", "kind", "label"), [
    ("soldador", "occupation", "soldador/soldadora"),
    ("ayudante de cosina", "occupation", "ayudante de cocina"),
    ("excel avanzado", "skill", "Microsoft Excel"),
    ("cosinero", "occupation", "cocinero/cocinera"),
    ("SOLDADORA", "occupation", "soldador/soldadora"),
    ("manipulacion de alimentos", "skill", "manipulación de alimentos"),
    ("conduccion de moto", "skill", "conducción de motocicleta"),
    ("garzon", "occupation", "mesero/mesera"),
    ("gasfiter", "occupation", "plomero/plomera"),
    ("auxliar de bodega", "occupation", "auxiliar de bodega"),
])
def test_top_result(query, kind, label):
    results = search_concepts(query)
    assert (results[0]["kind"], results[0]["label"]) == (kind, label)


def test_result_shape_and_exact_match_scores_one():
    [hit] = search_concepts("cocinera", limit=1)
    assert set(hit) == KEYS
    cook = Occupation.objects.get(uri="urn:siee:occupation:cocinero")
    assert hit == {"kind": "occupation", "id": cook.pk, "uri": "urn:siee:occupation:cocinero",
                   "label": "cocinero/cocinera", "matched_label": "cocinera", "isco": "5120", "score": 1.0}


def test_alternative_label_is_reported_as_matched_label():
    [hit] = search_concepts("celador", limit=1)
    assert (hit["label"], hit["matched_label"], hit["isco"], hit["score"]) == (
        "guarda de seguridad", "celador", "5414", 1.0)


def test_typo_scores_below_one_and_results_are_sorted():
    results = search_concepts("ayudante de cosina", limit=10)
    assert 0.9 < results[0]["score"] < 1.0
    scores = [r["score"] for r in results]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert len({(r["kind"], r["id"]) for r in results}) == len(results)  # one row per concept


def test_kind_filter_and_limit():
    skills = search_concepts("soldadura", kind="skill", limit=3)
    assert [r["kind"] for r in skills] == ["skill"] * 3
    assert all(r["isco"] is None for r in skills)
    assert {r["label"] for r in skills} >= {"soldadura MIG/TIG"}
    occupations = search_concepts("soldadura", kind="occupation", limit=2)
    assert [r["kind"] for r in occupations] == ["occupation"] * 2


def test_empty_or_nonsense_query_returns_nothing():
    assert search_concepts("") == []
    assert search_concepts("  ¿? ") == []
    assert search_concepts("qqqqxxxzzz") == []
    with pytest.raises(ValueError):
        search_concepts("cocinero", kind="vacancy")


def test_index_sees_new_occupations_without_explicit_invalidation():
    assert search_concepts("tejedor de hamacas", kind="occupation")[0]["label"] != "tejedor de hamacas"
    occ = Occupation.objects.create(uri="urn:siee:test:occupation:hamacas", label="tejedor de hamacas",
                                    isco_code="7318", source="test")
    [hit] = search_concepts("tejedor de hamacas", kind="occupation", limit=1)
    assert (hit["id"], hit["score"]) == (occ.pk, 1.0)


@given(st.text(st.characters(exclude_characters="\x00"), max_size=40))  # fold() turns NUL into "ñ"
@hypothesis_settings(max_examples=300, deadline=None, derandomize=True)
def test_fast_fold_equals_fold(text):
    assert fast_fold(text) == fold(text)


def test_expand_query_replaces_whole_latin_american_words_only():
    from siee.taxonomy.search import expand_query

    assert expand_query("Excel avanzado") == "utilizar hojas de calculo"
    assert expand_query("mesero con experiencia") == "camarero con experiencia"
    assert expand_query("motocicleta") is None  # 'moto' only as a whole word
    assert expand_query("soldador") is None
