"""The engine's compiled kernel: :func:`model.engine.reference.simulate_block`'s arithmetic fused into one pass.

Each household runs every quarter once; the draws are the innermost, contiguous loop (SIMD lanes), and what a
household carries from quarter to quarter lives in a few per-thread rows of draws (O(threads × draws) memory),
not in arrays of households × draws. Per-(household, quarter) pieces that do not depend on the draw are worked out
before the draw loop. Arithmetic is float32 where the reference has float64 (agreement within float32 tolerance,
tests/test_kernel.py); every comparison that decides a discrete outcome — who is reached, trained, ill, out of
work or detected — uses the reference's exact numbers (float64 positions, integer lane thresholds).

Sums are the reference's fixed-point integers, added per thread and county, then over threads: exact, so a run
gives the same numbers bit for bit whatever the thread count or the row ranges it is called on. One difference:
a decomposition term is summed over draws per household (in a fixed draw order) before it is rounded to fixed
point, where the reference rounds every draw; the two differ by at most one unit per household and quarter.

Carrying a change of the reference over: the loop body below follows ``simulate_block`` line by line with the
same names and the same order of terms; a new per-draw number goes into :class:`Draws` (and :func:`inputs`), a new
per-household number into :class:`Households`, then the equation into the same place of the loop.
"""

from __future__ import annotations

import contextlib
import threading
from typing import NamedTuple

import numba
import numpy as np
from numba import njit, prange

from model.engine.draws import DrawTables
from model.engine.plan import Plan
from model.engine.reference import COUNT_SCALE, FALL_TOLERANCE, MONEY_SCALE, RING, TERMS, BlockSums, Shared
from model.engine.rng import GOLDEN, LANE_BITS, LANE_CELLS, MIX1, MIX2, lane_threshold, normal_table

# Fast-math flags. No reassociation in the equations: the compiler would reorder them differently in the SIMD
# body and in the scalar loop of the last draws, so a draw's numbers would depend on the draw count; only the
# sums over draws (``_add``) may be reordered, which they must be to run in SIMD lanes. No "no NaN / no inf"
# promises either: a household beyond every queue stands at position +inf.
FASTMATH = {"nsz", "contract"}
SUM_FASTMATH = {"nsz", "contract", "reassoc"}
F32 = np.float32
LANE_MASK = np.uint64(LANE_CELLS - 1)
SHIFT30, SHIFT27, SHIFT31 = np.uint64(30), np.uint64(27), np.uint64(31)
LANE1, LANE2, LANE3 = np.uint64(LANE_BITS), np.uint64(2 * LANE_BITS), np.uint64(3 * LANE_BITS)
N_TERMS = sum(len(v) for v in TERMS.values())
PRODUCTION, WAGE, PROPERTY, TRANSFER = range(4)  # rows of Constants.seasonality, in TERMS order
_WORKQUEUE_LOCK = threading.Lock()  # numba's fallback thread pool must not be entered by two threads at once


class Households(NamedTuple):
    """Per-household inputs (rows of the population, sorted by county)."""

    county: np.ndarray  # int64
    village: np.ndarray  # int64
    key: np.ndarray  # uint64
    money_weight: np.ndarray  # float64: weight × MONEY_SCALE
    count_weight: np.ndarray  # int64: rint(weight × COUNT_SCALE)
    size: np.ndarray  # float32 persons
    has_workers: np.ndarray  # uint8 (0/1)
    wage_base: np.ndarray  # float32 base-year incomes, yuan a year
    production_base: np.ndarray
    property_base: np.ndarray
    transfer_base: np.ndarray
    land_mu: np.ndarray  # float32 transferable land
    support_vintage: np.ndarray  # int64
    support_past: np.ndarray  # int64
    asset_vintage: np.ndarray  # int64
    asset_mode: np.ndarray  # int64
    bind_quarter: np.ndarray  # float64 (inf: never)
    dual_bound: np.ndarray  # uint8 (0/1)
    loan_existing: np.ndarray  # float64 yuan
    loan_existing_end: np.ndarray  # float64 quarter
    loan_new_start: np.ndarray  # float64 quarter (inf: never)
    loan_new_end: np.ndarray
    training_position: np.ndarray  # float64 (inf: not in line)
    tourism_position: np.ndarray  # float64
    consumption_unit: np.ndarray  # float32
    collective_unit: np.ndarray  # float32


