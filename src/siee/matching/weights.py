"""Weights of the matching score components (pure Python: no Django).

The score of a (person, vacancy) pair is the weighted mean of the component values, each in [0, 1]:

    score = sum(weight[c] * value[c]) / sum(weight[c])      over the components that apply to the vacancy

A component that does not apply to a vacancy (skills, when the vacancy lists none) is left out of both sums,
so the score stays in [0, 1]. Weights are relative: (2, 2) and (0.5, 0.5) rank identically.

ENGINE_VERSION changes whenever a formula changes; each stored match and each referral records it together
with the weights version, so a ranking can be explained later exactly as it was computed.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields

ENGINE_VERSION = "siee-match-1.0"

COMPONENTS = ("occupation", "skills", "experience", "education", "location", "wage", "hours", "preferences")

COMPONENT_LABELS = {
    "occupation": "Ocupación",
    "skills": "Habilidades",
    "experience": "Experiencia",
    "education": "Educación",
    "location": "Ubicación",
    "wage": "Salario",
    "hours": "Jornada",
    "preferences": "Preferencias",
}


@dataclass(frozen=True)
class Weights:
    """Relative importance of each component. Non-negative, finite, not all zero."""

    occupation: float = 0.25
    skills: float = 0.25
    experience: float = 0.15
    education: float = 0.10
    location: float = 0.10
    wage: float = 0.05
    hours: float = 0.02
    preferences: float = 0.08

    def __post_init__(self) -> None:
        total = 0.0
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"peso '{f.name}': debe ser un número, no {value!r}")
            if math.isnan(value):
                raise ValueError(f"peso '{f.name}': NaN no es un peso válido")
            if math.isinf(value):
                raise ValueError(f"peso '{f.name}': debe ser finito, no {value}")
            if value < 0:
                raise ValueError(f"peso '{f.name}': no puede ser negativo ({value})")
            if value > 1000:
                raise ValueError(f"peso '{f.name}': demasiado grande ({value}); use pesos relativos entre 0 y 1000")
            total += value
        if total <= 0:
            raise ValueError("pesos: todos son cero; al menos un componente debe pesar más que cero")

    @classmethod
    def from_dict(cls, data: dict | None, *, base: Weights | None = None) -> Weights:
        """Weights from a (possibly partial) mapping; unspecified keys keep `base` (or the defaults).

        Values may be strings ("0.3") as typed on a command line. Unknown keys are an error.
        """
        base = base or cls()
        values = asdict(base)
        for key, raw in (data or {}).items():
            if key not in values:
                raise ValueError(f"peso desconocido: '{key}' (válidos: {', '.join(COMPONENTS)})")
            if isinstance(raw, str):
                try:
                    raw = float(raw.strip().replace(",", "."))
                except ValueError:
                    raise ValueError(f"peso '{key}': '{raw}' no es un número") from None
            values[key] = raw
        return cls(**values)

    def as_dict(self) -> dict[str, float]:
        return {k: float(getattr(self, k)) for k in COMPONENTS}

    def total(self) -> float:
        return float(sum(getattr(self, k) for k in COMPONENTS))
