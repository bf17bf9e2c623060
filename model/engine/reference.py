"""The engine's reference implementation: one block of households × draws, quarter by quarter, in numpy.

Readable first: every line is an equation of docs/MODEL.md §5–8 over arrays of shape (households, draws). The
compiled kernel (model/engine/kernel.py) does the same arithmetic per household and is tested against this.
Sums leave a block as fixed-point integers (``MONEY_SCALE`` per yuan, ``COUNT_SCALE`` per household), which add
up exactly in any order: a run gives the same numbers whatever the block size, thread count or worker.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.engine.draws import DrawTables
from model.engine.plan import Plan
from model.engine.rng import GOLDEN, mix64, normal, uniform

MONEY_SCALE = 16.0  # fixed-point units per yuan
COUNT_SCALE = float(1 << 20)  # fixed-point units per (weighted) household
FALL_TOLERANCE = 1e-5  # a year-to-date fall smaller than this share of last year's is rounding, not a fall
RING = 8  # quarters of income kept for the safety net's look-back (4 quarters ending up to 4 quarters ago)

PRODUCTION_TERMS = (
    "trend",
    "household_support",
    "industry_assets",
    "land_transfer",
    "dual_binding",
    "consumption",
    "microcredit",
    "tourism",
)
WAGE_TERMS = ("trend", "industry_assets", "training", "non_industry_funds", "safety_net")
PROPERTY_TERMS = ("trend", "industry_assets", "land_transfer", "collective")
TRANSFER_TERMS = ("trend", "safety_net")
TERMS: dict[str, tuple[str, ...]] = {
    "production": PRODUCTION_TERMS,
    "wage": WAGE_TERMS,
    "property": PROPERTY_TERMS,
    "transfer": TRANSFER_TERMS,
}
CHAIN_TERMS = ("industry_assets", "dual_binding", "consumption")  # production through the enterprise chain


@dataclass
class BlockSums:
    """What one block contributes: fixed-point sums per (quarter, draw) and per-household year figures.

    A run's totals have the same fields with a county axis first (model/engine/simulate.py).
    """

    income: dict[str, np.ndarray]  # component → (projected quarter, draw) int64, MONEY_SCALE
    falling: np.ndarray  # (projected quarter, draw) int64, COUNT_SCALE
    assistance: np.ndarray  # (projected quarter, draw) int64, MONEY_SCALE
    assisted: np.ndarray  # (projected quarter, draw) int64, COUNT_SCALE
    below_before: np.ndarray  # (projected year, draw) int64, COUNT_SCALE
    below_after: np.ndarray  # (projected year, draw) int64, COUNT_SCALE
    terms: dict[str, np.ndarray]  # component → (projected quarter, term) int64 summed over draws, MONEY_SCALE
    pc_income_sum: np.ndarray  # (rows, projected year) float64: Σ over draws of per-capita income after assistance
    below_sum: np.ndarray  # (rows, projected year) float64: number of draws below the line after assistance


@dataclass(frozen=True)
class Shared:
    """Per-run inputs every block reads: quarter-level tables of draws and the scenario's constants."""

    common: np.ndarray  # (quarter, draw, village) relative production shock: price + county + village
    wage_shock: np.ndarray  # (quarter, draw) relative city wage shock
    draw_index: np.ndarray  # (draw,) absolute draw numbers (uint64)
    household_stream: np.uint64
    start_stream: np.uint64
    seasonality: dict[str, np.ndarray]  # component → (4,)
    line: float
    safety: dict[str, float]


def empty_sums(lead: tuple[int, ...], n_q: int, n_y: int, draws: int, rows: int) -> BlockSums:
    """Zero sums with leading axes ``lead`` (none for a block, (county,) for a run's totals)."""

    def z(*shape: int) -> np.ndarray:
        return np.zeros((*lead, *shape), np.int64)

    return BlockSums(
        income={k: z(n_q, draws) for k in TERMS},
        falling=z(n_q, draws),
        assistance=z(n_q, draws),
        assisted=z(n_q, draws),
        below_before=z(n_y, draws),
        below_after=z(n_y, draws),
        terms={k: z(n_q, len(v)) for k, v in TERMS.items()},
        pc_income_sum=np.zeros((rows, n_y)),
        below_sum=np.zeros((rows, n_y)),
    )