class Draws(NamedTuple):
    """Per-draw tables (the draw axis last and contiguous), float32 unless said."""

    growth_production: np.ndarray  # (years since base, draw)
    growth_wage: np.ndarray
    growth_property_transfer: np.ndarray
    support_gain_c: np.ndarray  # (county, draw)
    support_base_gain_c: np.ndarray
    asset_gain_c: np.ndarray
    persistence_pow: np.ndarray  # (years, draw)
    survival: np.ndarray  # (quarters since start, draw)
    tourism_gain: np.ndarray  # (draw,)
    tourism_base_gain: np.ndarray
    tourism_reach_c: np.ndarray  # (county, draw) float64: compared with float64 positions
    tourism_base_reach_c: np.ndarray
    training_per_year_c: np.ndarray  # (county, draw) float64
    consumption_delta_c: np.ndarray
    collective_delta_c: np.ndarray
    credit_return: np.ndarray
    dual_binding_premium: np.ndarray
    chain_cap_yuan: np.ndarray
    land_forgone_yuan_per_mu: np.ndarray
    household_shock_sd: np.ndarray
    dual_binding_damping: np.ndarray
    illness_below: np.ndarray  # (draw,) int64: ill where the illness lane < this
    illness_income_loss: np.ndarray
    ill_norm: np.ndarray
    job_loss_below: np.ndarray  # int64 lane thresholds
    job_find_below: np.ndarray
    unemployed_below: np.ndarray
    kappa: np.ndarray  # job_loss_wage_share
    job_norm: np.ndarray
    training_wage_gain_yuan: np.ndarray
    participation_wage_share: np.ndarray
    land_rent_yuan_per_mu: np.ndarray
    common: np.ndarray  # (quarter, village, draw)
    wage_shock: np.ndarray  # (quarter, draw)
    draw_golden: np.ndarray  # (draw,) uint64: draw number × φ
    normal: np.ndarray  # (2¹⁶,) float32 normal quantiles


class Constants(NamedTuple):
    """The run's scalars: quarters, ramps, seasonality, the line and the safety net."""

    base_year: int
    base_quarter: int
    first_quarter: int
    last_quarter: int
    household_stream: np.uint64
    start_stream: np.uint64
    seasonality: np.ndarray  # (component, quarter) float64, components in TERMS order
    flow_ramp: float
    industry_ramp: float
    dual_binding_ramp: float
    training_ramp: float
    line: float
    lag: int
    detection_below: int
    gap_covered_share: float
    job_share: float
    loan_new_amount: float


class Scratch(NamedTuple):
    """Rows of draws, one per thread: what a household carries from quarter to quarter, and one quarter's values.

    A quarter runs three loops over the draws: 64-bit random numbers, the float32 equations, 64-bit fixed-point
    sums. Each loop keeps one width of numbers, so each runs at its full SIMD width; they hand values over in
    these rows (a few kilobytes: they stay in the core's cache).
    """

    unemployed: np.ndarray  # (thread, draw) uint8 (0/1)
    detected: np.ndarray  # (thread, draw) uint8 (0/1)
    ring: np.ndarray  # (thread, RING, draw) income before assistance of the last quarters
    ytd: np.ndarray  # (thread, draw) production year to date
    ytd_by_quarter: np.ndarray  # (thread, 4, draw) year-to-date production at each quarter, last year's until set
    ex_year: np.ndarray  # (thread, draw) income before assistance, year to date
    incl_year: np.ndarray  # (thread, draw) after assistance
    train_start: np.ndarray  # (thread, draw) quarter training starts (inf: never)
    tourism: np.ndarray  # (thread, draw) yuan a year from tourism beyond the base year's
    normal_lane: np.ndarray  # (thread, draw) int32: this quarter's production-shock lane
    ill: np.ndarray  # (thread, draw) uint8
    detectable: np.ndarray  # (thread, draw) uint8: the detection lane is below the detection rate
    before: np.ndarray  # (thread, draw) this quarter's income before assistance
    production: np.ndarray  # (thread, draw) this quarter's components, assistance included
    wage: np.ndarray
    property: np.ndarray
    transfer: np.ndarray
    pay: np.ndarray  # (thread, draw) assistance
    fell: np.ndarray  # (thread, draw) uint8: year-to-date production fell


