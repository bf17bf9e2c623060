"""Shares that must add up to 100% (linking modes, uses of industry funds): moving one rebalances the others.

The others keep their proportions (equal split when they were all zero) and are rounded to 0.0001 with the
rounding residue on the largest, so the total is exactly representable as 1 within the model's tolerance. The page
says which values it adjusted; nothing changes silently.
"""

from __future__ import annotations

from model.schema.scenario import SHARE_GROUPS, Scenario

DECIMALS = 4
GROUPS: dict[str, tuple[str, ...]] = {
    f"{section}.{name}": tuple(f"{section}.{n}" for n in names)
    for section, (names, _, _) in SHARE_GROUPS.items()
    for name in names
}


def is_link_share(path: str) -> bool:
    """True for a share that belongs to a group adding up to 1."""
    return path in GROUPS


def rebalanced(scenario: Scenario, path: str, value: float) -> dict[str, float]:
    """Changes setting ``path`` to ``value`` and the other shares of its group so that they add up to 1."""
    others = [p for p in GROUPS[path] if p != path]
    current = [float(scenario.value(p)) for p in others]
    rest = max(0.0, 1.0 - value)
    total = sum(current)
    weights = [c / total for c in current] if total > 0 else [1 / len(others)] * len(others)
    shares = [round(rest * w, DECIMALS) for w in weights]
    largest = max(range(len(shares)), key=lambda i: shares[i])
    shares[largest] = round(rest - sum(s for i, s in enumerate(shares) if i != largest), DECIMALS + 6)
    return {path: value, **dict(zip(others, shares, strict=True))}
