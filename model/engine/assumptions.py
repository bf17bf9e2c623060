"""Behavioural assumptions per Monte Carlo draw.

With ``simulation.draw_assumptions = false`` every draw uses the scenario's values; with ``true`` each
magnitude is drawn from a triangular distribution over its allowed range with the scenario's value as the
mode, so that the bands also show what the model does not know. Lags (``*_ramp_quarters``) are never drawn:
they set the shape of the time path, not its size (docs/MODEL.md §5).
"""

from __future__ import annotations

import numpy as np

from model.schema import fieldspec

STREAM_ASSUMPTIONS = 4
NOT_DRAWN_SUFFIX = "_ramp_quarters"


def assumption_draws(scenario, draws: int) -> dict[str, np.ndarray]:
    """Each assumption as an array of shape (draws,), float64."""
    values = scenario.assumptions.model_dump()
    if not scenario.simulation.draw_assumptions:
        return {k: np.full(draws, float(v)) for k, v in values.items()}
    rng = np.random.default_rng(np.random.SeedSequence([scenario.simulation.seed, STREAM_ASSUMPTIONS]))
    out = {}
    for spec in fieldspec.section_fields("assumptions"):
        mode = float(values[spec.name])
        u = rng.random(draws)
        if spec.name.endswith(NOT_DRAWN_SUFFIX) or spec.min == spec.max:
            out[spec.name] = np.full(draws, mode)
            continue
        out[spec.name] = _triangular(u, float(spec.min), mode, float(spec.max))
    return out


def _triangular(u: np.ndarray, low: float, mode: float, high: float) -> np.ndarray:
    """Inverse CDF of the triangular distribution (one uniform per draw keeps streams aligned)."""
    span = high - low
    cut = (mode - low) / span
    left = low + np.sqrt(u * span * (mode - low))
    right = high - np.sqrt((1 - u) * span * (high - mode))
    return np.where(u < cut, left, right)
