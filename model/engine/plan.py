"""Who each of the notice's channels reaches, when, and with how much: the plan of one scenario on one population.

Everything here depends on the population, the scenario's levers and the seed's queues, never on a Monte Carlo
draw; what depends on a draw's behavioural assumptions (how much a yuan of support yields, how large the tourism
market is …) is worked out per draw in :mod:`model.engine.draws`. The equations are in docs/MODEL.md §3–4.

Accounting rule (docs/MODEL.md §3): base-year incomes already contain everything in place in the base year — the
assets and loans outstanding, the households bound, the year's flows. A channel adds the change of its stock since
the base year (new asset vintages, newly bound households, loans outstanding, trained workers) or the change of its
flow against the base year's level (household support, tourism, purchases, collective payouts). Organic growth is
fitted on the 2021→22 back-test with the same rule, so it holds no programme effect twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from model.engine.rng import STREAM_PRIORITIES, keyed, stream_key
from model.population.table import Population
from model.schema import calibration as cal
from model.schema import fieldspec
from model.schema.scenario import (
    LINK_MODE_FIELDS,
    Problem,
    Scenario,
    ScenarioError,
    quarter_index,
)

WAN = 10_000.0  # yuan per 万元
LINK_MODES: tuple[str, ...] = ("participation", "land_transfer", "contract_planting", "contract_raising")
NEVER = np.inf


def industry_funds_10k_yuan(scenario: Scenario) -> float:
    """Connection funds spent on industry per year (万元)."""
    f = scenario.funds
    return (
        f.central_10k_yuan * f.industry_share_central
        + f.provincial_10k_yuan * f.industry_share_provincial
        + f.city_county_10k_yuan * f.industry_share_city_county
    )


def total_funds_10k_yuan(scenario: Scenario) -> float:
    """All connection funds per year (万元)."""
    f = scenario.funds
    return f.central_10k_yuan + f.provincial_10k_yuan + f.city_county_10k_yuan


def base_industry_funds_10k_yuan(year: int) -> float:
    """Industry funds of a base year's programmes (万元 per year)."""
    p = cal.programmes(year)
    return (
        p["central_10k_yuan"] * p["industry_share_central"]
        + p["provincial_10k_yuan"] * p["industry_share_provincial"]
        + p["city_county_10k_yuan"] * p["industry_share_city_county"]
    )


def allocation_shares(pop: Population, scenario: Scenario) -> np.ndarray:
    """Share of every city-wide programme going to each county.

    The scenario's own table (Qujing's counties only), or else in proportion to the region's calibrated households.
    Taken from the calibration, not from the household table in use, so that a table covering only some counties
    receives only those counties' shares of the city's money and targets.
    """
    table = scenario.funds.county_shares
    if table and pop.region.is_qujing:
        return np.array([table.get(c, 0.0) for c in pop.counties])
    h = pop.region.calibrated_households
    return h / h.sum()


def saturated(amount: np.ndarray | float, capacity: np.ndarray | float, sharpness: float = 4.0) -> np.ndarray:
    """Smooth ceiling ``x / (1 + (x / cap)^k)^(1/k)``: ≈ x well below the capacity, never above it.

    With k = 4 a programme at half its capacity keeps 99.6% of its amount, at the capacity 84%, at twice the
    capacity 97% of the capacity: a planner sees a straight line that bends onto the ceiling. Zero capacity → 0.
    """
    x = np.maximum(np.asarray(amount, dtype=np.float64), 0.0)
    cap = np.asarray(capacity, dtype=np.float64)
    ratio = np.divide(x, cap, out=np.full(np.broadcast(x, cap).shape, np.inf), where=cap > 0)
    with np.errstate(over="ignore", invalid="ignore"):
        out = x / (1 + ratio**sharpness) ** (1 / sharpness)
    return np.where(cap > 0, np.nan_to_num(out, nan=0.0, posinf=0.0), 0.0)


