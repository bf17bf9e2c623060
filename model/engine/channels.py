"""Who each of the notice's channels reaches, and by how much: per-household terms of the income equations.

Each income component of a household in quarter t (before shocks) is a sum of terms ``base[h](t) * theta[d](t)``:
``base`` depends on the household and the scenario's levers (who is reached, how much was invested per
household, how far a ramp has got), ``theta`` on the behavioural assumptions of draw ``d``. Keeping the two
apart lets one matrix product per quarter serve every draw, whether assumptions are drawn or fixed.
The equations are written out in docs/MODEL.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np

from model.population.synth import county_household_counts
from model.population.table import Population
from model.schema import calibration as cal
from model.schema.fieldspec import COUNTIES
from model.schema.scenario import Scenario, quarter_index

FIRST_QUARTER = quarter_index("2023Q1")
BASE_YEAR = 2022
STREAM_PRIORITIES = 1
WAN = 10_000.0  # yuan per 万元

# Terms of each component, in matrix-column order. The channel a term belongs to is its name before "/".
TERMS: dict[str, tuple[str, ...]] = {
    "production": ("trend", "industry", "dual_binding", "microcredit", "tourism", "consumption"),
    "wage": ("trend", "industry/wage", "training"),
    "property": ("trend", "industry/dividend", "industry/land", "collective"),
    "transfer": ("trend",),
}
CHANNELS: tuple[str, ...] = (
    "industry",
    "dual_binding",
    "microcredit",
    "tourism",
    "consumption",
    "training",
    "collective",
)
LINK_MODES: tuple[str, ...] = ("participation", "land_transfer", "contract_planting", "contract_raising")


def channel_of(term: str) -> str:
    """``"industry/wage"`` → ``"industry"``."""
    return term.split("/", 1)[0]


def allocation_shares(scenario: Scenario) -> np.ndarray:
    """Share of every city-wide programme going to each county.

    The scenario's own table, or else in proportion to each county's calibrated number of poverty-alleviated
    and monitored households. Taken from the calibration, not from the household table in use, so that a table
    covering only some counties receives only those counties' shares of the city's money and targets.
    """
    table = scenario.funds.county_shares
    if table:
        return np.array([table.get(c, 0.0) for c in COUNTIES])
    counts = county_household_counts()
    households = np.array([sum(counts[c].values()) for c in COUNTIES], dtype=float)
    return households / households.sum()


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


def _positions(pop: Population, key: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """Weighted number of eligible households ahead of each household in its county, ordered by ``key``.

    Ineligible households get +inf, so that ``position < reach`` is never true for them. Rows are sorted by
    county, so each county is sorted on its own (a loop over the nine counties, not over households).
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
class Priorities:
    """Each household's place in line for every channel; depends on the population and the seed only.

    Drawn once per (population, seed) and shared by every scenario with that seed, which is part of what keeps
    random numbers common across scenarios (and saves the page work when a slider moves).
    """

    link: np.ndarray
    mode: np.ndarray
    bind: np.ndarray
    credit: np.ndarray
    tourism: np.ndarray
    training: np.ndarray


