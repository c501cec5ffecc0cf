"""Pure core of the free-text classifier (siee.matching.classifier) on a small hand-built taxonomy."""

from __future__ import annotations

import subprocess
import sys

import pytest

from siee.matching.classifier import (
    OccupationClassifier,
    OccupationEntry,
    SkillEntry,
    holdout_split,
    label_key,
)

U = "urn:test:occupation:"
S = "urn:test:skill:"

OCCUPATIONS = [
    OccupationEntry(U + "cocinero", "5120", "cocinero/cocinera", ("cocinero de restaurante", "cocinera de restaurante"),
                    1, (S + "alimentos",)),
    OccupationEntry(U + "ayudante-cocina", "9412", "ayudante de cocina", ("auxiliar de cocina", "pinche de cocina"), 2,
                    (S + "alimentos",)),
    OccupationEntry(U + "camarero", "5131", "camarero/camarera", ("mozo de restaurante", "mesero de restaurante"), 3,
                    (S + "cliente",)),
    OccupationEntry(U + "soldador", "7212", "soldador/soldadora", ("soldador de tuberías", "soldadora de tuberías"), 4,
                    (S + "soldadura",)),
    OccupationEntry(U + "mozo-almacen", "9333", "mozo de almacén/moza de almacén", ("operario de almacén",), 5,
                    (S + "inventarios", S + "cargue")),
    OccupationEntry(U + "camionero", "8332", "conductor de camión/conductora de camión", ("camionero", "camionera"), 6,
                    (S + "pesados",)),
    OccupationEntry(U + "electricista", "7411", "electricista", ("electricista de edificios",), 7, ()),
    OccupationEntry(U + "peluquero", "5141", "peluquero/peluquera", ("estilista capilar",), 8, ()),
    OccupationEntry(U + "vigilante", "5414", "vigilante de seguridad", ("guarda de seguridad", "guardia de seguridad"),
                    9, ()),
    OccupationEntry(U + "contable", "2411", "contable", ("contador público", "contadora pública"), 10, ()),
    OccupationEntry(U + "tecnico", "3113", "técnico electricista/técnica electricista", ("técnico en electricidad",),
                    11, ()),
]
GROUPS = {"5120": "Cocineros", "9412": "Ayudantes de cocina", "5131": "Camareros de mesa",
          "7212": "Soldadores y oxicortadores", "9333": "Obreros de carga", "8332": "Conductores de camiones pesados",
          "7411": "Electricistas de obras y afines", "5141": "Peluqueros", "5414": "Guardianes de protección",
          "2411": "Contables", "3113": "Electrotécnicos"}
SKILLS = [
    SkillEntry(S + "alimentos", "manipulación de alimentos", ("manipular alimentos",), 101),
    SkillEntry(S + "cliente", "atención al cliente", ("servicio al cliente",), 102),
    SkillEntry(S + "soldadura", "soldadura por arco", ("soldadura MIG", "soldadura TIG"), 103),
    SkillEntry(S + "inventarios", "control de inventarios", ("manejo de inventarios",), 104),
    SkillEntry(S + "cargue", "cargue y descargue de mercancía", ("carga y descarga",), 105),
    SkillEntry(S + "pesados", "conducción de vehículos pesados", ("licencia C3",), 106),
]


@pytest.fixture(scope="module")
def clf() -> OccupationClassifier:
    return OccupationClassifier(OCCUPATIONS, GROUPS, SKILLS)


def top1(clf, text):
    return clf.classify(text, top=1)[0]


def test_importing_the_core_does_not_import_django():
    code = "import sys, siee.matching.classifier; sys.exit('django' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_exact_label_scores_one_and_result_shape(clf):
    assert clf.classify("ayudante de cocina", top=2) == [
        {"code": U + "ayudante-cocina", "isco": "9412", "label": "ayudante de cocina", "score": 1.0, "id": 2,
         "kind": "occupation"},
        {"code": U + "cocinero", "isco": "5120", "label": "cocinero/cocinera", "score": 0.2262, "id": 1,
         "kind": "occupation"},
    ]


def test_typo(clf):
    hit = top1(clf, "cosinero")
    assert (hit["code"], hit["score"]) == (U + "cocinero", 1.0)  # corrected to the vocabulary word
    assert top1(clf, "soldadr")["code"] == U + "soldador"