def concave_gain(amount: np.ndarray, gain_max: np.ndarray, minimum: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Yearly income a household draws from ``amount`` yuan: 0 up to ``minimum``, then ``g·(1 − e^{−(A−min)/s})``.

    Diminishing returns with a ceiling ``gain_max`` and a least effective amount: spreading money thin (below the
    minimum) and concentrating it (on the flat part) both waste it (docs/MODEL.md §4).
    """
    excess = np.maximum(np.asarray(amount, dtype=np.float64) - minimum, 0.0)
    return gain_max * -np.expm1(-excess / np.maximum(scale, 1e-9))


def _positions(pop: Population, key: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """Weighted number of eligible households ahead of each household in its county, ordered by ``key``.

    Ineligible households get +inf, so that ``position < reach`` is never true for them. Rows are sorted by
    county, so each county is sorted on its own (a loop over counties, not over households).
    """
    pos = np.full(pop.n, np.inf)
    w_all = np.where(eligible, pop.weight, 0.0)
    for start, stop in pop.county_slices:
        order = np.argsort(np.where(eligible[start:stop], key[start:stop], np.inf), kind="stable")
        w = w_all[start:stop][order]
        ahead = np.empty(stop - start)
        ahead[order] = np.cumsum(w) - w
        pos[start:stop] = ahead
    return np.where(eligible, pos, np.inf)


@dataclass(frozen=True, eq=False)
class Queues:
    """Each household's place in line for every channel, and its own uniforms: population and seed only.

    Keys are counter-based uniforms of the household's id (model/engine/rng.py), so the same household stands at
    the same place in every scenario with the seed (common random numbers), whatever the table's row order.
    """

    support: np.ndarray
    assets: np.ndarray
    mode: np.ndarray
    bind: np.ndarray
    credit: np.ndarray
    credit_order: tuple[np.ndarray, ...]  # per county: its rows (from the county's first) in willing line order
    tourism: np.ndarray
    training: np.ndarray
    term: np.ndarray


def _uniforms(pop: Population, seed: int, k: int) -> np.ndarray:
    """The ``k``-th priority uniform of every household (0 < u < 1, 53-bit resolution)."""
    word = keyed(pop.household_key ^ stream_key(seed, STREAM_PRIORITIES), k)
    return ((word >> np.uint64(11)).astype(np.float64) + 0.5) / float(1 << 53)


@lru_cache(maxsize=8)
def queues(pop: Population, seed: int) -> Queues:
    """Queue positions per channel (weighted households ahead in the same county)."""
    u = [_uniforms(pop, seed, k) for k in range(8)]
    willing = pop.industry_willing
    borrower = pop.microcredit_yuan > 0
    everyone = np.ones(pop.n, dtype=bool)
    credit = _positions(pop, u[4] - borrower, willing | borrower)
    willing_line = np.where(willing, credit, np.inf)
    return Queues(
        support=_positions(pop, u[0] + (~willing), everyone),
        assets=_positions(pop, u[1] + (~willing), everyone),
        mode=u[2],
        bind=_positions(pop, u[3] - pop.dual_bound, willing),
        credit=credit,
        credit_order=tuple(np.argsort(willing_line[a:b], kind="stable") for a, b in pop.county_slices),
        tourism=_positions(pop, u[5], everyone),
        training=_positions(pop, u[6], pop.workers > 0),
        term=u[7],
    )


def _reached(position: np.ndarray, reach_by_county: np.ndarray, county: np.ndarray) -> np.ndarray:
    """True where a household's position is within its county's reach."""
    return position < reach_by_county[county]


@dataclass(frozen=True, eq=False)
class Plan:
    """Per-household reach, timing and amounts of every channel, for one population and one scenario.

    Quarters are absolute indices (``4·year + q``). Arrays are per household unless said per county (``_c``).
    """

    pop: Population
    scenario: Scenario
    base_quarter: int
    first_quarter: int
    last_quarter: int
    allocation: np.ndarray
    households_c: np.ndarray
    # industry funds (N5–N8)
    industry_funds_c: np.ndarray
    support_households_c: np.ndarray
    asset_households_c: np.ndarray
    support_amount: float
    asset_amount_c: np.ndarray
    support_mask: np.ndarray
    asset_mask: np.ndarray
    asset_mode: np.ndarray
    land_rented_mu: np.ndarray
    support_base_households_c: np.ndarray
    support_base_amount: float
    willing_production_unit: np.ndarray
    # non-industry connection funds (public-welfare jobs, labour subsidies …): change against the base year
    non_industry_delta_c: np.ndarray
    # dual binding (N11)
    bind_quarter: np.ndarray
    coverage_now: np.ndarray
    coverage_target: np.ndarray
    # microcredit (N9): loan outstanding per household and projected quarter, against the base year's
    loan_outstanding: np.ndarray
    loan_existing: np.ndarray
    credit_factor_c: np.ndarray  # (county, projected quarter): new borrowers' return, 0–1 of the full return
    # tourism (N15), training (N18): positions; their reach depends on drawn shares
    tourism_position: np.ndarray
    tourism_farmers_c: np.ndarray
    tourism_base_farmers_c: np.ndarray
    training_position: np.ndarray
    training_per_year_c: np.ndarray
    # consumption (N13), collective (N17)
    consumption_c: np.ndarray
    consumption_base_c: np.ndarray
    willing_production_c: np.ndarray
    collective_unit: np.ndarray
    collective_c: np.ndarray
    collective_base_c: np.ndarray
    collective_share_first: float
    collective_base_share_first: float
    villages_c: np.ndarray

    @property
    def n_quarters(self) -> int:
        """Quarters simulated, base year included."""
        return self.last_quarter - self.base_quarter + 1

    @property
    def projected_quarters(self) -> list[int]:
        """The quarters after the base year."""
        return list(range(self.first_quarter, self.last_quarter + 1))

    @property
    def n_vintages(self) -> int:
        """Projected years, each a vintage of industry funds."""
        return self.last_quarter // 4 - self.first_quarter // 4 + 1

    @property
    def linked_c(self) -> np.ndarray:
        """Households linked per county in a year: support recipients and asset-linked households (N7's count)."""
        return self.support_households_c + self.asset_households_c

    def coverage(self, t: int) -> np.ndarray:
        """Dual-binding coverage of willing households by county at the end of quarter ``t``."""
        span = quarter_index(self.scenario.dual_binding.target_quarter) + 1 - self.first_quarter
        progress = np.clip((t + 1 - self.first_quarter) / max(span, 1), 0.0, 1.0)
        return self.coverage_now + (self.coverage_target - self.coverage_now) * progress


def _check_horizon(pop: Population, scenario: Scenario) -> tuple[int, int, int]:
    first = 4 * (pop.base_year + 1)
    start = quarter_index(scenario.simulation.start_quarter)
    last = quarter_index(scenario.simulation.end_quarter)
    if start < first:
        raise ScenarioError(
            [
                Problem(
                    "simulation.start_quarter",
                    scenario.simulation.start_quarter,
                    "custom",
                    f"人口的收入为 {pop.base_year} 年数据，预测只能从 {pop.base_year + 1}Q1 起"
                    f"|the population's incomes are of {pop.base_year}, so a projection starts at "
                    f"{pop.base_year + 1}Q1 at the earliest",
                )
            ]
        )
    if pop.base_year not in cal.base_years():
        raise ScenarioError(
            [Problem("(population)", pop.base_year, "custom", f"没有 {pop.base_year} 年的项目水平|no programme levels")]
        )
    return 4 * pop.base_year, first, last


def _vintage_mask(position: np.ndarray, per_year_c: np.ndarray, households_c: np.ndarray, county, n_years: int):
    """Bit v set where vintage v reaches the household: places [v·L, (v+1)·L) of the line, wrapping round.

    Once a county's line is used up the next year's households are the first in line again (a household can be
    supported or linked again, with diminishing returns on its stakes); ``L`` is at most the line's length
    ``households_c`` (a place beyond it is never reached: support's line holds only the willing households).
    """
    per_year = per_year_c[county]
    size = households_c[county]
    line_c = np.maximum(households_c, 1e-12)
    mask = np.zeros(len(position), dtype=np.uint16)
    reachable = np.isfinite(position) & (per_year > 0) & (position < size)
    for v in range(n_years):
        start = np.mod(v * per_year_c, line_c)[county]
        # (position − start) mod L for a place in [0, L): numpy's mod of a number in (−L, L), without its division
        behind = position - start
        offset = np.where(behind < 0, behind + line_c[county], behind)
        mask |= np.where(reachable & (offset < per_year), np.uint16(1 << v), np.uint16(0))
    return mask


def _industry(pop: Population, scenario: Scenario, q: Queues, a: np.ndarray, households: np.ndarray, n_years: int):
    """Vintages of industry funds: who gets household support or an asset link in which year, and how much.

    Household support goes in packages of ``support_per_household_yuan``; asset funds link
    ``households_per_million_yuan`` households per million yuan, each holding a stake of 10⁶ / that number yuan.
    Support's line holds the willing households only (at most one package each a year); the asset line puts them
    first, then the others. Both wrap round once used up. A land-transfer link rents the household's transferable
    land up to what its stake farms (``population.project_capital_per_mu``): the land a project rents grows with
    its money, not with the number of households it links.
    """
    split = scenario.industry
    scale = pop.region.programme_scale
    funds_c = industry_funds_10k_yuan(scenario) * a * scale
    willing_c = np.bincount(pop.county, weights=pop.weight * pop.industry_willing, minlength=pop.n_counties)
    # A package goes only to a household with the will and conditions for industry, one a year each: packages
    # beyond the county's willing households are not spent (the capacity flag says so).
    support_c = np.minimum(WAN * split.household_support_share * funds_c / split.support_per_household_yuan, willing_c)
    per_million = scenario.linking.households_per_million_yuan
    asset_c = np.minimum(per_million * split.collective_assets_share * funds_c / 100.0, households)
    asset_amount_c = np.divide(
        WAN * split.collective_assets_share * funds_c, asset_c, out=np.zeros_like(funds_c), where=asset_c > 0
    )
    land_rented_mu = np.minimum(
        pop.transferable_land_mu, asset_amount_c[pop.county] / cal.value("population.project_capital_per_mu")
    )
    shares = np.cumsum([getattr(scenario.linking, f) for f in LINK_MODE_FIELDS])
    mode = np.minimum(np.searchsorted(shares, q.mode * shares[-1], side="right"), 3).astype(np.int8)

    # The base year's support flow, for the fade of its past recipients (spread over willing households).
    default_amount = fieldspec.by_path()["industry.support_per_household_yuan"].default
    default_share = fieldspec.by_path()["industry.household_support_share"].default
    base_funds_c = base_industry_funds_10k_yuan(pop.base_year) * a * scale
    base_support_c = np.minimum(WAN * default_share * base_funds_c / default_amount, willing_c)
    willing_production = np.where(pop.industry_willing, pop.income_base["production"] * pop.weight, 0.0)
    willing_production_c = np.bincount(pop.county, weights=willing_production, minlength=pop.n_counties)
    unit = np.divide(
        np.where(pop.industry_willing, pop.income_base["production"], 0.0),
        willing_production_c[pop.county],
        out=np.zeros(pop.n),
        where=willing_production_c[pop.county] > 0,
    )
    return {
        "industry_funds_c": funds_c,
        "support_households_c": support_c,
        "asset_households_c": asset_c,
        "support_amount": float(split.support_per_household_yuan),
        "asset_amount_c": asset_amount_c,
        "support_mask": _vintage_mask(q.support, support_c, willing_c, pop.county, n_years),
        "asset_mask": _vintage_mask(q.assets, asset_c, households, pop.county, n_years),
        "asset_mode": mode,
        "land_rented_mu": land_rented_mu,
        "support_base_households_c": base_support_c,
        "support_base_amount": float(default_amount),
        "willing_production_unit": unit,
        "willing_production_c": willing_production_c,
    }


def _binding(pop: Population, scenario: Scenario, q: Queues, first: int):
    """Dual binding (N11): among willing households, the already bound first, then by priority."""
    willing = pop.industry_willing
    n_c = pop.n_counties
    willing_c = np.bincount(pop.county, weights=pop.weight * willing, minlength=n_c)
    bound_c = np.bincount(pop.county, weights=pop.weight * pop.dual_bound, minlength=n_c)
    coverage_now = np.divide(bound_c, willing_c, out=np.ones(n_c), where=willing_c > 0)
    rank = np.divide(q.bind, willing_c[pop.county], out=np.full(pop.n, np.inf), where=willing)
    target_c = np.maximum(scenario.dual_binding.coverage_target, coverage_now)
    target, now = target_c[pop.county], coverage_now[pop.county]
    span = quarter_index(scenario.dual_binding.target_quarter) + 1 - first
    newly = willing & ~pop.dual_bound & (rank < target)
    frac = np.divide(rank - now, target - now, out=np.zeros(pop.n), where=target > now)
    bind_quarter = np.where(newly, first + np.clip(frac, 0, 1) * max(span, 1), NEVER)
    return {"bind_quarter": bind_quarter, "coverage_now": coverage_now, "coverage_target": target_c}


def _credit(pop: Population, scenario: Scenario, q: Queues, a: np.ndarray, first: int, last: int):
    """Microcredit (N9): loans outstanding per household and quarter, as a stock with renewals.

    The table's loans mature evenly over the average term T (by key); every quarter a quarter of the year's new
    lending renews the loans maturing that quarter first, and what is left goes to the next willing households
    without a loan, in line. A loan lasts T: 9 or 10 quarters, so that the mean is 4T. Loans maturing when the
    quarter's lending is used up are not renewed: the stock runs off without new lending. A record stands for
    ``weight`` loans, so the part of a quarter's lending too small for the next record waits for the next quarter
    (while someone is left to lend to): over a year the county lends its amount, not less.
    """
    term = cal.value("population.microcredit_term_years") * 4
    loan = scenario.microcredit.average_loan_yuan
    per_quarter_c = scenario.microcredit.new_lending_10k_yuan * WAN / loan * a * pop.region.programme_scale / 4
    length = np.floor(term) + (q.term < term - np.floor(term))
    existing = pop.microcredit_yuan.copy()
    borrower_c = pop.borrowers_by_county()
    rank = np.divide(q.credit, borrower_c[pop.county], out=np.zeros(pop.n), where=borrower_c[pop.county] > 0)
    until = np.where(existing > 0, first + np.floor(term * np.clip(rank, 0, 1)), -1.0)
    amount = existing.copy()
    out = np.zeros((pop.n, last - first + 1), dtype=np.float32)
    willing_line = np.where(pop.industry_willing, q.credit, np.inf)
    pointer = np.zeros(pop.n_counties)
    for c, (start, stop) in enumerate(pop.county_slices):
        rows = slice(start, stop)
        w = pop.weight[rows]
        line = willing_line[rows]
        by_line = q.credit_order[c]  # each quarter filters this order
        line_sorted = line[by_line]
        span = max(float(np.sum(w[np.isfinite(q.credit[rows])])), 1e-12)  # the whole line, borrowers included
        carried = 0.0
        for i, t in enumerate(range(first, last + 1)):
            budget = per_quarter_c[c] + carried
            due = until[rows][by_line] == t
            order = by_line[due]  # maturing loans in line order (ties by row)
            kept = np.cumsum(w[order]) <= budget + 1e-9
            renewed, ended = order[kept], order[~kept]
            amount[start + renewed] = loan
            until[start + renewed] = t + length[start + renewed]
            amount[start + ended] = 0.0
            until[start + ended] = -1.0
            budget -= float(w[renewed].sum())
            is_free = (until[rows][by_line] < t) & np.isfinite(line_sorted)
            free = by_line[is_free]
            chosen = free[:0]
            if budget > 0 and len(free):
                # In line order from the pointer round to it again: the free households sorted by
                # (line − pointer) mod span, i.e. the line order turned at the pointer (lines lie in [0, span)).
                turn = np.searchsorted(line_sorted[is_free], pointer[c], side="left")
                order = np.concatenate((free[turn:], free[:turn]))
                chosen = order[np.cumsum(w[order]) <= budget + 1e-9]
                amount[start + chosen] = loan
                until[start + chosen] = t + length[start + chosen]
                budget -= float(w[chosen].sum())
                if len(chosen):
                    pointer[c] = np.mod(line[chosen[-1]] + w[chosen[-1]], span)
            carried = max(budget, 0.0) if len(free) > len(chosen) else 0.0
            out[rows, i] = np.where(until[rows] > t, amount[rows], 0.0)
    # Households holding a loan per county and quarter, who had one in the base year or not (one matrix product).
    had_loan = existing > 0
    by_kind = np.stack([pop.weight * had_loan, pop.weight * ~had_loan])  # (kind, household)
    holding = (out > 0).astype(np.float64)
    held = np.stack([by_kind[:, a:b] @ holding[a:b] for a, b in pop.county_slices], axis=1)  # (kind, county, q)
    households = np.maximum(pop.households_by_county(), 1e-12)[:, None]
    factor = new_borrower_return(held[0] / households, held[1] / households, borrower_c[:, None] / households)
    return {"loan_outstanding": out, "loan_existing": existing, "credit_factor_c": factor}


def productive_borrowers(share: np.ndarray, fade_from: np.ndarray) -> np.ndarray:
    """Borrowers at full return equivalent to a borrower share ``share`` (shares of households, 0–1).

    The marginal borrower earns the full return up to ``fade_from``, then a return falling linearly to nothing
    over the next ``population.microcredit_return_fade_width`` of households: the integral of that marginal
    return from 0 to ``share``.
    """
    width = cal.value("population.microcredit_return_fade_width")
    beyond = np.clip(share - fade_from, 0.0, width)
    return np.minimum(share, fade_from) + beyond - beyond**2 / (2 * width)


def new_borrower_return(held_base: np.ndarray, held_new: np.ndarray, share_base: np.ndarray) -> np.ndarray:
    """The return (0–1 of the full return) of the loans of households without a base-year loan, per county and quarter.

    Later borrowers earn less (the best projects are financed first; expanding access reaches households with
    fewer productive uses). A county's base-year borrowers have shown a use for their loans and keep the full
    return; the marginal borrower earns it up to the county's base-year share ``share_base``, then a return
    fading to nothing (:func:`productive_borrowers`). ``held_base`` and ``held_new`` are the shares of households
    holding a loan that had one in the base year or not: new borrowers earn what the marginal returns up to the
    county's share leave after the base-year borrowers, exactly 1 while the share stays within the base year's.

    The integral of the marginal return over the new borrowers' span [held_base, held_base + held_new] is taken
    piece by piece — at full return up to the county's share, then along the fade — rather than as a difference of
    :func:`productive_borrowers` at its two ends, which loses every digit when the span is tiny beside the shares
    (a property test found an average of 2 for a span of 10⁻¹⁶).
    """
    width = cal.value("population.microcredit_return_fade_width")
    held_base, held_new = np.broadcast_arrays(held_base, held_new)
    beyond_start = held_base - np.broadcast_to(share_base, held_base.shape)  # > 0: the span starts inside the fade
    full = np.clip(-beyond_start, 0.0, held_new)  # the part of the span below the county's share
    fade_start = np.maximum(beyond_start, 0.0)
    fading = np.clip(np.minimum(held_new - full, width - fade_start), 0.0, None)
    earned = full + fading * (1 - (fade_start + fading / 2) / width)
    average = np.divide(earned, held_new, out=np.ones(held_new.shape), where=held_new > 0)
    return np.clip(average, 0.0, 1.0)


def base_total_funds_10k_yuan(year: int) -> float:
    """All connection funds of a base year's programmes (万元 per year)."""
    p = cal.programmes(year)
    return p["central_10k_yuan"] + p["provincial_10k_yuan"] + p["city_county_10k_yuan"]


def build_plan(pop: Population, scenario: Scenario) -> Plan:
    """Work out, once per scenario, who each channel reaches, when and with how much."""
    base_q, first, last = _check_horizon(pop, scenario)
    n_years = last // 4 - first // 4 + 1
    q = queues(pop, scenario.simulation.seed)
    a = allocation_shares(pop, scenario)
    scale = pop.region.programme_scale
    households = pop.households_by_county()
    base = cal.programmes(pop.base_year)
    non_industry = total_funds_10k_yuan(scenario) - industry_funds_10k_yuan(scenario)
    base_non_industry = base_total_funds_10k_yuan(pop.base_year) - base_industry_funds_10k_yuan(pop.base_year)
    per_household = np.divide(WAN, households[pop.county], out=np.zeros(pop.n), where=households[pop.county] > 0)
    c = scenario.collective
    return Plan(
        pop=pop,
        scenario=scenario,
        base_quarter=base_q,
        first_quarter=first,
        last_quarter=last,
        allocation=a,
        households_c=households,
        **_industry(pop, scenario, q, a, households, n_years),
        non_industry_delta_c=(non_industry - base_non_industry) * a * scale,
        **_binding(pop, scenario, q, first),
        **_credit(pop, scenario, q, a, first, last),
        tourism_position=q.tourism,
        tourism_farmers_c=scenario.tourism.households_reached * scale * a,
        tourism_base_farmers_c=base["tourism_households"] * scale * a,
        training_position=q.training,
        training_per_year_c=scenario.training.person_times * scale * a,
        consumption_c=scenario.consumption.purchases_10k_yuan * scale * a,
        consumption_base_c=base["consumption_purchases_10k_yuan"] * scale * a,
        collective_unit=per_household,
        collective_c=c.dividends_10k_yuan * scale * a,
        collective_base_c=base["collective_dividends_10k_yuan"] * scale * a,
        collective_share_first=c.share_first_to_poverty_alleviated,
        collective_base_share_first=base["collective_share_first"],
        villages_c=pop.region.villages * (households / np.maximum(pop.region.calibrated_households, 1e-12)),
    )