def scratch(threads: int, draws: int) -> Scratch:
    """Empty scratch rows for ``threads`` threads."""
    f32, u8 = np.float32, np.uint8
    rows = {name: np.zeros((threads, draws), f32) for name in Scratch._fields}
    rows["ring"] = np.zeros((threads, RING, draws), f32)
    rows["ytd_by_quarter"] = np.zeros((threads, 4, draws), f32)
    rows["normal_lane"] = np.zeros((threads, draws), np.int32)
    for name in ("unemployed", "detected", "ill", "detectable", "fell"):
        rows[name] = np.zeros((threads, draws), u8)
    return Scratch(**rows)


class Sums(NamedTuple):
    """Fixed-point sums per thread and county (added over threads at the end) and per household."""

    production: np.ndarray  # (thread, county, quarter from the base quarter, draw) int64, MONEY_SCALE
    wage: np.ndarray
    property: np.ndarray
    transfer: np.ndarray
    assistance: np.ndarray
    falling: np.ndarray  # COUNT_SCALE
    assisted: np.ndarray
    below_before: np.ndarray  # (thread, county, projected year, draw)
    below_after: np.ndarray
    terms: np.ndarray  # (thread, county, quarter from the base quarter, term) summed over draws, MONEY_SCALE
    pc_income_sum: np.ndarray  # (household, projected year) float64
    below_sum: np.ndarray


def sums(threads: int, counties: int, quarters: int, years: int, draws: int, households: int) -> Sums:
    """Zero sums for ``threads`` threads."""

    def z(*shape: int) -> np.ndarray:
        return np.zeros((threads, counties, *shape), np.int64)

    per_quarter = [z(quarters, draws) for _ in range(7)]
    return Sums(
        *per_quarter,
        below_before=z(years, draws),
        below_after=z(years, draws),
        terms=z(quarters, N_TERMS),
        pc_income_sum=np.zeros((households, years)),
        below_sum=np.zeros((households, years)),
    )


class KernelRun:
    """One simulation through the kernel: row ranges go in one after another, per-county totals come out.

    ``threads`` (default: all of numba's) is set around each kernel call and restored after it; a Dask worker
    that runs several simulations side by side passes 1.
    """

    def __init__(self, plan: Plan, dt: DrawTables, shared: Shared, threads: int | None = None) -> None:
        self.plan = plan
        self.inputs = inputs(plan, dt, shared)
        self.threads = min(threads or numba.config.NUMBA_NUM_THREADS, numba.config.NUMBA_NUM_THREADS)
        draws = len(shared.draw_index)
        self.scratch = scratch(self.threads, draws)
        self.sums = sums(self.threads, plan.pop.n_counties, plan.n_quarters, plan.n_vintages, draws, plan.pop.n)

    def run(self, rows: slice) -> None:
        """Simulate households ``rows`` (any range: counties may be mixed)."""
        before = numba.get_num_threads()
        with _exclusive():
            numba.set_num_threads(self.threads)
            try:
                simulate_rows(rows.start, rows.stop, *self.inputs, self.scratch, self.sums)
            finally:
                numba.set_num_threads(before)

    def totals(self) -> BlockSums:
        """The run's sums by county (the reference's block sums with a county axis first)."""
        s, skip = self.sums, self.plan.first_quarter - self.plan.base_quarter

        def projected(x: np.ndarray) -> np.ndarray:
            return x.sum(axis=0)[:, skip:]

        terms = projected(s.terms)
        bounds = np.cumsum([0, *(len(v) for v in TERMS.values())])
        return BlockSums(
            income={k: projected(getattr(s, k)) for k in TERMS},
            falling=projected(s.falling),
            assistance=projected(s.assistance),
            assisted=projected(s.assisted),
            below_before=s.below_before.sum(axis=0),
            below_after=s.below_after.sum(axis=0),
            terms={k: terms[:, :, bounds[m] : bounds[m + 1]] for m, k in enumerate(TERMS)},
            pc_income_sum=s.pc_income_sum,
            below_sum=s.below_sum,
        )


def _exclusive() -> contextlib.AbstractContextManager:
    """A lock around numba's fallback thread pool ("workqueue"), which two threads must not enter at once.

    The OpenMP and TBB pools take concurrent callers (a page serving two sessions, a Dask worker's threads);
    before the first parallel call the pool is unknown, so that call is locked too.
    """
    try:
        layer = numba.threading_layer()
    except ValueError:
        return _WORKQUEUE_LOCK
    return _WORKQUEUE_LOCK if layer == "workqueue" else contextlib.nullcontext()


