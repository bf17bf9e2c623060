"""PRIM, the patient rule induction method (Friedman & Fisher 1999), on a points × dimensions array.

Every dimension is coded as numbers (a quarter by its index, true/false as 1/0); ``y`` is 1 where the outcome of
interest holds. A *box* is a lower and an upper bound per dimension; a point is inside when every coordinate is
within its bounds. Quality of a box: *density* (share of its points with y = 1), *coverage* (share of all y = 1
points it holds) and *mass* (share of all points it holds).

- Peeling: from the box holding everything, repeatedly remove the ``alpha`` share of the box's points at the low
  or the high end of one dimension (at least one distinct value on dimensions with ties), choosing the peel that
  leaves the highest density; stop when the next box would hold less than ``min_mass`` of the points or the
  density is 1. The sequence of boxes is the *peeling trajectory* (coverage falls as density rises).
- Pasting: widen a box's bounds again, one ``alpha`` step at a time, while that raises the density or keeps it
  and raises the coverage.
- Choosing: the box of the trajectory with the largest coverage whose density reaches the required share, pasted,
  then simplified: restrictions are dropped one at a time (the drop that keeps the most coverage first) while the
  density still reaches the required share — the simplest box that keeps the promise.

Written for this project after reading the method's paper and the EMA Workbench's implementation (no code taken).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ALPHA = 0.05
MIN_MASS = 0.05


@dataclass(frozen=True)
class Box:
    """Bounds per dimension (inclusive) and the box's quality on the data it was found on."""

    lower: np.ndarray
    upper: np.ndarray
    coverage: float
    density: float
    mass: float
    points: int
    restricted: tuple[int, ...]

    @property
    def dimensions(self) -> int:
        """Number of restricted dimensions."""
        return len(self.restricted)