@lru_cache(maxsize=8)
def priorities(pop: Population, seed: int) -> Priorities:
    """Queue positions per channel (weighted households ahead in the same county)."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, STREAM_PRIORITIES]))
    u_link, u_mode, u_bind, u_credit, u_tour, u_train = rng.random((6, pop.n))
    everyone = np.ones(pop.n, dtype=bool)
    willing = pop.industry_willing
    return Priorities(
        link=_positions(pop, u_link + (~willing), everyone),
        mode=u_mode,
        bind=_positions(pop, u_bind - pop.dual_bound, willing),
        credit=_positions(pop, u_credit, willing),
        tourism=_positions(pop, u_tour, everyone),
        training=_positions(pop, u_train, pop.workers > 0),
    )


def _reached(position: np.ndarray, reach_by_county: np.ndarray, county: np.ndarray) -> np.ndarray:
    """1.0 where a household's position is within its county's reach."""
    return (position < reach_by_county[county]).astype(np.float64)


def _ramp(elapsed_quarters: np.ndarray | float, ramp_quarters: float) -> np.ndarray:
    """Linear ramp from 0 to 1 over ``ramp_quarters`` quarters of elapsed time."""
    return np.clip(np.asarray(elapsed_quarters, dtype=np.float64) / ramp_quarters, 0.0, 1.0)


@dataclass(frozen=True, eq=False)
class Channels:
    """Per-household reach and amounts of every channel for one population and one scenario."""

    pop: Population
    scenario: Scenario
    seasonality: dict[str, np.ndarray]
    allocation: np.ndarray
    linked_by_county: np.ndarray
    investment_per_linked: np.ndarray
    link_mode: np.ndarray
    linked: np.ndarray
    bind_time: np.ndarray
    bound_at_start: np.ndarray
    coverage_now: np.ndarray
    bind_rank: np.ndarray
    credit_delta: np.ndarray
    tourism_delta: np.ndarray
    consumption_amount: np.ndarray
    collective_amount: np.ndarray
    training_start: np.ndarray

    # ------------------------------------------------------------------------------------ construction
    @classmethod
    def build(cls, pop: Population, scenario: Scenario) -> Channels:
        """Work out, once per scenario, who each channel reaches."""
        prio = priorities(pop, scenario.simulation.seed)
        a = allocation_shares(scenario)
        households = pop.households_by_county()
        programmes = {k.split(".", 1)[1]: f.value for k, f in cal.figures().items() if k.startswith("programmes_2022")}

        # Industry funds → linked households (N7): willing households first.
        funds_c = industry_funds_10k_yuan(scenario) * a
        linked_c = np.minimum(households, scenario.linking.households_per_million_yuan * funds_c / 100.0)
        linked = _reached(prio.link, linked_c, pop.county)
        invest_c = np.divide(funds_c * WAN, linked_c, out=np.zeros(len(COUNTIES)), where=linked_c > 0)
        shares = np.cumsum(
            [
                getattr(scenario.linking, f"share_{m}")
                for m in ("industry_participation", "land_transfer", "contract_planting", "contract_raising")
            ]
        )
        link_mode = np.minimum(np.searchsorted(shares, prio.mode * shares[-1], side="right"), 3)

        # Dual binding (N11): among willing households, the already bound first, then by priority.
        willing = pop.industry_willing
        willing_c = np.bincount(pop.county, weights=pop.weight * willing, minlength=len(COUNTIES))
        bound_c = np.bincount(pop.county, weights=pop.weight * pop.dual_bound, minlength=len(COUNTIES))
        coverage_now = np.divide(bound_c, willing_c, out=np.ones(len(COUNTIES)), where=willing_c > 0)
        rank = np.divide(prio.bind, willing_c[pop.county], out=np.full(pop.n, np.inf), where=willing)
        target = np.maximum(scenario.dual_binding.coverage_target, coverage_now)[pop.county]
        now = coverage_now[pop.county]
        span = quarter_index(scenario.dual_binding.target_quarter) + 1 - FIRST_QUARTER
        newly = willing & ~pop.dual_bound & (rank < target)
        frac = np.divide(rank - now, target - now, out=np.zeros(pop.n), where=target > now)
        bind_time = np.where(newly, FIRST_QUARTER + np.clip(frac, 0, 1) * span, np.inf)

        # Microcredit (N9), tourism (N15): flows, acting through the change from their 2022 level.
        loan = scenario.microcredit.average_loan_yuan
        ref_loan = cal.value("population.microcredit_average_loan")
        borrowers = scenario.microcredit.new_lending_10k_yuan * WAN / loan * a
        ref_borrowers = programmes["microcredit_new_lending_10k_yuan"] * WAN / ref_loan * a
        credit_delta = loan * _reached(prio.credit, borrowers, pop.county) - ref_loan * _reached(
            prio.credit, ref_borrowers, pop.county
        )
        tourism_delta = _reached(prio.tourism, scenario.tourism.households_reached * a, pop.county) - _reached(
            prio.tourism, programmes["tourism_households"] * a, pop.county
        )

        # Consumption assistance (N13): extra purchases shared in proportion to 2022 production income.
        producing = np.where(willing, pop.income_2022["production"] * pop.weight, 0.0)
        production_c = np.bincount(pop.county, weights=producing, minlength=len(COUNTIES))
        delta_purchases = scenario.consumption.purchases_10k_yuan - programmes["consumption_purchases_10k_yuan"]
        consumption_amount = np.divide(
            delta_purchases * WAN * a[pop.county] * np.where(willing, pop.income_2022["production"], 0.0),
            production_c[pop.county],
            out=np.zeros(pop.n),
            where=production_c[pop.county] > 0,
        )

        # Collective economy (N17): proceeds paid first to poverty-alleviated members, equal per household.
        c = scenario.collective
        delta_dividends = (
            c.dividends_10k_yuan * c.share_first_to_poverty_alleviated
            - programmes["collective_dividends_10k_yuan"] * programmes["collective_share_first"]
        )
        # A cut below 2022's payout takes away at most what the household had as property income.
        collective_amount = np.maximum(
            delta_dividends * WAN * a[pop.county] / households[pop.county], -pop.income_2022["property"]
        )

        # Training (N18): a stock; one person-time trains one worker, each year the next households in line.
        per_year = scenario.training.person_times * a
        with np.errstate(over="ignore"):  # a vanishing yearly number puts the queue at +inf: never trained
            year_trained = np.divide(
                prio.training, per_year[pop.county], out=np.full(pop.n, np.inf), where=per_year[pop.county] > 0
            )
        training_start = np.where(np.isfinite(year_trained), FIRST_QUARTER + 4 * np.floor(year_trained), np.inf)

        seasonality = {k: np.asarray(cal.seasonality(k)) for k in ("wage", "production", "property", "transfer")}
        return cls(
            pop=pop,
            scenario=scenario,
            seasonality=seasonality,
            allocation=a,
            linked_by_county=linked_c,
            investment_per_linked=invest_c[pop.county] * linked,
            link_mode=link_mode,
            linked=linked,
            bind_time=bind_time,
            bound_at_start=pop.dual_bound.copy(),
            coverage_now=coverage_now,
            bind_rank=rank,
            credit_delta=credit_delta,
            tourism_delta=tourism_delta,
            consumption_amount=consumption_amount,
            collective_amount=collective_amount,
            training_start=training_start,
        )

    # -------------------------------------------------------------------------------------- per quarter
    def coverage(self, t: int) -> np.ndarray:
        """Dual-binding coverage of willing households by county at the end of quarter ``t``."""
        target = np.maximum(self.scenario.dual_binding.coverage_target, self.coverage_now)
        span = quarter_index(self.scenario.dual_binding.target_quarter) + 1 - FIRST_QUARTER
        progress = np.clip((t + 1 - FIRST_QUARTER) / span, 0.0, 1.0)
        return self.coverage_now + (target - self.coverage_now) * progress

    def bound(self, t: int) -> np.ndarray:
        """1.0 for households dual-bound during quarter ``t`` (float32)."""
        return (self.bound_at_start | (self.bind_time < t + 1)).astype(np.float32)

    def industry_vintages(self, t: int) -> float:
        """Sum over yearly vintages of industry assets of how far each has ramped up by quarter ``t``."""
        ramp_q = self.scenario.assumptions.industry_ramp_quarters
        years = np.arange((t - FIRST_QUARTER) // 4 + 1)
        return float(_ramp(t + 1 - (FIRST_QUARTER + 4 * years), ramp_q).sum())

    @cached_property
    def static_bases(self) -> dict[str, np.ndarray]:
        """The time-invariant part of every term, per household: component → (households, terms), yuan/year.

        :meth:`bases` scales these columns by the quarter's seasonality, ramps and vintages.
        """
        inc = self.pop.income_2022
        invest, mode = self.investment_per_linked, self.link_mode
        columns = {
            "production": [
                inc["production"],
                invest * (mode >= 2),
                inc["production"],
                self.credit_delta,
                self.tourism_delta,
                self.consumption_amount,
            ],
            "wage": [inc["wage"], invest * (mode == 0), np.ones(self.pop.n)],
            "property": [inc["property"], invest * (mode == 0), invest * (mode == 1), self.collective_amount],
            "transfer": [inc["transfer"]],
        }
        return {k: np.stack(v, axis=1).astype(np.float32) for k, v in columns.items()}

    def bases(self, t: int, out: dict[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
        """Per-household annual amounts × seasonality for quarter ``t``: component → (households, terms), yuan.

        Column order is :data:`TERMS`; float32. ``out`` (a previous quarter's result) is reused when given.
        """
        a = self.scenario.assumptions
        q = t % 4
        s = {k: float(v[q]) for k, v in self.seasonality.items()}
        flow = float(_ramp(t + 1 - FIRST_QUARTER, a.flow_ramp_quarters))
        vintages = self.industry_vintages(t)
        scale = {
            "production": [s["production"], s["production"] * vintages, s["production"]] + [s["production"] * flow] * 3,
            "wage": [s["wage"], s["wage"] * vintages, s["wage"]],
            "property": [s["property"], s["property"] * vintages, s["property"] * vintages, s["property"] * flow],
            "transfer": [s["transfer"]],
        }
        out = out if out is not None else {k: np.empty_like(v) for k, v in self.static_bases.items()}
        for k in TERMS:
            np.multiply(self.static_bases[k], np.asarray(scale[k], dtype=np.float32), out=out[k])
        out["production"][:, 2] *= _ramp(t + 1 - self.bind_time, a.dual_binding_ramp_quarters).astype(np.float32)
        out["wage"][:, 2] *= _ramp(t + 1 - self.training_start, a.training_ramp_quarters).astype(np.float32)
        return out


def thetas(t: int, assumption_values: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Per-draw multipliers of each term in quarter ``t``: component → (terms, draws)."""
    a = assumption_values
    years = t // 4 - BASE_YEAR
    grow = {k: (1 + a[f"organic_growth_{k}"]) ** years for k in ("production", "wage", "property", "transfer")}
    credit = (1 - a["microcredit_default_rate"]) * (
        a["microcredit_return_rate"] - a["microcredit_net_interest_rate"]
    ) - a["microcredit_default_rate"] * a["microcredit_default_loss_share"]
    r = a["industry_return_rate"]
    ones = np.ones_like(r)
    return {
        "production": np.stack(
            [
                grow["production"],
                r,
                a["dual_binding_premium"] * grow["production"],
                credit,
                a["tourism_gain_yuan"],
                a["consumption_margin"],
            ]
        ),
        "wage": np.stack([grow["wage"], r * a["participation_wage_share"], a["training_wage_gain_yuan"]]),
        "property": np.stack([grow["property"], r * (1 - a["participation_wage_share"]), r, ones]),
        "transfer": np.stack([grow["transfer"]]),
    }
