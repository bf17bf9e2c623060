"""What each Monte Carlo draw believes: behavioural assumptions, and the per-draw tables the engine looks up.

With ``simulation.draw_assumptions`` every assumption with a spread (model/parameters/scenario_fields.toml) is
drawn around the scenario's value — symmetric, so its mean is the value and drawing never moves central values —
from a counter-based uniform of (seed, assumption, draw): draw ``d`` believes the same whatever the number of
draws, so a run extended with more draws keeps the draws it had. Lags are never drawn.

The tables turn a plan's amounts into yuan per draw: the concave gains of household support and asset links per
county, the saturated tourism, purchases and collective payouts, growth factors, persistence and survival.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from statistics import NormalDist

import numpy as np

from model.engine.plan import WAN, Plan, concave_gain, saturated
from model.engine.rng import STREAM_ASSUMPTIONS, keyed, stream_key
from model.population.table import text_keys
from model.schema import fieldspec

TRUNCATE_SD = 3.0
UNIT = float(1 << 53)


@cache
def _name_key(name: str) -> np.uint64:
    """The stable key of an assumption's name (hashing one text through pandas costs more than a small run)."""
    return text_keys([name])[0]


def _uniform(seed: int, name: str, draws: np.ndarray) -> np.ndarray:
    """One uniform per draw for one assumption, keyed by the assumption's name (adding one never shifts another)."""
    key = _name_key(name) ^ stream_key(seed, STREAM_ASSUMPTIONS)
    return ((keyed(key, draws) >> np.uint64(11)).astype(np.float64) + 0.5) / UNIT


def _half_width(spec: fieldspec.FieldSpec, value: float) -> float:
    """The spread's half width, narrowed symmetrically so the draws stay inside the field's range."""
    spread = spec.spread or {}
    wanted = spread.get("half_width", TRUNCATE_SD * spread.get("sd", 0.0))
    return max(0.0, min(wanted, value - float(spec.min), float(spec.max) - value))


def drawing_range(spec: fieldspec.FieldSpec, value: float) -> tuple[float, float]:
    """The range an assumption is drawn in around ``value`` (a sensitivity analysis varies it over the same)."""
    h = _half_width(spec, value)
    return value - h, value + h


def spread_draws(spec: fieldspec.FieldSpec, value: float, u: np.ndarray) -> np.ndarray:
    """Draws of one assumption around ``value`` from uniforms ``u`` (mean exactly ``value``)."""
    h = _half_width(spec, value)
    if h <= 0:
        return np.full(len(u), value)
    if spec.spread["kind"] == "triangular":
        left = u < 0.5
        return value + h * np.where(left, np.sqrt(2 * u) - 1, 1 - np.sqrt(2 * (1 - u)))
    sd = spec.spread["sd"]
    cut = NormalDist().cdf(-h / sd)
    inv = NormalDist().inv_cdf
    return value + sd * np.array([inv(cut + x * (1 - 2 * cut)) for x in u])


def assumption_draws(scenario, draws: int, first: int = 0, held: frozenset[str] = frozenset()) -> dict[str, np.ndarray]:
    """Each assumption as an array over draws ``first … first + draws − 1``, float64.

    Assumptions named in ``held`` stay at the scenario's value even when assumptions are drawn (the calibration
    holds the rates it solves for; a sensitivity analysis holds the ones it varies itself).
    """
    values = scenario.assumptions.model_dump()
    index = np.arange(first, first + draws, dtype=np.uint64)
    out = {}
    for spec in fieldspec.section_fields("assumptions"):
        value = float(values[spec.name])
        if scenario.simulation.draw_assumptions and spec.drawn and spec.name not in held:
            out[spec.name] = spread_draws(spec, value, _uniform(scenario.simulation.seed, spec.name, index))
        else:
            out[spec.name] = np.full(draws, value)
    return out