class _Data:
    """The points, the outcome and the full range of every dimension."""

    def __init__(self, x: np.ndarray, y: np.ndarray):
        self.x = np.asarray(x, dtype=float)
        self.y = np.asarray(y, dtype=float)
        self.lo = self.x.min(axis=0)
        self.hi = self.x.max(axis=0)
        self.total_y = self.y.sum()

    def inside(self, lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
        return np.all((self.x >= lower) & (self.x <= upper), axis=1)

    def box(self, lower: np.ndarray, upper: np.ndarray) -> Box:
        mask = self.inside(lower, upper)
        n = int(mask.sum())
        hits = float(self.y[mask].sum())
        restricted = tuple(int(j) for j in np.flatnonzero((lower > self.lo) | (upper < self.hi)))
        return Box(
            lower=lower.copy(),
            upper=upper.copy(),
            coverage=hits / self.total_y if self.total_y > 0 else 0.0,
            density=hits / n if n else 0.0,
            mass=n / len(self.y),
            points=n,
            restricted=restricted,
        )


def _peels(data: _Data, lower: np.ndarray, upper: np.ndarray, alpha: float) -> list[tuple[np.ndarray, np.ndarray]]:
    """Every candidate box one peel smaller than (lower, upper)."""
    mask = data.inside(lower, upper)
    out = []
    for j in range(data.x.shape[1]):
        values = np.sort(data.x[mask, j])
        distinct = np.unique(values)
        if len(distinct) < 2:
            continue
        k = max(1, int(np.floor(alpha * len(values))))
        new_low = values[k] if values[k] > distinct[0] else distinct[1]
        new_high = values[-1 - k] if values[-1 - k] < distinct[-1] else distinct[-2]
        low_box, high_box = lower.copy(), upper.copy()
        low_box[j], high_box[j] = new_low, new_high
        out += [(low_box, upper), (lower, high_box)]
    return out


def _gain_per_point(current: Box, candidate: Box) -> float:
    """Density gained per share of points peeled away (the "lenient" objective of the EMA Workbench).

    Peeling by the plain density gain prefers removing a whole category of a coarse dimension (a quarter, a
    yes/no) on noise alone; gain per point removed prefers the peels that remove only misses.
    """
    removed = current.mass - candidate.mass
    return (candidate.density - current.density) / removed if removed > 0 else -np.inf


def peeling_trajectory(x: np.ndarray, y: np.ndarray, alpha: float = ALPHA, min_mass: float = MIN_MASS) -> list[Box]:
    """The boxes peeling passes through, from the box holding every point."""
    data = _Data(x, y)
    lower, upper = data.lo.copy(), data.hi.copy()
    trajectory = [data.box(lower, upper)]
    while trajectory[-1].density < 1.0:
        candidates = [data.box(lo, hi) for lo, hi in _peels(data, lower, upper, alpha)]
        candidates = [b for b in candidates if b.mass >= min_mass and b.points > 0]
        if not candidates:
            break
        current = trajectory[-1]
        best = max(candidates, key=lambda b: (_gain_per_point(current, b), b.points))
        lower, upper = best.lower, best.upper
        trajectory.append(best)
    return trajectory


def paste(x: np.ndarray, y: np.ndarray, box: Box, alpha: float = ALPHA) -> Box:
    """Widen ``box`` one dimension at a time while that raises its density (or keeps it and adds coverage)."""
    data = _Data(x, y)
    current = data.box(box.lower, box.upper)
    while True:
        best = current
        for j in range(data.x.shape[1]):
            others = current.lower.copy(), current.upper.copy()
            others[0][j], others[1][j] = data.lo[j], data.hi[j]
            outside_j = data.inside(*others) & ~data.inside(current.lower, current.upper)
            step = max(1, int(np.ceil(alpha * current.points)))
            below = np.sort(data.x[outside_j & (data.x[:, j] < current.lower[j]), j])[::-1]
            above = np.sort(data.x[outside_j & (data.x[:, j] > current.upper[j]), j])
            for side, values in (("lower", below), ("upper", above)):
                if len(values) == 0:
                    continue
                lower, upper = current.lower.copy(), current.upper.copy()
                (lower if side == "lower" else upper)[j] = values[min(step, len(values)) - 1]
                candidate = data.box(lower, upper)
                if candidate.density >= current.density - 1e-12 and (candidate.density, candidate.coverage) > (
                    best.density,
                    best.coverage,
                ):
                    best = candidate
        if best is current:
            return current
        current = best


def unrestrict(x: np.ndarray, y: np.ndarray, box: Box, dimension: int) -> Box:
    """``box`` with ``dimension`` set back to its full range."""
    data = _Data(x, y)
    lower, upper = box.lower.copy(), box.upper.copy()
    lower[dimension], upper[dimension] = data.lo[dimension], data.hi[dimension]
    return data.box(lower, upper)


def simplest_box(x: np.ndarray, y: np.ndarray, box: Box, required_density: float) -> Box:
    """Drop restrictions of ``box`` one at a time while the density stays at least ``required_density``."""
    current = box
    while current.restricted:
        options = [unrestrict(x, y, current, j) for j in current.restricted]
        options = [b for b in options if b.density >= required_density - 1e-12]
        if not options:
            break
        current = max(options, key=lambda b: (b.coverage, b.density))
    return current


def choose_box(
    x: np.ndarray, y: np.ndarray, trajectory: list[Box], required_density: float, alpha: float = ALPHA
) -> tuple[Box, bool]:
    """The simplest box reaching ``required_density`` with the most coverage, and whether it reaches it.

    When no box of the trajectory reaches the required density, the densest one is returned (pasted), with False.
    """
    reaching = [b for b in trajectory if b.density >= required_density - 1e-12]
    if not reaching:
        densest = max(trajectory, key=lambda b: (b.density, b.coverage))
        return paste(x, y, densest, alpha), False
    start = max(reaching, key=lambda b: (b.coverage, -b.dimensions, b.density))
    return simplest_box(x, y, paste(x, y, start, alpha), required_density), True