def test_gendered_form_and_no_accents(clf):
    assert (top1(clf, "Conductora de camión")["code"], top1(clf, "Conductora de camión")["score"]) == (U + "camionero", 1.0)
    assert (top1(clf, "tecnico en electricidad")["code"], top1(clf, "tecnico en electricidad")["score"]) == (
        U + "tecnico", 0.98)  # an alternative label, written without accents
    assert (top1(clf, "CONTADORA PUBLICA")["code"], top1(clf, "CONTADORA PUBLICA")["score"]) == (
        U + "contable", 1.0)  # through the synonym list: contadora pública -> contable
    assert (top1(clf, "moza de almacen")["code"], top1(clf, "moza de almacen")["score"]) == (U + "mozo-almacen", 1.0)


def test_free_text_first_person_and_colombian_words(clf):
    assert (top1(clf, "trabajé de mesero")["code"], top1(clf, "trabajé de mesero")["score"]) == (U + "camarero", 1.0)
    assert top1(clf, "soldador mig tig con experiencia")["code"] == U + "soldador"
    assert top1(clf, "auxiliar de bodega con moto")["code"] == U + "mozo-almacen"


def test_long_noisy_description(clf):
    text = ("Importante empresa del sector alimentos requiere AUXILIAR DE BODEGA con moto para la ciudad de "
            "Bogotá. Funciones: cargue y descargue de mercancía, manejo de inventarios y alistamiento de "
            "pedidos. Se requiere experiencia mínima de 6 meses. Salario: $1.300.000 + prestaciones de ley. "
            "Horario lunes a sábado.")
    results = clf.classify(text, top=3)
    assert results[0]["code"] == U + "mozo-almacen"
    assert results[0]["score"] > results[1]["score"]


def test_boilerplate_alone_gives_nothing(clf):
    assert clf.classify("") == []
    assert clf.classify("   ") == []
    assert clf.classify("se requiere con experiencia, salario y horario") == []


def test_scores_bounded_sorted_and_batch_equals_single(clf):
    texts = ["cocinera", "", "guarda de seguridad nocturno", "electricista de obra con experiencia"]
    batch = clf.classify_batch(texts, top=5)
    assert [len(r) == 0 for r in batch] == [False, True, False, False]
    for text, results in zip(texts, batch, strict=True):
        assert results == clf.classify(text, top=5)
        scores = [r["score"] for r in results]
        assert scores == sorted(scores, reverse=True) and all(0 <= s <= 1 for s in scores)
    assert batch[2][0]["code"] == U + "vigilante"
    assert batch[3][0]["code"] == U + "electricista"


def test_isco_groups_are_candidates_on_request(clf):
    hit = clf.classify("Cocineros", top=1, kinds=("isco",))[0]
    assert (hit["code"], hit["isco"], hit["score"]) == ("http://data.europa.eu/esco/isco/C5120", "5120", 1.0)
    # an occupation inherits a weaker score from its group's label
    assert top1(clf, "Soldadores y oxicortadores")["code"] == U + "soldador"


def test_classify_skills(clf):
    text = "Manejo de inventarios, cargue y descargue de mercancía y buena atención al cliente."
    found = clf.classify_skills(text, top=10)
    assert [f["code"] for f in found] == [S + "cargue", S + "cliente", S + "inventarios"]
    assert found[2]["matched_label"] == "manejo de inventarios"
    assert [f["code"] for f in clf.classify_skills("soldadura mig y tig")] == [S + "soldadura"]
    assert clf.classify_skills("") == []


def test_holdout_is_leak_free():
    kept, held = holdout_split(OCCUPATIONS, 0.5, seed=3)
    assert held  # something is held out
    clf = OccupationClassifier(kept, GROUPS, SKILLS)
    index = clf.indexed_labels()
    for label, uri, _isco in held:
        assert uri not in clf.concepts_with_label(label)
        assert label not in clf.form_text
    kept_alts = {a for o in kept for a in o.alt_labels}
    assert not kept_alts & {h[0] for h in held}
    # labels that differ only by gender/stopwords from a kept label are not asked
    assert all(label_key(h[0]) not in {label_key(a) for o in kept if o.uri == h[1] for a in (o.label, *o.alt_labels)}
               for h in held)
    assert index  # the index is not empty