@dataclass(frozen=True, eq=False)
class DrawTables:
    """Per-draw numbers the engine multiplies a plan's per-household terms by (arrays end in the draw axis)."""

    a: dict[str, np.ndarray]
    growth: dict[str, np.ndarray]  # component → (years since base, draw): (1 + g)^k
    support_gain: np.ndarray  # (draw,) yuan in the year of a support package of the scenario's size
    support_fade_c: np.ndarray  # (county, draw) yuan a year of past support still in base-year production
    asset_increment_c: np.ndarray  # (county, stake 1…V, draw) yuan a year the k-th stake adds at full returns
    persistence_pow: np.ndarray  # (years, draw): persistence^k
    survival: np.ndarray  # (quarters since start, draw): (1 − failure)^(quarters / 4)
    tourism_gain: np.ndarray  # (draw,) yuan a year per reached household, scenario
    tourism_base_gain: np.ndarray  # (draw,) base year
    tourism_reach_c: np.ndarray  # (county, draw) poverty-alleviated farmers reached, scenario
    tourism_base_reach_c: np.ndarray
    training_per_year_c: np.ndarray  # (county, draw) poverty-alleviated trainees a year
    non_industry_c: np.ndarray  # (county, draw) 万元 a year of income from non-industry funds beyond the base
    consumption_delta_c: np.ndarray  # (county, draw) yuan of net income from purchases beyond the base year's
    collective_delta_c: np.ndarray  # (county, draw) 万元 of payout to poverty-alleviated members beyond the base
    credit_return: np.ndarray  # (draw,) net yuan a year per yuan of loan
    unemployed_share: np.ndarray  # (draw,) stationary share of worker households out of work


def tables(plan: Plan, a: dict[str, np.ndarray]) -> DrawTables:
    """The per-draw tables of one plan under assumption draws ``a``."""
    n_years = plan.n_vintages + 1
    years = np.arange(n_years)[:, None]
    growth = {k: (1 + a[f"organic_growth_{k}"]) ** years for k in ("production", "wage", "property", "transfer")}

    def support(amount: float) -> np.ndarray:
        return concave_gain(amount, a["support_gain_max_yuan"], a["support_min_yuan"], a["support_scale_yuan"])

    stakes = np.arange(plan.n_vintages + 1)[None, :, None] * plan.asset_amount_c[:, None, None]
    asset = concave_gain(stakes, a["asset_gain_max_yuan"], a["asset_min_yuan"], a["asset_scale_yuan"])
    phi = a["support_persistence"]
    elapsed = np.arange(plan.n_quarters + 1)[:, None]
    share = a["tourism_poverty_share"]
    reach_city = plan.tourism_farmers_c.sum() * share
    base_city = plan.tourism_base_farmers_c.sum() * share
    market = a["tourism_market_cap_10k_yuan"] * WAN * plan.pop.region.programme_scale

    def per_household(reached: np.ndarray) -> np.ndarray:
        pool = saturated(reached * a["tourism_gain_yuan"], market)
        return np.divide(pool, reached, out=np.zeros_like(pool), where=reached > 0)

    capacity_c = a["consumption_cap_share"] * plan.willing_production_c[:, None] / WAN
    purchases = saturated(plan.consumption_c[:, None], capacity_c) - saturated(
        plan.consumption_base_c[:, None], capacity_c
    )
    payout_cap_c = (
        plan.villages_c[:, None] * a["collective_income_per_village_yuan"] * a["collective_payout_share_max"] / WAN
    )
    collective = plan.collective_share_first * saturated(plan.collective_c[:, None], payout_cap_c)
    collective_base = plan.collective_base_share_first * saturated(plan.collective_base_c[:, None], payout_cap_c)
    default = a["microcredit_default_rate"]
    credit = (1 - default) * (a["microcredit_return_rate"] - a["microcredit_net_interest_rate"])
    credit = credit - default * a["microcredit_default_loss_share"]
    loss, find = a["job_loss_rate"], a["job_find_rate"]
    return DrawTables(
        a=a,
        growth=growth,
        support_gain=support(plan.support_amount),
        support_fade_c=support(plan.support_base_amount) * plan.support_base_households_c[:, None] / (1 - phi),
        asset_increment_c=np.diff(asset, axis=1),
        persistence_pow=a["support_persistence"] ** np.arange(n_years + 8)[:, None],
        survival=(1 - a["asset_failure_rate"]) ** (elapsed / 4),
        tourism_gain=per_household(reach_city),
        tourism_base_gain=per_household(base_city),
        tourism_reach_c=plan.tourism_farmers_c[:, None] * share,
        tourism_base_reach_c=plan.tourism_base_farmers_c[:, None] * share,
        training_per_year_c=plan.training_per_year_c[:, None] * a["training_poverty_share"],
        non_industry_c=plan.non_industry_delta_c[:, None] * a["non_industry_income_per_yuan"],
        consumption_delta_c=a["consumption_margin"] * purchases * WAN,
        collective_delta_c=collective - collective_base,
        credit_return=credit,
        unemployed_share=np.divide(loss, loss + find, out=np.zeros_like(loss), where=loss + find > 0),
    )
