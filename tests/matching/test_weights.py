import math

import pytest

from siee.matching.weights import COMPONENTS, Weights


def test_defaults_sum_to_one_and_cover_every_component():
    w = Weights()
    assert tuple(w.as_dict()) == COMPONENTS
    assert w.total() == pytest.approx(1.0)


@pytest.mark.parametrize(("value", "message"), [
    (-0.1, "peso 'skills': no puede ser negativo (-0.1)"),
    (math.nan, "peso 'skills': NaN no es un peso válido"),
    (math.inf, "peso 'skills': debe ser finito, no inf"),
    ("x", "peso 'skills': 'x' no es un número"),
    (True, "peso 'skills': debe ser un número, no True"),
    (5000, "peso 'skills': demasiado grande (5000); use pesos relativos entre 0 y 1000"),
])
def test_absurd_weights_are_refused_naming_the_weight(value, message):
    with pytest.raises(ValueError) as err:
        Weights.from_dict({"skills": value})
    assert str(err.value) == message


def test_all_zero_and_unknown_keys_are_refused():
    with pytest.raises(ValueError, match="todos son cero"):
        Weights.from_dict({c: 0 for c in COMPONENTS})
    with pytest.raises(ValueError, match="peso desconocido: 'salary'"):
        Weights.from_dict({"salary": 0.2})


def test_partial_update_keeps_the_base_and_parses_strings():
    base = Weights.from_dict({"location": 0.3})
    w = Weights.from_dict({"skills": "0,4"}, base=base)
    assert w.skills == 0.4 and w.location == 0.3 and w.occupation == 0.25