def inputs(plan: Plan, dt: DrawTables, shared: Shared) -> tuple[Households, Draws, Constants]:
    """Flatten a plan, its draw tables and the shared inputs into the kernel's arrays."""
    pop, a = plan.pop, dt.a
    f32 = np.float32
    income = pop.income_base
    households = Households(
        county=pop.county.astype(np.int64),
        village=pop.village.astype(np.int64),
        key=pop.household_key.astype(np.uint64),
        money_weight=pop.weight * MONEY_SCALE,
        count_weight=np.rint(pop.weight * COUNT_SCALE).astype(np.int64),
        size=pop.size.astype(f32),
        has_workers=(pop.workers > 0).astype(np.uint8),
        wage_base=income["wage"].astype(f32),
        production_base=income["production"].astype(f32),
        property_base=income["property"].astype(f32),
        transfer_base=income["transfer"].astype(f32),
        land_mu=pop.transferable_land_mu.astype(f32),
        support_vintage=plan.support_vintage.astype(np.int64),
        support_past=plan.support_past.astype(np.int64),
        asset_vintage=plan.asset_vintage.astype(np.int64),
        asset_mode=plan.asset_mode.astype(np.int64),
        bind_quarter=plan.bind_quarter.astype(np.float64),
        dual_bound=pop.dual_bound.astype(np.uint8),
        loan_existing=plan.loan_existing.astype(np.float64),
        loan_existing_end=plan.loan_existing_end.astype(np.float64),
        loan_new_start=plan.loan_new_start.astype(np.float64),
        loan_new_end=plan.loan_new_end.astype(np.float64),
        training_position=plan.training_position.astype(np.float64),
        tourism_position=plan.tourism_position.astype(np.float64),
        consumption_unit=plan.consumption_unit.astype(f32),
        collective_unit=plan.collective_unit.astype(f32),
    )
    with np.errstate(over="ignore"):
        draw_golden = shared.draw_index.astype(np.uint64) * GOLDEN

    def c32(x: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(x, dtype=f32)

    def c64(x: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(x, dtype=np.float64)

    draws = Draws(
        growth_production=c32(dt.growth["production"]),
        growth_wage=c32(dt.growth["wage"]),
        growth_property_transfer=c32(dt.growth["property_transfer"]),
        support_gain_c=c32(dt.support_gain_c),
        support_base_gain_c=c32(dt.support_base_gain_c),
        asset_gain_c=c32(dt.asset_gain_c),
        persistence_pow=c32(dt.persistence_pow),
        survival=c32(dt.survival),
        tourism_gain=c32(dt.tourism_gain),
        tourism_base_gain=c32(dt.tourism_base_gain),
        tourism_reach_c=c64(dt.tourism_reach_c),
        tourism_base_reach_c=c64(dt.tourism_base_reach_c),
        training_per_year_c=c64(dt.training_per_year_c),
        consumption_delta_c=c32(dt.consumption_delta_c),
        collective_delta_c=c32(dt.collective_delta_c),
        credit_return=c32(dt.credit_return),
        dual_binding_premium=c32(a["dual_binding_premium"]),
        chain_cap_yuan=c32(a["chain_cap_yuan"]),
        land_forgone_yuan_per_mu=c32(a["land_forgone_yuan_per_mu"]),
        household_shock_sd=c32(a["household_shock_sd"]),
        dual_binding_damping=c32(a["dual_binding_damping"]),
        illness_below=lane_threshold(a["illness_rate"]),
        illness_income_loss=c32(a["illness_income_loss"]),
        ill_norm=c32(1 / (1 - a["illness_rate"] * a["illness_income_loss"])),
        job_loss_below=lane_threshold(a["job_loss_rate"]),
        job_find_below=lane_threshold(a["job_find_rate"]),
        unemployed_below=lane_threshold(dt.unemployed_share),
        kappa=c32(a["job_loss_wage_share"]),
        job_norm=c32(1 / (1 - dt.unemployed_share * a["job_loss_wage_share"])),
        training_wage_gain_yuan=c32(a["training_wage_gain_yuan"]),
        participation_wage_share=c32(a["participation_wage_share"]),
        land_rent_yuan_per_mu=c32(a["land_rent_yuan_per_mu"]),
        common=c32(shared.common),
        wage_shock=c32(shared.wage_shock),
        draw_golden=draw_golden,
        normal=normal_table().astype(f32),
    )
    constants = Constants(
        base_year=int(pop.base_year),
        base_quarter=int(plan.base_quarter),
        first_quarter=int(plan.first_quarter),
        last_quarter=int(plan.last_quarter),
        household_stream=np.uint64(shared.household_stream),
        start_stream=np.uint64(shared.start_stream),
        seasonality=np.array([shared.seasonality[k] for k in TERMS], dtype=np.float64),
        flow_ramp=float(a["flow_ramp_quarters"][0]),
        industry_ramp=float(a["industry_ramp_quarters"][0]),
        dual_binding_ramp=float(a["dual_binding_ramp_quarters"][0]),
        training_ramp=float(a["training_ramp_quarters"][0]),
        line=float(shared.line),
        lag=int(shared.safety["lag_quarters"]),
        detection_below=int(lane_threshold(np.array([shared.safety["detection_rate"]]))[0]),
        gap_covered_share=float(shared.safety["gap_covered_share"]),
        job_share=float(shared.safety["public_welfare_job_share"]),
        loan_new_amount=float(plan.loan_new_amount),
    )
    return households, draws, constants


@njit(inline="always")
def _mix64(z):
    """SplitMix64 finaliser (model/engine/rng.py), uint64 throughout."""
    z = (z ^ (z >> SHIFT30)) * MIX1
    z = (z ^ (z >> SHIFT27)) * MIX2
    return z ^ (z >> SHIFT31)


@njit(inline="always")
def _max(a, b):
    """The larger of two numbers (numba's builtin ``max`` is a call the vectoriser cannot widen)."""
    return a if a > b else b


@njit(inline="always")
def _min(a, b):
    """The smaller of two numbers."""
    return a if a < b else b


@njit(inline="always")
def _ramp(elapsed, quarters):
    """Linear ramp 0 → 1 over ``quarters`` quarters (the reference's ``_ramp``), float64."""
    return _max(_min(elapsed / quarters, 1.0), 0.0)


@njit(fastmath=SUM_FASTMATH)
def _add(total, value):
    """``total + value`` that the compiler may reorder: a sum over draws, run in SIMD lanes."""
    return total + value


@njit(inline="always")
def _fixed(value, money_weight):
    """One household's value in fixed point (the reference's ``_fixed`` before its sum)."""
    return np.int64(np.rint(np.float64(value) * money_weight))


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def simulate_rows(start, stop, hh, dr, k, scratch, sums):
    """Every quarter of households ``start … stop − 1`` under every draw, added into each thread's ``sums``.

    Quarter rows of ``sums`` count from the base quarter (the base year's rows stay zero). Every array is unpacked
    from its tuple before the parallel loop: numba's parallel loop drops stores made through a tuple's arrays
    inside its body, and an array taken from a tuple inside the loop costs two atomic reference counts each time.
    Nor may the loop copy a boolean variable: numba then takes it for an array alias and the compiler can no
    longer assume that the arrays do not overlap, which is what lets it vectorise (hence ``&`` and ``|``).
    """
    (county, village, key, money_weight, count_weight, size_h, has_workers) = hh[:7]
    (wage_base, production_base, property_base, transfer_base, land_mu) = hh[7:12]
    (support_vintage, support_past, asset_vintage, asset_mode, bind_quarter, dual_bound) = hh[12:18]
    (loan_existing, loan_existing_end, loan_new_start, loan_new_end) = hh[18:22]
    (training_position, tourism_position, consumption_unit_h, collective_unit_h) = hh[22:]
    (growth_production, growth_wage, growth_property_transfer) = dr[:3]
    (support_gain_c, support_base_gain_c, asset_gain_c, persistence_pow, survival) = dr[3:8]
    (tourism_gain, tourism_base_gain, tourism_reach_c, tourism_base_reach_c, training_per_year_c) = dr[8:13]
    (consumption_delta_c, collective_delta_c, credit_return, dual_binding_premium, chain_cap_yuan) = dr[13:18]
    (land_forgone_yuan_per_mu, household_shock_sd, dual_binding_damping) = dr[18:21]
    (illness_below, illness_income_loss, ill_norm, job_loss_below, job_find_below, unemployed_below) = dr[21:27]
    (kappa, job_norm, training_wage_gain_yuan, participation_wage_share, land_rent_yuan_per_mu) = dr[27:32]
    (common, wage_shock, draw_golden, normal_table) = dr[32:]
    seasonality = k.seasonality
    (unemployed_s, detected_s, ring, ytd_s, ytd_by_quarter, ex_year_s, incl_year_s) = scratch[:7]
    (train_start, tourism, normal_lane, ill_s, detectable_s) = scratch[7:12]
    (before_s, production_s, wage_s, property_s, transfer_s, pay_s, fell_s) = scratch[12:]
    production_sum, wage_sum, property_sum, transfer_sum, assistance_sum, falling_sum, assisted_sum = sums[:7]
    below_before_sum, below_after_sum, terms_sum, pc_income_sum, below_sum = sums[7:]
    n_d = draw_golden.shape[0]
    first_year = k.first_quarter // 4
    zero, one = F32(0.0), F32(1.0)
    for h in prange(start, stop):
        th = numba.get_thread_id()
        c, v = county[h], village[h]
        money_w, count_w = money_weight[h], count_weight[h]
        size, workers = size_h[h], has_workers[h] != 0
        line_total = F32(k.line * size)
        sv, past = support_vintage[h], support_past[h]
        av, mode = asset_vintage[h], asset_mode[h]
        tau, train_pos, tour_pos = bind_quarter[h], training_position[h], tourism_position[h]
        base_w, base_p, base_r, base_t = wage_base[h], production_base[h], property_base[h], transfer_base[h]

        # The household's start: job state, when it is trained, tourism reach, the look-back before the base year.
        start_key = _mix64(key[h] ^ k.start_stream)
        for d in range(n_d):
            lane0 = np.int64(_mix64(start_key + draw_golden[d]) & LANE_MASK)
            unemployed_s[th, d] = workers & (lane0 < unemployed_below[d])
            detected_s[th, d] = 0
            per_year = training_per_year_c[c, d]
            trained_year = np.floor(train_pos / per_year) if per_year > 0 else np.inf
            train_start[th, d] = F32(k.first_quarter + 4 * trained_year)
            gain = tourism_gain[d] if tour_pos < tourism_reach_c[c, d] else zero
            base_gain = tourism_base_gain[d] if tour_pos < tourism_base_reach_c[c, d] else zero
            tourism[th, d] = gain - base_gain
        for back in range(1, RING):
            quarter = (k.base_quarter - back) % 4
            level = F32(
                base_w * seasonality[WAGE, quarter]
                + base_p * seasonality[PRODUCTION, quarter]
                + base_r * seasonality[PROPERTY, quarter]
                + base_t * seasonality[TRANSFER, quarter]
            )
            for d in range(n_d):
                ring[th, (k.base_quarter - back) % RING, d] = level

        for t in range(k.base_quarter, k.last_quarter + 1):
            q, year = t % 4, t // 4
            j = year - k.base_year
            projected = t >= k.first_quarter
            ti = t - k.base_quarter
            s_p, s_w = F32(seasonality[PRODUCTION, q]), F32(seasonality[WAGE, q])
            s_r, s_t = F32(seasonality[PROPERTY, q]), F32(seasonality[TRANSFER, q])
            flow = F32(_ramp(t + 1.0 - k.first_quarter, k.flow_ramp))

            # Random numbers: one word per draw, lanes 0–3 = production shock, job, illness, detection.
            word_key = _mix64((key[h] ^ k.household_stream) + np.uint64(t) * GOLDEN)
            for d in range(n_d):
                word = _mix64(word_key + draw_golden[d])
                normal_lane[th, d] = np.int32(word & LANE_MASK)
                u_job = np.int64((word >> LANE1) & LANE_MASK)
                was = unemployed_s[th, d] != 0
                finds, loses = u_job < job_find_below[d], u_job < job_loss_below[d]
                unemployed_s[th, d] = workers & ((was & (not finds)) | ((not was) & loses))
                ill_s[th, d] = np.int64((word >> LANE2) & LANE_MASK) < illness_below[d]
                detectable_s[th, d] = np.int64((word >> LANE3) & LANE_MASK) < k.detection_below

            # Per household and quarter, whatever the draw: vintages, ramps, the loan, the binding.
            got = (sv >= 0) & (year >= first_year + sv)
            since = year - first_year - sv if got else 0
            lost = (past >= 1) & (j >= 1)
            past_row = _max(past - 1, 0)
            linked = (av >= 0) & (t >= 4 * (first_year + av))
            elapsed = t - 4 * (first_year + av) if linked else 0
            industry_ramp = F32(_ramp(elapsed + 1.0, k.industry_ramp)) if linked else zero
            is_contract, is_participation = mode >= 2, mode == 0
            land = land_mu[h] if mode == 1 else zero
            premium_ramp = F32(_ramp(t + 1 - tau, k.dual_binding_ramp)) if projected else zero
            new = (loan_new_start[h] <= t) & (t < loan_new_end[h])
            old = (t < loan_existing_end[h]) & (t < loan_new_start[h])
            outstanding = k.loan_new_amount if new else (loan_existing[h] if old else 0.0)
            credit = s_p * F32(outstanding - loan_existing[h])
            bound = (dual_bound[h] != 0) | (tau < t + 1)
            trend_p_base, trend_w_base = base_p * s_p, base_w * s_w
            trend_r_base, transfer_base_q = base_r * s_r, base_t * s_t
            consumption_unit = flow * consumption_unit_h[h]
            collective_unit = flow * s_r * collective_unit_h[h]
            next_quarter = F32(t + 1)
            training_ramp = F32(k.training_ramp)
            look = ((t - k.lag) % RING, (t - k.lag - 1) % RING, (t - k.lag - 2) % RING, (t - k.lag - 3) % RING)
            gap_share, job_share = F32(k.gap_covered_share), F32(k.job_share)

            # The equations (model/engine/reference.py, in the same order), float32.
            tp0 = tp1 = tp2 = tp3 = tp4 = tp5 = tp6 = tp7 = zero
            tw0 = tw1 = tw2 = tw3 = tr0 = tr1 = tr2 = tr3 = tt0 = tt1 = zero
            for d in range(n_d):
                # Industry funds: household support (in-year, persisting) and asset links (after a build-up).
                support = support_gain_c[c, d] * persistence_pow[since, d] if got else zero
                if lost:
                    support -= support_base_gain_c[c, d] * persistence_pow[past_row, d] * (one - persistence_pow[j, d])
                running = industry_ramp * survival[elapsed, d] if linked else zero
                asset_income = running * asset_gain_c[c, d]
                contract = asset_income if is_contract else zero
                participation = asset_income if is_participation else zero
                land_running = running * land

                # Production: terms, the chain cap, clamping, shocks.
                trend_p = trend_p_base * growth_production[j, d]
                premium = dual_binding_premium[d] * trend_p * premium_ramp
                consumption = consumption_unit * consumption_delta_c[c, d]
                chain = s_p * (contract + consumption) + premium
                cap = chain_cap_yuan[d] * s_p
                chain_factor = cap / _max(chain, F32(1e-12)) if chain > cap else one
                term_p0 = trend_p
                term_p1 = s_p * support
                term_p2 = s_p * contract * chain_factor
                term_p3 = -s_p * land_forgone_yuan_per_mu[d] * land_running
                term_p4 = premium * chain_factor
                term_p5 = s_p * consumption * chain_factor
                term_p6 = credit * credit_return[d]
                term_p7 = flow * s_p * tourism[th, d]
                det = term_p0 + term_p1 + term_p2 + term_p3 + term_p4 + term_p5 + term_p6 + term_p7
                shock = household_shock_sd[d] * normal_table[normal_lane[th, d]] + common[ti, v, d]
                damping = dual_binding_damping[d] if bound else zero
                multiplier = _max(one + shock * (one - damping), zero)
                ill_factor = (one - illness_income_loss[d] if ill_s[th, d] != 0 else one) * ill_norm[d]
                production = _max(det, zero) * multiplier * ill_factor
                p_factor = production / det if det > zero else zero

                # Wage: organic trend, asset wages, training; city shock, job loss, illness.
                job_factor = ((one - kappa[d]) if unemployed_s[th, d] != 0 else one) * job_norm[d] if workers else one
                trained = _max(_min((next_quarter - train_start[th, d]) / training_ramp, one), zero)
                training = training_wage_gain_yuan[d] * trained if projected else zero
                w_factor = (one + wage_shock[ti, d]) * job_factor * ill_factor
                term_w0 = trend_w_base * growth_wage[j, d] * w_factor
                term_w1 = s_w * participation_wage_share[d] * participation * w_factor
                term_w2 = s_w * training * w_factor

                # Property: organic trend, dividends, land rent, collective payouts beyond the base year's.
                g_pt = growth_property_transfer[j, d]
                term_r0 = trend_r_base * g_pt
                term_r1 = s_r * (one - participation_wage_share[d]) * participation
                term_r2 = s_r * land_rent_yuan_per_mu[d] * land_running
                term_r3 = collective_unit * collective_delta_c[c, d]
                det_r = term_r0 + term_r1 + term_r2 + term_r3
                prop = _max(det_r, zero)
                r_factor = prop / det_r if det_r > zero else zero
                transfer = transfer_base_q * g_pt
                wage = term_w0 + term_w1 + term_w2
                before = production + wage + prop + transfer

                # The safety net: identified with a lag from four quarters of income, paid a quarter of the gap.
                look_back = ring[th, look[0], d] + ring[th, look[1], d] + ring[th, look[2], d] + ring[th, look[3], d]
                need = line_total - look_back
                found = projected & (need > zero) & (detectable_s[th, d] != 0)
                detected = (detected_s[th, d] != 0) | found
                detected_s[th, d] = detected
                pay = gap_share * need / F32(4.0) if detected & (need > zero) else zero

                # Year to date, falls against the same quarter a year earlier.
                ytd = production if q == 0 else ytd_s[th, d] + production
                ytd_s[th, d] = ytd
                ex_year_s[th, d] = before if q == 0 else ex_year_s[th, d] + before
                incl_year_s[th, d] = before + pay if q == 0 else incl_year_s[th, d] + before + pay
                fell_s[th, d] = ytd < ytd_by_quarter[th, q, d] * F32(1 - FALL_TOLERANCE)
                ytd_by_quarter[th, q, d] = ytd
                before_s[th, d] = before  # into the ring after this loop (reading and writing it here stops SIMD)
                production_s[th, d] = production
                wage_s[th, d] = wage + pay * job_share
                property_s[th, d] = prop
                transfer_s[th, d] = transfer + pay * (one - job_share)
                pay_s[th, d] = pay

                # The decomposition, summed over draws.
                tp0 = _add(tp0, term_p0 * p_factor)
                tp1 = _add(tp1, term_p1 * p_factor)
                tp2 = _add(tp2, term_p2 * p_factor)
                tp3 = _add(tp3, term_p3 * p_factor)
                tp4 = _add(tp4, term_p4 * p_factor)
                tp5 = _add(tp5, term_p5 * p_factor)
                tp6 = _add(tp6, term_p6 * p_factor)
                tp7 = _add(tp7, term_p7 * p_factor)
                tw0 = _add(tw0, term_w0)
                tw1 = _add(tw1, term_w1)
                tw2 = _add(tw2, term_w2)
                tw3 = _add(tw3, pay * job_share)
                tr0 = _add(tr0, term_r0 * r_factor)
                tr1 = _add(tr1, term_r1 * r_factor)
                tr2 = _add(tr2, term_r2 * r_factor)
                tr3 = _add(tr3, term_r3 * r_factor)
                tt0 = _add(tt0, transfer)
                tt1 = _add(tt1, pay * (one - job_share))
            ring_row = t % RING
            for d in range(n_d):
                ring[th, ring_row, d] = before_s[th, d]
            if not projected:
                continue

            # The sums, in fixed point.
            for d in range(n_d):
                falling_sum[th, c, ti, d] += count_w if fell_s[th, d] != 0 else 0
                assistance_sum[th, c, ti, d] += _fixed(pay_s[th, d], money_w)
                assisted_sum[th, c, ti, d] += count_w if pay_s[th, d] > zero else 0
                production_sum[th, c, ti, d] += _fixed(production_s[th, d], money_w)
                wage_sum[th, c, ti, d] += _fixed(wage_s[th, d], money_w)
                property_sum[th, c, ti, d] += _fixed(property_s[th, d], money_w)
                transfer_sum[th, c, ti, d] += _fixed(transfer_s[th, d], money_w)
            for m, total in enumerate(
                (tp0, tp1, tp2, tp3, tp4, tp5, tp6, tp7, tw0, tw1, tw2, tw3, tr0, tr1, tr2, tr3, tt0, tt1)
            ):
                terms_sum[th, c, ti, m] += _fixed(total, money_w)
            if q == 3:  # the year's line, before and after assistance
                y = year - first_year
                pc_total, below_count = 0.0, 0.0
                for d in range(n_d):
                    below_before_sum[th, c, y, d] += count_w if ex_year_s[th, d] < line_total else 0
                    below = incl_year_s[th, d] < line_total
                    below_after_sum[th, c, y, d] += count_w if below else 0
                    pc_total += np.float64(incl_year_s[th, d] / size)
                    below_count += 1.0 if below else 0.0
                pc_income_sum[h, y] = pc_total
                below_sum[h, y] = below_count