def _fixed(values: np.ndarray, weights: np.ndarray, scale: float) -> np.ndarray:
    """Weighted column sums as exact fixed-point integers (each household's value rounded first)."""
    return np.rint(values * (weights[:, None] * scale)).astype(np.int64).sum(axis=0)


def _ramp(elapsed: np.ndarray, quarters: float) -> np.ndarray:
    """Linear ramp 0 → 1 over ``quarters`` quarters of elapsed time (elapsed counts the current quarter)."""
    return np.clip(elapsed / quarters, 0.0, 1.0)


def _words(keys: np.ndarray, t: int, shared: Shared) -> np.ndarray:
    """The 64 random bits of every household × draw in quarter ``t``: mix(mix(key ⊕ stream + t·φ) + draw·φ)."""
    with np.errstate(over="ignore"):
        k = mix64((keys ^ shared.household_stream) + np.uint64(t) * GOLDEN)
        return mix64(k[:, None] + shared.draw_index[None, :] * GOLDEN)


def base_quarter_income(base: dict, assisted: np.ndarray, seasonality: dict, quarter: int) -> np.ndarray:
    """Income before assistance in one quarter of the base year, without shocks (the look-back before it)."""
    return sum(base[m] * seasonality[m][quarter] for m in base) - assisted * seasonality["transfer"][quarter]


