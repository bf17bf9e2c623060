"""Shocks shared by many households: city prices, county weather, village disease, the city's wage market.

Each is a counter-based normal of (seed, stream, place, quarter, draw) — the place being the region, county or
village by its name's stable key — so a county gets the same weather whichever worker simulates it and whichever
other counties run beside it. Household shocks are drawn inside the engine from the household's own key.
"""

from __future__ import annotations

import numpy as np

from model.engine.rng import STREAM_COMMON, STREAM_WAGE, keyed, normal, stream_key
from model.population.table import Population, text_keys


def _normals(key: np.ndarray | np.uint64, quarters: np.ndarray, draws: np.ndarray, lane: int) -> np.ndarray:
    """Normals of shape key.shape + (quarter, draw)."""
    key = np.asarray(key, dtype=np.uint64)[..., None, None]
    return normal(keyed(key, quarters[:, None], draws[None, :]), lane)


def common_shocks(pop: Population, seed: int, quarters: np.ndarray, draws: np.ndarray, a: dict) -> np.ndarray:
    """City price (AR(1)) + county weather + village shocks: shape (quarter, village, draw), relative deviations.

    The price index is a stationary AR(1) of unit variance started in the first quarter simulated:
    ``p₀ = z₀, p_t = φ·p_{t−1} + √(1 − φ²)·z_t``, scaled by ``price_shock_sd``.
    """
    base = stream_key(seed, STREAM_COMMON)
    region = text_keys([pop.region.name])[0] ^ base
    z_price = _normals(region, quarters, draws, 0)
    z_county = _normals(text_keys(pop.counties) ^ base, quarters, draws, 1)
    z_village = _normals(pop.village_key ^ base, quarters, draws, 2)
    phi = a["price_shock_persistence"]
    innovation = np.sqrt(1 - phi**2)
    price = np.empty_like(z_price)
    price[0] = z_price[0]
    for i in range(1, len(quarters)):
        price[i] = phi * price[i - 1] + innovation * z_price[i]
    county = z_county[pop.village_county].transpose(1, 0, 2)
    village = z_village.transpose(1, 0, 2)
    out = price[:, None, :] * a["price_shock_sd"] + county * a["county_shock_sd"] + village * a["village_shock_sd"]
    return out.astype(np.float32)


def wage_shocks(pop: Population, seed: int, quarters: np.ndarray, draws: np.ndarray, wage_sd: np.ndarray) -> np.ndarray:
    """City-wide relative wage shocks, shape (quarter, draw)."""
    region = text_keys([pop.region.name])[0] ^ stream_key(seed, STREAM_WAGE)
    return _normals(region, quarters, draws, 0) * wage_sd
