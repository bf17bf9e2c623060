"""Counter-based random numbers: every shock is a pure function of (seed, stream, who, quarter, draw).

No generator state is carried from one number to the next, so any household × draw × quarter can be computed on
its own: results do not depend on the order of computation, the block size, the number of threads or which Dask
worker a county lands on, and a run can be extended with more draws without changing the draws it already has.

The mixing function is the SplitMix64 finaliser (Steele, Lea & Flood 2014; the output function of Java's
SplittableRandom), a bijection on 64-bit integers with full avalanche. One 64-bit word gives four 16-bit lanes:
uniforms on a grid of 2⁻¹⁶ and standard normals through a 2¹⁶-cell inverse-CDF table (tails cut at ±4.3 sd).
The compiled kernel (model/engine/kernel.py) uses the same constants and must give the same bits.
"""

from __future__ import annotations

from functools import cache
from statistics import NormalDist

import numpy as np

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
MIX1 = np.uint64(0xBF58476D1CE4E5B9)
MIX2 = np.uint64(0x94D049BB133111EB)
LANE_BITS = 16
LANE_CELLS = 1 << LANE_BITS

# Streams: each kind of randomness has its own, so adding one never shifts another.
STREAM_PRIORITIES = 1
STREAM_COMMON = 2
STREAM_HOUSEHOLD = 3
STREAM_ASSUMPTIONS = 4
STREAM_WAGE = 5
STREAM_START = 6


def mix64(z: np.ndarray | np.uint64) -> np.ndarray:
    """SplitMix64 finaliser on uint64 (arrays or scalars; wraps modulo 2⁶⁴ by design)."""
    z = np.asarray(z, dtype=np.uint64)
    with np.errstate(over="ignore"):
        z = (z ^ (z >> np.uint64(30))) * MIX1
        z = (z ^ (z >> np.uint64(27))) * MIX2
    return z ^ (z >> np.uint64(31))


def stream_key(seed: int, stream: int) -> np.uint64:
    """The key of one stream under one seed."""
    with np.errstate(over="ignore"):
        return np.uint64(mix64(mix64(np.uint64(seed)) + np.uint64(stream) * GOLDEN))


def keyed(key: np.ndarray | np.uint64, *counters: np.ndarray | int) -> np.ndarray:
    """Mix counters into a key one after another: ``mix64(mix64(key + c1·φ) + c2·φ) …`` (φ the golden ratio)."""
    out = np.asarray(key, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for c in counters:
            out = mix64(out + np.asarray(c, dtype=np.uint64) * GOLDEN)
    return out


def lane(word: np.ndarray, k: int) -> np.ndarray:
    """The ``k``-th 16-bit lane (0–3) of each word, as integers 0 … 65,535."""
    return ((word >> np.uint64(LANE_BITS * k)) & np.uint64(LANE_CELLS - 1)).astype(np.int64)


def uniform(word: np.ndarray, k: int) -> np.ndarray:
    """Uniform on (0, 1) at the cell midpoints of lane ``k`` (never exactly 0 or 1)."""
    return (lane(word, k) + 0.5) / LANE_CELLS


@cache
def normal_table() -> np.ndarray:
    """Standard normal quantiles at the midpoints of 2¹⁶ equal-probability cells (float64)."""
    inv = NormalDist().inv_cdf
    return np.array([inv((i + 0.5) / LANE_CELLS) for i in range(LANE_CELLS)])


def normal(word: np.ndarray, k: int) -> np.ndarray:
    """Standard normal from lane ``k`` by table lookup."""
    return normal_table()[lane(word, k)]


def lane_threshold(rate: np.ndarray) -> np.ndarray:
    """Per rate, the number of lane values whose uniform is below it: ``uniform(w, k) < r ⇔ lane(w, k) < T``.

    Exact (the uniforms are the cell midpoints), so a compiled engine can compare integers and still make the
    reference's every decision.
    """
    midpoints = (np.arange(LANE_CELLS) + 0.5) / LANE_CELLS
    return np.searchsorted(midpoints, np.asarray(rate, dtype=np.float64), side="left").astype(np.int64)
