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
    """Normals of shape (quarter, draw) + key.shape: ``normal(keyed(key, quarter, draw), lane)``.

    The quarter is mixed in once per key and quarter, then the draw: the same words as keying every
    (key, quarter, draw) from the start, for a draw-th of the first mix's work.
    """
    key = np.asarray(key, dtype=np.uint64)
    ones = (1,) * key.ndim
    per_quarter = keyed(key[None, ...], quarters.reshape(-1, *ones))
    return normal(keyed(per_quarter[:, None, ...], draws.reshape(1, -1, *ones)), lane)


def common_shocks(pop: Population, seed: int, quarters: np.ndarray, draws: np.ndarray, a: dict) -> np.ndarray:
    """City price (AR(1)) + county weather + village shocks: shape (quarter, draw, village), relative deviations.

    The price index is a stationary AR(1) of unit variance started in the first quarter simulated:
    ``p₀ = z₀, p_t = φ·p_{t−1} + √(1 − φ²)·z_t``, scaled by ``price_shock_sd``. Built a quarter at a time
    (a verdict's hundreds of draws × every village would otherwise hold several arrays of hundreds of MB).
    """
    base = stream_key(seed, STREAM_COMMON)
    region = text_keys([pop.region.name])[0] ^ base
    z_price = _normals(region, quarters, draws, 0)  # (quarter, draw)
    phi = a["price_shock_persistence"]
    innovation = np.sqrt(1 - phi**2)
    price = np.empty_like(z_price)
    price[0] = z_price[0]
    for i in range(1, len(quarters)):
        price[i] = phi * price[i - 1] + innovation * z_price[i]
    county_keys, village_keys = text_keys(pop.counties) ^ base, pop.village_key ^ base
    price_sd = a["price_shock_sd"][:, None]
    county_sd, village_sd = a["county_shock_sd"][:, None], a["village_shock_sd"][:, None]
    out = np.empty((len(quarters), len(draws), len(village_keys)), np.float32)
    for i in range(len(quarters)):
        quarter = quarters[i : i + 1]
        county = _normals(county_keys, quarter, draws, 1)[0][:, pop.village_county]  # (draw, village)
        village = _normals(village_keys, quarter, draws, 2)[0]
        out[i] = price[i][:, None] * price_sd + county * county_sd + village * village_sd
    return out


def wage_shocks(pop: Population, seed: int, quarters: np.ndarray, draws: np.ndarray, wage_sd: np.ndarray) -> np.ndarray:
    """City-wide relative wage shocks, shape (quarter, draw)."""
    region = text_keys([pop.region.name])[0] ^ stream_key(seed, STREAM_WAGE)
    return _normals(region, quarters, draws, 0) * wage_sd
