"""Hand-worked expectations shared by the page's tests (AppTest and the real browser)."""

from __future__ import annotations


def expected_n7(scenario, per_million: float | None = None) -> float:
    """N7 by docs/MODEL.md §4.1 while no county runs out of willing households: support packages and asset links
    per million yuan of industry funds (``per_million`` instead of the scenario's households per million)."""
    industry = scenario.industry
    links = scenario.linking.households_per_million_yuan if per_million is None else per_million
    return 1e6 * industry.household_support_share / industry.support_per_household_yuan + (
        links * industry.collective_assets_share
    )