def simulate_block(plan: Plan, dt: DrawTables, shared: Shared, rows: slice) -> BlockSums:
    """Every quarter of one block of households (one county) under every draw."""
    pop, a = plan.pop, dt.a
    c = int(pop.county[rows.start])
    n = rows.stop - rows.start
    d = len(shared.draw_index)
    w = pop.weight[rows]
    size = pop.size[rows][:, None]
    workers = (pop.workers[rows] > 0)[:, None]
    village = pop.village[rows]
    base = {k: v[rows][:, None] for k, v in pop.income_base.items()}
    assisted_base = pop.assistance_base[rows][:, None]
    keys = pop.household_key[rows]
    first_year = plan.first_quarter // 4
    n_q, n_y = len(plan.projected_quarters), plan.n_vintages

    out = empty_sums((), n_q, n_y, d, n)

    # Static per-household pieces of the plan.
    support_mask, asset_mask = plan.support_mask[rows], plan.asset_mask[rows]
    mode = plan.asset_mode[rows]
    land = plan.land_rented_mu[rows][:, None]  # mu a first stake rents, if its project runs
    tau = plan.bind_quarter[rows][:, None]
    bound_base = pop.dual_bound[rows][:, None]
    existing = plan.loan_existing[rows][:, None]
    outstanding = plan.loan_outstanding[rows]
    train_pos = plan.training_position[rows][:, None]
    tour_pos = plan.tourism_position[rows][:, None]
    willing_unit = plan.willing_production_unit[rows][:, None]
    per_household = plan.collective_unit[rows][:, None]
    u_star, kappa = dt.unemployed_share, a["job_loss_wage_share"]
    job_norm = 1 / (1 - u_star * kappa)
    ill_norm = 1 / (1 - a["illness_rate"] * a["illness_income_loss"])
    growth_sd = a["household_growth_sd"]

    with np.errstate(over="ignore"):
        start_words = mix64(mix64(keys ^ shared.start_stream)[:, None] + shared.draw_index[None, :] * GOLDEN)
    unemployed = workers & (uniform(start_words, 0) < u_star)
    own_growth = normal(start_words, 1)  # a household's persistent deviation from the organic rate
    detected = np.broadcast_to(assisted_base > 0, (n, d)).copy()  # the base year's assisted are being monitored
    ring = np.zeros((RING, n, d))
    for k in range(1, RING):  # before the base year: the base year's own quarters, without shocks
        quarter = (plan.base_quarter - k) % 4
        ring[(plan.base_quarter - k) % RING] = base_quarter_income(base, assisted_base, shared.seasonality, quarter)
    ytd = np.zeros((n, d))
    this_year = np.zeros((4, n, d))
    last_year = np.zeros((4, n, d))
    ex_year = np.zeros((n, d))
    incl_year = np.zeros((n, d))

    for t in range(plan.base_quarter, plan.last_quarter + 1):
        q, year = t % 4, t // 4
        j = year - pop.base_year
        v_now = year - first_year  # this year's vintage (−1 in the base year)
        projected = t >= plan.first_quarter
        i = t - plan.first_quarter
        s = {k: float(v[q]) for k, v in shared.seasonality.items()}
        flow = _ramp(np.asarray(t + 1 - plan.first_quarter, float), a["flow_ramp_quarters"][0])
        own = np.exp(j * growth_sd * own_growth - (j * growth_sd) ** 2 / 2)  # mean one, wider every year
        g_p = dt.growth["production"][j] * own
        word = _words(keys, t, shared)

        # Industry funds: support packages (in-year, persisting) and asset stakes (after a build-up, failing).
        support = np.zeros((n, d))
        assets = np.zeros((n, d))
        land_running = np.zeros((n, d))
        stakes = np.zeros(n, dtype=np.int64)
        for v in range(n_y):
            got_support = ((support_mask >> v) & 1).astype(bool)
            if v <= v_now:
                support += got_support[:, None] * dt.support_gain * dt.persistence_pow[v_now - v]
            linked = ((asset_mask >> v) & 1).astype(bool)
            stakes += linked
            start = 4 * (first_year + v)
            if linked.any() and t >= start:
                running = _ramp(t + 1.0 - start, a["industry_ramp_quarters"]) * dt.survival[t - start]
                increment = dt.asset_increment_c[c, np.maximum(stakes - 1, 0)]
                assets += np.where(linked[:, None], increment * running, 0.0)
                # land is transferred to a project that runs: a first stake below the least effective amount rents none
                first_stake_runs = dt.asset_increment_c[c, 0] > 0
                land_running += np.where((linked & (stakes == 1))[:, None] & first_stake_runs, running, 0.0)
        fade = willing_unit * dt.support_fade_c[c] * (1 - dt.persistence_pow[j]) if j >= 1 else 0.0
        contract = assets * (mode >= 2)[:, None]
        participation = assets * (mode == 0)[:, None]
        land_running = land_running * (mode == 1)[:, None] * land

        # Production: terms, one enterprise chain capped, clamping, shocks.
        trend_p = base["production"] * s["production"] * g_p
        premium = np.where(
            projected,
            a["dual_binding_premium"] * trend_p * _ramp(t + 1 - tau, a["dual_binding_ramp_quarters"]),
            0.0,
        )
        premium = np.maximum(premium - s["production"] * contract, 0.0)  # a contract household is bound by it
        consumption = flow * willing_unit * dt.consumption_delta_c[c]
        chain = s["production"] * (contract + consumption) + premium
        cap = a["chain_cap_yuan"] * s["production"]
        chain_factor = np.where(chain > cap, cap / np.maximum(chain, 1e-12), 1.0)
        terms_p = [
            trend_p,
            s["production"] * (support - fade),
            s["production"] * contract * chain_factor,
            -s["production"] * a["land_forgone_yuan_per_mu"] * land_running,
            premium * chain_factor,
            s["production"] * consumption * chain_factor,
            s["production"] * dt.credit_return * _credit_change(plan, outstanding, existing, c, t),
            flow
            * s["production"]
            * (
                dt.tourism_gain * (tour_pos < dt.tourism_reach_c[c])
                - dt.tourism_base_gain * (tour_pos < dt.tourism_base_reach_c[c])
            ),
        ]
        det = sum(terms_p)
        bound = bound_base | (tau < t + 1)
        shock = a["household_shock_sd"] * normal(word, 0) + shared.common[t - plan.base_quarter][:, village].T
        multiplier = np.maximum(0.0, 1 + shock * (1 - bound * a["dual_binding_damping"]))
        ill = uniform(word, 2) < a["illness_rate"]
        ill_factor = (1 - a["illness_income_loss"] * ill) * ill_norm
        production = np.maximum(det, 0.0) * multiplier * ill_factor
        p_factor = np.divide(production, det, out=np.zeros_like(det), where=det > 0)

        # Wage: organic trend, asset wages, training; city shock, job loss, illness; non-industry funds' wages.
        u_job = uniform(word, 1)
        unemployed = workers & np.where(unemployed, u_job >= a["job_find_rate"], u_job < a["job_loss_rate"])
        job_factor = np.where(workers, np.where(unemployed, 1 - kappa, 1.0) * job_norm, 1.0)
        per_year = dt.training_per_year_c[c]
        trained_year = np.where(per_year > 0, np.floor(train_pos / np.maximum(per_year, 1e-12)), np.inf)
        train_start = plan.first_quarter + 4 * trained_year
        training = np.where(
            projected & np.isfinite(trained_year),
            a["training_wage_gain_yuan"] * _ramp(t + 1 - train_start, a["training_ramp_quarters"]),
            0.0,
        )
        w_factor = (1 + shared.wage_shock[t - plan.base_quarter]) * job_factor * ill_factor
        terms_w = [
            base["wage"] * s["wage"] * dt.growth["wage"][j] * w_factor,
            s["wage"] * a["participation_wage_share"] * participation * w_factor,
            s["wage"] * training * w_factor,
            flow * s["wage"] * per_household * dt.non_industry_c[c],
        ]

        # Property: organic trend, dividends, land rent, collective payouts beyond the base year's; never < 0.
        terms_r = [
            base["property"] * s["property"] * dt.growth["property"][j],
            s["property"] * (1 - a["participation_wage_share"]) * participation,
            s["property"] * a["land_rent_yuan_per_mu"] * land_running,
            flow * s["property"] * per_household * dt.collective_delta_c[c],
        ]
        det_r = sum(terms_r)
        prop = np.maximum(det_r, 0.0)
        r_factor = np.divide(prop, det_r, out=np.zeros_like(det_r), where=det_r > 0)
        transfer = (base["transfer"] - assisted_base) * s["transfer"] * dt.growth["transfer"][j]
        wage = sum(terms_w)
        before = production + wage + prop + transfer

        # The safety net: identified with a lag from four quarters of income, paid a quarter of the yearly gap.
        if projected:
            lag = int(shared.safety["lag_quarters"])
            look_back = sum(ring[(t - lag - k) % RING] for k in range(4))
            need = shared.line * size - look_back
            found = (need > 0) & (uniform(word, 3) < shared.safety["detection_rate"])
            detected |= found
            pay = np.where(detected & (need > 0), shared.safety["gap_covered_share"] * need / 4, 0.0)
        else:  # the base year: its assistance as paid, within transfer income
            pay = np.broadcast_to(assisted_base * s["transfer"], (n, d))
        ring[t % RING] = before
        job_share = shared.safety["public_welfare_job_share"]

        # Year to date, falls against the same quarter a year earlier, the year's line.
        ytd = production if q == 0 else ytd + production
        this_year[q] = ytd
        ex_year = before if q == 0 else ex_year + before
        incl_year = before + pay if q == 0 else incl_year + before + pay
        if projected:
            fell = ytd < last_year[q] * (1 - FALL_TOLERANCE)
            out.falling[i] = _fixed(fell.astype(float), w, COUNT_SCALE)
            out.assistance[i] = _fixed(pay, w, MONEY_SCALE)
            out.assisted[i] = _fixed((pay > 0).astype(float), w, COUNT_SCALE)
            components = {
                "production": (terms_p, p_factor),
                "wage": ([*terms_w, pay * job_share], None),
                "property": (terms_r, r_factor),
                "transfer": ([transfer, pay * (1 - job_share)], None),
            }
            for k, (terms, factor) in components.items():
                # A component is the sum of its rounded terms: the decomposition adds up exactly (MODEL.md §9).
                fixed = [_fixed(term if factor is None else term * factor, w, MONEY_SCALE) for term in terms]
                out.income[k][i] = np.sum(fixed, axis=0)
                out.terms[k][i] = np.sum(fixed, axis=1)
            if q == 3:
                y = year - first_year
                line_total = shared.line * size
                out.below_before[y] = _fixed((ex_year < line_total).astype(float), w, COUNT_SCALE)
                below = incl_year < line_total
                out.below_after[y] = _fixed(below.astype(float), w, COUNT_SCALE)
                out.pc_income_sum[:, y] = (incl_year / size).sum(axis=1)
                out.below_sum[:, y] = below.sum(axis=1)
        if q == 3:
            last_year = this_year.copy()
    return out


def _credit_change(plan: Plan, outstanding: np.ndarray, existing: np.ndarray, c: int, t: int) -> np.ndarray:
    """Microcredit outstanding in quarter ``t`` beyond the table's loan, at its return (yuan at full return, a column).

    Zero before t₀; after, the change in the household's loan × its return factor: 1 for a household with a loan
    in the base year, the county's new borrowers' return for the quarter otherwise (``Plan.credit_factor_c``).
    """
    if t < plan.first_quarter:
        return np.zeros_like(existing)
    q = t - plan.first_quarter
    factor = np.where(existing > 0, 1.0, plan.credit_factor_c[c, q])
    return (outstanding[:, q][:, None].astype(np.float64) - existing) * factor
