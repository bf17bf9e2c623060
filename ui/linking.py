"""The four ways of linking households must add up to 100%: moving one rebalances the other three.

The other three keep their proportions (equal split when they were all zero) and are rounded to 0.0001 with the
rounding residue on the largest, so the total is exactly representable as 1 within the model's tolerance. The page
says which values it adjusted; nothing changes silently.
"""

from __future__ import annotations

from model.schema.scenario import LINK_MODE_FIELDS, Scenario

SECTION = "linking"
DECIMALS = 4
PATHS = tuple(f"{SECTION}.{name}" for name in LINK_MODE_FIELDS)


def is_link_share(path: str) -> bool:
    """True for the four linking-mode shares."""
    return path in PATHS


def rebalanced(scenario: Scenario, path: str, value: float) -> dict[str, float]:
    """Changes setting ``path`` to ``value`` and the other three shares so that the four add up to 1."""
    others = [p for p in PATHS if p != path]
    current = [float(scenario.value(p)) for p in others]
    rest = max(0.0, 1.0 - value)
    total = sum(current)
    weights = [c / total for c in current] if total > 0 else [1 / len(others)] * len(others)
    shares = [round(rest * w, DECIMALS) for w in weights]
    largest = max(range(len(shares)), key=lambda i: shares[i])
    shares[largest] = round(rest - sum(s for i, s in enumerate(shares) if i != largest), DECIMALS + 6)
    return {path: value, **dict(zip(others, shares, strict=True))}
