import pytest

from siee.lib.env import ConfigError, envbool, envint
from siee.lib.text import fold, tokens


def test_envbool_rejects_garbage(monkeypatch):
    monkeypatch.setenv("SIEE_X", "quizas")
    with pytest.raises(ConfigError):
        envbool("SIEE_X", False)


def test_envint_parses_and_defaults(monkeypatch):
    monkeypatch.setenv("SIEE_N", "42")
    assert envint("SIEE_N", 1) == 42
    monkeypatch.delenv("SIEE_N")
    assert envint("SIEE_N", 7) == 7


def test_fold_strips_accents_keeps_enie():
    assert fold("  Ayudante de COCINA, Señor Pérez ") == "ayudante de cocina señor perez"


def test_tokens_drop_stopwords_and_stem():
    assert tokens("Auxiliar de bodega con moto") == ["auxiliar", "bodega", "moto"]
    assert tokens("cocineros", stem=True) == tokens("cocinero", stem=True)


def test_title_es_keeps_particles_lower():
    from siee.lib.text import title_es

    assert title_es("VALLE DEL CAUCA") == "Valle del Cauca"
    assert title_es("SAN JOSÉ DE CÚCUTA") == "San José de Cúcuta"
