"""The engine's compiled kernel: :func:`model.engine.reference.simulate_block`'s arithmetic, a tile at a time.

A tile is up to ``TILE_ROWS`` households of one county; it runs draw after draw, each through every quarter, and
its households are the innermost loop, so the compiler puts them in SIMD lanes (8 float64 a instruction here) with
a draw's and a quarter's numbers as scalars. What a household carries from quarter to quarter under one draw lives
in per-thread rows of the tile (O(threads × tile) memory, in the core's cache), not in arrays of households ×
draws. What does not depend on the draw (a household's random key per quarter, its microcredit) is worked out
once per tile. Four things keep the loops vectorised, and are easy to undo by accident: household arrays are
indexed with unsigned row numbers (numba wraps a negative index round, which turns a vector load into a gather);
the projected quarters' loop has no branch on a quarter-level condition (a year's sums are reset before it, the
base year has a loop of its own); the base year's loop is a function of its own (two loops sharing value
names in one function leave values "used outside the loop", which stops the vectoriser); and a draw's numbers
are read into scalars before the household loop (``x[d]`` read under a condition inside it became a masked
gather per household: six of them cost 8–11% of the kernel).

Same numbers as the reference. The arithmetic is float64 with the reference's operations in the reference's order
and no fast-math (no fused multiply-add, no reordering), so every value of a household, quarter and draw is the
reference's to the bit, and the fixed-point sums are equal exactly. Two things cannot be compiled to the same bits
and are taken from numpy instead: the household's own growth factor (numpy's ``exp`` is its own SIMD code, which
differs from the C library's in the last bit), computed per chunk of rows — its argument by
:func:`own_growth_arguments`, its ``exp`` by numpy — and the base year's look-back (:func:`base_quarter_income`).
The only float output that differs is a household's per-capita income summed over draws (numpy adds pairwise, the
kernel in draw order): within a few float64 roundings.

Carrying a change of the reference over: the projected quarters' loop in :func:`simulate_rows` follows
``simulate_block`` line by line with the same names and the same order of operations (the base year's loop,
:func:`base_year_quarter`, keeps only what is not zero before the programmes start); a new per-draw number goes
into :class:`Draws` (and :func:`inputs`) and is read as a scalar ``name_d`` with the others at the top of the
draw loop, a new per-household number into :class:`Households`, then the equation into the same place of the loop.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
from typing import NamedTuple

import llvmlite.binding as llvm
import numba
import numpy as np
from numba import njit, prange

from model.engine.draws import DrawTables
from model.engine.plan import Plan
from model.engine.reference import (
    COUNT_SCALE,
    FALL_TOLERANCE,
    MONEY_SCALE,
    RING,
    TERMS,
    BlockSums,
    Shared,
    base_quarter_income,
)
from model.engine.rng import GOLDEN, LANE_BITS, LANE_CELLS, MIX1, MIX2, lane_threshold, normal_table

LANE_MASK = np.uint64(LANE_CELLS - 1)
SHIFT30, SHIFT27, SHIFT31 = np.uint64(30), np.uint64(27), np.uint64(31)
LANE1, LANE2, LANE3 = np.uint64(LANE_BITS), np.uint64(2 * LANE_BITS), np.uint64(3 * LANE_BITS)
N_TERMS = sum(len(v) for v in TERMS.values())
PRODUCTION, WAGE, PROPERTY, TRANSFER = range(4)  # rows of Constants.seasonality, in TERMS order
ASSUMPTIONS_AS_DRAWN = (  # per-draw assumptions the kernel reads as they are, under their own names
    "dual_binding_premium",
    "chain_cap_yuan",
    "land_forgone_yuan_per_mu",
    "household_shock_sd",
    "dual_binding_damping",
    "illness_income_loss",
    "training_wage_gain_yuan",
    "participation_wage_share",
    "land_rent_yuan_per_mu",
)
OWN_GROWTH_VALUES = 1 << 22  # households × years × draws of own growth factors held at once (32 MB)
DRAW_CHUNK = 32  # draws per kernel call: a call keeps tens of tiles for the threads to share, at any draw count
TILE_ROWS = 512  # households of a tile: the SIMD loop's length
_WORKQUEUE_LOCK = threading.Lock()  # numba's fallback thread pool must not be entered by two threads at once

# LLVM's loop vectoriser checks at run time that the arrays a loop writes do not overlap the arrays it reads, and
# leaves a loop scalar when it would need more than 8 such checks; the kernel's loops read some thirty arrays.
# A higher limit lets them run in SIMD lanes (twice as fast) with the same IEEE arithmetic, element by element.
# It is a process-wide LLVM option, set before the kernel is compiled; it changes no result of any compiled code.
llvm.set_option("", "-runtime-memory-check-threshold=256")
# The vectoriser's default interleaves four SIMD iterations of the long loop, which spills registers to the stack
# (a third of its instructions); one at a time is faster here (measured: 0.70 → 0.59 s at 32 draws). Same results.
llvm.set_option("", "-force-vector-interleave=1")


class Households(NamedTuple):
    """Per-household inputs (rows of the population, sorted by county), float64 unless said."""

    county: np.ndarray  # int64
    village: np.ndarray  # int64
    key: np.ndarray  # uint64
    money_weight: np.ndarray  # weight × MONEY_SCALE
    count_weight: np.ndarray  # int64: rint(weight × COUNT_SCALE)
    size: np.ndarray  # persons
    has_workers: np.ndarray  # uint8 (0/1)
    wage_base: np.ndarray  # base-year incomes, yuan a year
    production_base: np.ndarray
    property_base: np.ndarray
    transfer_base: np.ndarray
    assisted_base: np.ndarray  # the base year's assistance within transfer income, yuan a year
    look_back_base: np.ndarray  # (household, quarter of the year) base-year income before assistance, no shocks
    land_mu: np.ndarray  # land rented to the first project (mu): transferable land, bounded by the stake
    support_mask: np.ndarray  # int64: bit v set where vintage v's support reaches the household
    asset_mask: np.ndarray  # int64: bit v set where vintage v's assets link the household
    asset_mode: np.ndarray  # int64
    bind_quarter: np.ndarray  # (inf: never)
    dual_bound: np.ndarray  # uint8 (0/1)
    loan_existing: np.ndarray  # yuan
    loan_outstanding: np.ndarray  # (household, projected quarter) float32 yuan
    training_position: np.ndarray  # (inf: not in line)
    tourism_position: np.ndarray
    willing_unit: np.ndarray  # the household's share of its county's willing production
    collective_unit: np.ndarray  # 10⁴ / the county's households


class Draws(NamedTuple):
    """Per-draw tables (the draw axis last and contiguous), float64 unless said."""

    growth_production: np.ndarray  # (years since base, draw)
    growth_wage: np.ndarray
    growth_property: np.ndarray
    growth_transfer: np.ndarray
    support_gain: np.ndarray  # (draw,)
    support_fade_c: np.ndarray  # (county, draw)
    asset_increment_c: np.ndarray  # (county, stake, draw)
    persistence_pow: np.ndarray  # (years, draw)
    survival: np.ndarray  # (quarters since start, draw)
    tourism_gain: np.ndarray  # (draw,)
    tourism_base_gain: np.ndarray
    tourism_reach_c: np.ndarray  # (county, draw)
    tourism_base_reach_c: np.ndarray
    training_per_year_c: np.ndarray
    non_industry_c: np.ndarray
    consumption_delta_c: np.ndarray
    collective_delta_c: np.ndarray
    credit_return: np.ndarray  # (draw,)
    dual_binding_premium: np.ndarray
    chain_cap_yuan: np.ndarray
    land_forgone_yuan_per_mu: np.ndarray
    household_shock_sd: np.ndarray
    dual_binding_damping: np.ndarray
    illness_below: np.ndarray  # int64: ill where the illness lane < this
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
    industry_ramp: np.ndarray  # quarters
    dual_binding_ramp: np.ndarray
    training_ramp: np.ndarray
    growth_sd: np.ndarray  # household_growth_sd
    common: np.ndarray  # (quarter, draw, village) float32, the reference's values
    wage_shock: np.ndarray  # (quarter, draw)
    draw_golden: np.ndarray  # (draw,) uint64: draw number × φ
    normal: np.ndarray  # (2¹⁶,) normal quantiles


class Constants(NamedTuple):
    """The run's scalars: quarters, the flow ramp, seasonality, the line and the safety net."""

    base_year: int
    base_quarter: int
    first_quarter: int
    last_quarter: int
    n_vintages: int
    household_stream: np.uint64
    start_stream: np.uint64
    seasonality: np.ndarray  # (component, quarter), components in TERMS order
    flow_ramp: float
    line: float
    lag: int
    detection_below: int
    gap_covered_share: float
    job_share: float
    credit_factor: np.ndarray  # (county, projected quarter): new borrowers' return, 0–1 of the full return


class Scratch(NamedTuple):
    """Per-thread rows of a tile's households: what a household carries from quarter to quarter under one draw.

    A tile (at most ``TILE_ROWS`` households of one county) runs draw after draw, each through every quarter; its
    households are the innermost, contiguous loop (SIMD lanes), so a draw's and a quarter's numbers are scalars
    there. The rows hold a few tens of kilobytes per thread: they stay in the core's cache.
    """

    word_key: np.ndarray  # (thread, quarter from the base quarter, row) uint64: the household's key in quarter t
    credit: np.ndarray  # (thread, quarter from the base quarter, row) microcredit outstanding beyond the table's
    start_key: np.ndarray  # (thread, row) uint64: the household's key for its start
    unemployed: np.ndarray  # (thread, row) uint8 (0/1)
    detected: np.ndarray  # (thread, row) uint8 (0/1)
    training: np.ndarray  # (thread, row) the quarter training starts (inf: never)
    ring: np.ndarray  # (thread, RING, row) income before assistance of the last quarters
    ytd: np.ndarray  # (thread, row) production year to date
    ytd_by_quarter: np.ndarray  # (thread, 4, row) year-to-date production at each quarter, last year's until set
    ex_year: np.ndarray  # (thread, row) income before assistance, year to date
    incl_year: np.ndarray  # (thread, row) after assistance
    support: np.ndarray  # (thread, row) yuan a year of household support this year
    assets: np.ndarray  # (thread, row) yuan a year of asset stakes, running
    land_running: np.ndarray  # (thread, row) running share of the first stake (land transferred)
    stakes: np.ndarray  # (thread, row) int64: asset stakes counted so far this quarter


def scratch(threads: int, quarters: int) -> Scratch:
    """Empty scratch rows for ``threads`` threads and runs of ``quarters`` quarters."""
    rows = {name: np.zeros((threads, TILE_ROWS)) for name in Scratch._fields}
    rows["word_key"] = np.zeros((threads, quarters, TILE_ROWS), np.uint64)
    rows["credit"] = np.zeros((threads, quarters, TILE_ROWS))
    rows["start_key"] = np.zeros((threads, TILE_ROWS), np.uint64)
    rows["ring"] = np.zeros((threads, RING, TILE_ROWS))
    rows["ytd_by_quarter"] = np.zeros((threads, 4, TILE_ROWS))
    rows["stakes"] = np.zeros((threads, TILE_ROWS), np.int64)
    for name in ("unemployed", "detected"):
        rows[name] = np.zeros((threads, TILE_ROWS), np.uint8)
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

    ``threads`` (default: numba's current count, all cores unless lowered) is set around each kernel call and
    restored after it; a Dask worker that runs several simulations side by side passes 1. The compiled calls
    release the GIL: while a page's full run computes, its server keeps answering other sessions and previews.
    """

    def __init__(self, plan: Plan, dt: DrawTables, shared: Shared, threads: int | None = None) -> None:
        self.plan = plan
        self.inputs = inputs(plan, dt, shared)
        self.threads = min(threads or numba.get_num_threads(), numba.config.NUMBA_NUM_THREADS)
        draws = len(shared.draw_index)
        self.years = plan.last_quarter // 4 - plan.pop.base_year + 1  # years since the base year, base included
        self.draw_chunk = min(draws, DRAW_CHUNK)
        self.chunk_rows = max(1, OWN_GROWTH_VALUES // (self.years * self.draw_chunk))
        # one buffer for every chunk's own growth factors: a fresh 32 MB array per chunk cost its page faults
        # (1.5–4 ms a chunk of 32 draws × 32,768 households: ≈ 0.26 s of a 256-draw verdict run)
        self.own_buffer = np.empty(self.years * self.draw_chunk * min(self.chunk_rows, plan.pop.n))
        self.scratch = scratch(self.threads, plan.n_quarters)
        self.sums = sums(self.threads, plan.pop.n_counties, plan.n_quarters, plan.n_vintages, draws, plan.pop.n)

    def run(self, rows: slice) -> None:
        """Simulate households ``rows`` (any range: counties may be mixed), a chunk of rows and draws at a time.

        Chunks of draws run in draw order, so a household's sums over draws add up in the same order whatever the
        chunk; a chunk of draws (not all of a verdict's hundreds) per call keeps the rows per call, hence the tiles
        the threads share, many (a few tiles per call left one thread idle at the end of each).
        """
        before = numba.get_num_threads()
        hh, dr, k = self.inputs
        with _exclusive():
            numba.set_num_threads(self.threads)
            try:
                n_draws = len(dr.draw_golden)
                for start in range(rows.start, rows.stop, self.chunk_rows):
                    stop = min(start + self.chunk_rows, rows.stop)
                    tile_bounds = tiles(hh.county, start, stop)
                    for first_draw in range(0, n_draws, self.draw_chunk):
                        chunk = slice(first_draw, min(first_draw + self.draw_chunk, n_draws))
                        shape = (self.years, chunk.stop - chunk.start, stop - start)
                        own = self.own_buffer[: shape[0] * shape[1] * shape[2]].reshape(shape)
                        own_growth_arguments(
                            start,
                            stop,
                            hh.key,
                            k.start_stream,
                            dr.draw_golden[chunk],
                            dr.normal,
                            dr.growth_sd[chunk],
                            own,
                        )
                        np.exp(own[1:], out=own[1:])  # numpy's exp, as the reference's
                        own[0] = 1.0  # the base year: exp(±0) is exactly one
                        at = (start, first_draw)
                        simulate_rows(tile_bounds, at, own, hh, dr, k, self.scratch, self.sums)
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
    income = pop.income_base
    f64 = np.float64

    def c64(x: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(x, dtype=f64)

    look_back = np.stack(
        [base_quarter_income(income, pop.assistance_base, shared.seasonality, q) for q in range(4)], axis=1
    )
    households = Households(
        county=pop.county.astype(np.int64),
        village=pop.village.astype(np.int64),
        key=pop.household_key.astype(np.uint64),
        money_weight=pop.weight * MONEY_SCALE,
        count_weight=np.rint(pop.weight * COUNT_SCALE).astype(np.int64),
        size=c64(pop.size),
        has_workers=(pop.workers > 0).astype(np.uint8),
        wage_base=c64(income["wage"]),
        production_base=c64(income["production"]),
        property_base=c64(income["property"]),
        transfer_base=c64(income["transfer"]),
        assisted_base=c64(pop.assistance_base),
        look_back_base=c64(look_back),
        land_mu=c64(plan.land_rented_mu),
        support_mask=plan.support_mask.astype(np.int64),
        asset_mask=plan.asset_mask.astype(np.int64),
        asset_mode=plan.asset_mode.astype(np.int64),
        bind_quarter=c64(plan.bind_quarter),
        dual_bound=pop.dual_bound.astype(np.uint8),
        loan_existing=c64(plan.loan_existing),
        loan_outstanding=np.ascontiguousarray(plan.loan_outstanding, dtype=np.float32),
        training_position=c64(plan.training_position),
        tourism_position=c64(plan.tourism_position),
        willing_unit=c64(plan.willing_production_unit),
        collective_unit=c64(plan.collective_unit),
    )
    with np.errstate(over="ignore"):
        draw_golden = shared.draw_index.astype(np.uint64) * GOLDEN
    u_star, kappa = dt.unemployed_share, a["job_loss_wage_share"]
    draws = Draws(
        growth_production=c64(dt.growth["production"]),
        growth_wage=c64(dt.growth["wage"]),
        growth_property=c64(dt.growth["property"]),
        growth_transfer=c64(dt.growth["transfer"]),
        support_gain=c64(dt.support_gain),
        support_fade_c=c64(dt.support_fade_c),
        asset_increment_c=c64(dt.asset_increment_c),
        persistence_pow=c64(dt.persistence_pow),
        survival=c64(dt.survival),
        tourism_gain=c64(dt.tourism_gain),
        tourism_base_gain=c64(dt.tourism_base_gain),
        tourism_reach_c=c64(dt.tourism_reach_c),
        tourism_base_reach_c=c64(dt.tourism_base_reach_c),
        training_per_year_c=c64(dt.training_per_year_c),
        non_industry_c=c64(dt.non_industry_c),
        consumption_delta_c=c64(dt.consumption_delta_c),
        collective_delta_c=c64(dt.collective_delta_c),
        credit_return=c64(dt.credit_return),
        **{name: c64(a[name]) for name in ASSUMPTIONS_AS_DRAWN},
        illness_below=lane_threshold(a["illness_rate"]),
        ill_norm=c64(1 / (1 - a["illness_rate"] * a["illness_income_loss"])),
        job_loss_below=lane_threshold(a["job_loss_rate"]),
        job_find_below=lane_threshold(a["job_find_rate"]),
        unemployed_below=lane_threshold(u_star),
        kappa=c64(kappa),
        job_norm=c64(1 / (1 - u_star * kappa)),
        industry_ramp=c64(a["industry_ramp_quarters"]),
        dual_binding_ramp=c64(a["dual_binding_ramp_quarters"]),
        training_ramp=c64(a["training_ramp_quarters"]),
        growth_sd=c64(a["household_growth_sd"]),
        common=np.ascontiguousarray(shared.common, dtype=np.float32),
        wage_shock=c64(shared.wage_shock),
        draw_golden=draw_golden,
        normal=normal_table(),
    )
    constants = Constants(
        base_year=int(pop.base_year),
        base_quarter=int(plan.base_quarter),
        first_quarter=int(plan.first_quarter),
        last_quarter=int(plan.last_quarter),
        n_vintages=int(plan.n_vintages),
        household_stream=np.uint64(shared.household_stream),
        start_stream=np.uint64(shared.start_stream),
        seasonality=np.array([shared.seasonality[k] for k in TERMS], dtype=f64),
        flow_ramp=float(a["flow_ramp_quarters"][0]),
        line=float(shared.line),
        lag=int(shared.safety["lag_quarters"]),
        detection_below=int(lane_threshold(np.array([shared.safety["detection_rate"]]))[0]),
        gap_covered_share=float(shared.safety["gap_covered_share"]),
        job_share=float(shared.safety["public_welfare_job_share"]),
        credit_factor=np.ascontiguousarray(plan.credit_factor_c, dtype=f64),
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
    """``np.maximum`` of two numbers (numba's builtin ``max`` is a call the vectoriser cannot widen)."""
    return a if a > b else b


@njit(inline="always")
def _ramp(elapsed, quarters):
    """Linear ramp 0 → 1 over ``quarters`` quarters (the reference's ``_ramp``: ``clip(elapsed / quarters, 0, 1)``)."""
    r = elapsed / quarters
    return 0.0 if r < 0.0 else (1.0 if r > 1.0 else r)


@njit(inline="always")
def _fixed(value, weight):
    """One household's value in fixed point (the reference's ``_fixed`` before its sum)."""
    return np.int64(np.rint(value * weight))


@njit(inline="always")
def _random(word, normal_table, was_unemployed, workers, find_below, loss_below, ill_below, ill_loss, ill_norm):
    """One household's quarter under one draw from its word: lanes 0–3 = production shock, job, illness, detection.

    Returns the production shock's normal, whether unemployed now, the illness income factor, detectable.
    """
    household_normal = normal_table[np.int64(word & LANE_MASK)]
    u_job = np.int64((word >> LANE1) & LANE_MASK)
    finds, loses = u_job < find_below, u_job < loss_below
    unemployed = workers & ((was_unemployed & (not finds)) | ((not was_unemployed) & loses))
    ill = np.int64((word >> LANE2) & LANE_MASK) < ill_below
    ill_factor = (1 - ill_loss * (1.0 if ill else 0.0)) * ill_norm
    return household_normal, unemployed, ill_factor, np.int64((word >> LANE3) & LANE_MASK)


@njit(inline="always")
def _production_multiplier(shock_sd, household_normal, common, bound, damping):
    """``max(0, 1 + shock · (1 − damping if bound))``: the production shock, damped for a dual-bound household."""
    shock = shock_sd * household_normal + np.float64(common)
    return _max(0.0, 1 + shock * (1 - (damping if bound else 0.0)))


@njit(inline="always")
def _job_factor(unemployed, workers, kappa, job_norm):
    """Wage income's factor of the job state (mean one over households with workers)."""
    return ((1 - kappa) if unemployed else 1.0) * job_norm if workers else 1.0


def tiles(county: np.ndarray, start: int, stop: int) -> np.ndarray:
    """Rows ``start … stop − 1`` cut into tiles of at most ``TILE_ROWS`` households of one county: (tile, 2) bounds."""
    cuts = start + 1 + np.flatnonzero(county[start + 1 : stop] != county[start : stop - 1])
    edges = np.concatenate(([start], cuts, [stop]))
    lows = [np.arange(a, b, TILE_ROWS) for a, b in itertools.pairwise(edges)]
    highs = [np.minimum(low + TILE_ROWS, b) for low, b in zip(lows, edges[1:], strict=True)]
    return np.stack([np.concatenate(lows), np.concatenate(highs)], axis=1).astype(np.int64)


@njit(parallel=True, cache=True, error_model="numpy", nogil=True)
def own_growth_arguments(start, stop, key, start_stream, draw_golden, normal_table, growth_sd, out):
    """``j·σ·ζ − (j·σ)²/2`` per year since the base year, draw and household (the reference's ``own`` before exp).

    Row 0 (year 0) first holds the households' ζ, which the later years read before it gets its own value.
    """
    n_j, n_d = out.shape[0], out.shape[1]
    first_row = np.uint64(start)
    for d in prange(n_d):
        g = draw_golden[d]
        for i in range(stop - start):
            lane = (_mix64(_mix64(key[first_row + np.uint64(i)] ^ start_stream) + g) >> LANE1) & LANE_MASK
            out[0, d, i] = normal_table[np.int64(lane)]
        for j in range(n_j - 1, -1, -1):
            spread = np.float64(j) * growth_sd[d]
            for i in range(stop - start):
                out[j, d, i] = spread * out[0, d, i] - spread * spread / 2


@njit(cache=True, error_model="numpy", nogil=True)
def base_year_quarter(at, hh, dr, k, own, word_key, unemployed_s, ring, ytd_s, ytd_by_quarter, ex_year_s, incl_year_s):
    """One base-year quarter of a tile under draw ``d``: the shocked income the projection looks back on.

    No programme has started, so every channel's term of the loop in :func:`simulate_rows` is exactly zero (as in
    the reference) and the base year's assistance is paid as it was. A function of its own: its loop's values
    stay its own, so the compiler vectorises it (a name shared with the projected quarters' loop would not).
    """
    village, has_workers, bind_quarter, dual_bound = hh.village, hh.has_workers, hh.bind_quarter, hh.dual_bound
    wage_base, production_base, property_base = hh.wage_base, hh.production_base, hh.property_base
    transfer_base, assisted_base = hh.transfer_base, hh.assisted_base
    household_shock_sd, dual_binding_damping = dr.household_shock_sd, dr.dual_binding_damping
    illness_below, illness_income_loss, ill_norm = dr.illness_below, dr.illness_income_loss, dr.ill_norm
    job_loss_below, job_find_below, kappa, job_norm = dr.job_loss_below, dr.job_find_below, dr.kappa, dr.job_norm
    common, wage_shock, draw_golden, normal_table = dr.common, dr.wage_shock, dr.draw_golden, dr.normal
    growth_production, growth_wage = dr.growth_production, dr.growth_wage
    growth_property, growth_transfer = dr.growth_property, dr.growth_transfer
    n, first_row, first_own, th, t, d, d_own = at  # the tile's rows and thread, the quarter, the draw (in own: d_own)
    q, ti, j = t % 4, t - k.base_quarter, t // 4 - k.base_year
    s_p, s_w = k.seasonality[PRODUCTION, q], k.seasonality[WAGE, q]
    s_r, s_t = k.seasonality[PROPERTY, q], k.seasonality[TRANSFER, q]
    g_production, g_wage = growth_production[j, d], growth_wage[j, d]
    g_property, g_transfer = growth_property[j, d], growth_transfer[j, d]
    w_shock = 1 + wage_shock[ti, d]
    golden, ring_row = draw_golden[d], t % RING
    for i in range(n):
        h = first_row + np.uint64(i)
        workers = has_workers[h] != 0
        word = _mix64(word_key[th, ti, i] + golden)
        household_normal, unemployed, ill_factor, _ = _random(
            word,
            normal_table,
            unemployed_s[th, i] != 0,
            workers,
            job_find_below[d],
            job_loss_below[d],
            illness_below[d],
            illness_income_loss[d],
            ill_norm[d],
        )
        unemployed_s[th, i] = unemployed
        bound = (dual_bound[h] != 0) | (bind_quarter[h] < t + 1)
        trend_p = production_base[h] * s_p * (g_production * own[j, d_own, first_own + np.uint64(i)])
        multiplier = _production_multiplier(
            household_shock_sd[d], household_normal, common[ti, d, village[h]], bound, dual_binding_damping[d]
        )
        production = _max(trend_p, 0.0) * multiplier * ill_factor
        w_factor = w_shock * _job_factor(unemployed, workers, kappa[d], job_norm[d]) * ill_factor
        wage = wage_base[h] * s_w * g_wage * w_factor
        prop = _max(property_base[h] * s_r * g_property, 0.0)
        transfer = (transfer_base[h] - assisted_base[h]) * s_t * g_transfer
        before = production + wage + prop + transfer
        ring[th, ring_row, i] = before
        ytd = ytd_s[th, i] + production
        ytd_s[th, i] = ytd
        ytd_by_quarter[th, q, i] = ytd
        ex_year_s[th, i] = ex_year_s[th, i] + before
        incl_year_s[th, i] = incl_year_s[th, i] + before + assisted_base[h] * s_t


@njit(parallel=True, cache=True, error_model="numpy", nogil=True)
def simulate_rows(tile_bounds, at, own, hh, dr, k, scratch, sums):
    """Every quarter of the households of ``tile_bounds`` under a chunk of draws, added into each thread's ``sums``.

    ``at`` = (first row, first draw) of ``own``, which holds the households' own growth factors (year since the
    base year, draw − first draw, row − first row) for the chunk's draws. Quarter rows
    of ``sums`` count from the base quarter (the base year's rows stay zero). Every array is unpacked from its tuple
    before the parallel loop: numba's parallel loop drops stores made through a tuple's arrays inside its body,
    and an array taken from a tuple inside the loop costs two atomic reference counts each time.
    """
    (county, village, key, money_weight, count_weight, size_h, has_workers) = hh[:7]
    (wage_base, production_base, property_base, transfer_base, assisted_base, look_back_base) = hh[7:13]
    (land_mu, support_mask, asset_mask, asset_mode, bind_quarter, dual_bound) = hh[13:19]
    (loan_existing, loan_outstanding, training_position, tourism_position, willing_unit_h) = hh[19:24]
    collective_unit_h = hh[24]
    (growth_production, growth_wage, growth_property, growth_transfer) = dr[:4]
    (support_gain, support_fade_c, asset_increment_c, persistence_pow, survival) = dr[4:9]
    (tourism_gain, tourism_base_gain, tourism_reach_c, tourism_base_reach_c, training_per_year_c) = dr[9:14]
    (non_industry_c, consumption_delta_c, collective_delta_c, credit_return) = dr[14:18]
    (dual_binding_premium, chain_cap_yuan, land_forgone_yuan_per_mu, household_shock_sd) = dr[18:22]
    (dual_binding_damping, illness_below, illness_income_loss, ill_norm) = dr[22:26]
    (job_loss_below, job_find_below, unemployed_below, kappa, job_norm) = dr[26:31]
    (training_wage_gain_yuan, participation_wage_share, land_rent_yuan_per_mu) = dr[31:34]
    (industry_ramp, dual_binding_ramp, training_ramp) = dr[34:37]
    (common, wage_shock, draw_golden, normal_table) = dr[38:]
    seasonality = k.seasonality
    (word_key, credit_s, start_key, unemployed_s, detected_s, training_s, ring, ytd_s) = scratch[:8]
    (ytd_by_quarter, ex_year_s, incl_year_s, support_s, assets_s, land_running_s, stakes_s) = scratch[8:]
    production_sum, wage_sum, property_sum, transfer_sum, assistance_sum, falling_sum, assisted_sum = sums[:7]
    below_before_sum, below_after_sum, terms_sum, pc_income_sum, below_sum = sums[7:]
    start, first_draw = at
    first_year = k.first_quarter // 4
    job_share = k.job_share
    for tile in prange(tile_bounds.shape[0]):
        th = numba.get_thread_id()
        lo, n = tile_bounds[tile, 0], tile_bounds[tile, 1] - tile_bounds[tile, 0]
        c = county[lo]
        # Unsigned row numbers: the compiler sees they cannot wrap round (a negative index counts from the end in
        # numba), so a household's numbers are read as contiguous vectors, not gathered lane by lane.
        first_row, first_own = np.uint64(lo), np.uint64(lo - start)

        # Per household and quarter, whatever the draw: the random key, microcredit beyond the table's loan.
        for i in range(n):
            h = first_row + np.uint64(i)
            start_key[th, i] = _mix64(key[h] ^ k.start_stream)
        for t in range(k.base_quarter, k.last_quarter + 1):
            ti = t - k.base_quarter
            t_golden = np.uint64(t) * GOLDEN
            for i in range(n):
                h = first_row + np.uint64(i)
                word_key[th, ti, i] = _mix64((key[h] ^ k.household_stream) + t_golden)
            tq = t - k.first_quarter
            if tq >= 0:  # the base year's loop reads no microcredit
                for i in range(n):
                    h = first_row + np.uint64(i)
                    new_borrower = k.credit_factor[c, tq] if loan_existing[h] <= 0 else 1.0
                    credit_s[th, ti, i] = (loan_outstanding[h, tq] - loan_existing[h]) * new_borrower

        for d in range(first_draw, first_draw + own.shape[1]):
            golden = draw_golden[d]
            d_own = d - first_draw
            # A draw's numbers as scalars (module docstring: read under a condition in the loop, a gather).
            credit_return_d = credit_return[d]
            dual_binding_damping_d = dual_binding_damping[d]
            dual_binding_premium_d = dual_binding_premium[d]
            dual_binding_ramp_d = dual_binding_ramp[d]
            household_shock_sd_d = household_shock_sd[d]
            ill_norm_d = ill_norm[d]
            illness_below_d = illness_below[d]
            illness_income_loss_d = illness_income_loss[d]
            job_find_below_d = job_find_below[d]
            job_loss_below_d = job_loss_below[d]
            job_norm_d = job_norm[d]
            kappa_d = kappa[d]
            land_forgone_yuan_per_mu_d = land_forgone_yuan_per_mu[d]
            land_rent_yuan_per_mu_d = land_rent_yuan_per_mu[d]
            participation_wage_share_d = participation_wage_share[d]
            tourism_base_gain_d = tourism_base_gain[d]
            tourism_gain_d = tourism_gain[d]
            training_ramp_d = training_ramp[d]
            training_wage_gain_yuan_d = training_wage_gain_yuan[d]
            collective_delta_c_d = collective_delta_c[c, d]
            consumption_delta_c_d = consumption_delta_c[c, d]
            non_industry_c_d = non_industry_c[c, d]
            tourism_base_reach_c_d = tourism_base_reach_c[c, d]
            tourism_reach_c_d = tourism_reach_c[c, d]
            unemployed_below_d = unemployed_below[d]

            # The household's start: job state, monitoring, training's start, the look-back before the base year.
            per_year = training_per_year_c[c, d]
            for i in range(n):
                h = first_row + np.uint64(i)
                lane0 = np.int64(_mix64(start_key[th, i] + golden) & LANE_MASK)
                unemployed_s[th, i] = (has_workers[h] != 0) & (lane0 < unemployed_below_d)
                detected_s[th, i] = assisted_base[h] > 0
                ytd_by_quarter[th, 0, i] = 0.0
                ytd_by_quarter[th, 1, i] = 0.0
                ytd_by_quarter[th, 2, i] = 0.0
                ytd_by_quarter[th, 3, i] = 0.0
                train_pos = training_position[h]
                if per_year > 0 and np.isfinite(train_pos):
                    trained_year = np.floor(train_pos / _max(per_year, 1e-12))
                    training_s[th, i] = k.first_quarter + 4 * trained_year  # the quarter training starts
                else:
                    training_s[th, i] = np.inf
            for back in range(1, RING):
                slot, quarter = (k.base_quarter - back) % RING, (k.base_quarter - back) % 4
                for i in range(n):
                    h = first_row + np.uint64(i)
                    ring[th, slot, i] = look_back_base[h, quarter]

            for t in range(k.base_quarter, k.last_quarter + 1):
                q, year = t % 4, t // 4
                j = year - k.base_year
                v_now = year - first_year
                projected = t >= k.first_quarter
                ti = t - k.base_quarter
                s_p, s_w = seasonality[PRODUCTION, q], seasonality[WAGE, q]
                s_r, s_t = seasonality[PROPERTY, q], seasonality[TRANSFER, q]
                flow = _ramp(np.float64(t + 1 - k.first_quarter), k.flow_ramp)
                ring_row = t % RING
                if q == 0:  # a new year: the year-to-date sums start again
                    for i in range(n):
                        ytd_s[th, i] = 0.0
                        ex_year_s[th, i] = 0.0
                        incl_year_s[th, i] = 0.0

                if not projected:  # the base year: no programme has started; its shocked income is what counts
                    at = (n, first_row, first_own, th, t, d, d_own)
                    base_year_quarter(
                        at, hh, dr, k, own, word_key, unemployed_s, ring, ytd_s, ytd_by_quarter, ex_year_s, incl_year_s
                    )
                    continue

                # Industry funds: support packages (in-year, persisting) and asset stakes (after a build-up, failing).
                for i in range(n):
                    support_s[th, i] = 0.0
                    assets_s[th, i] = 0.0
                    land_running_s[th, i] = 0.0
                    stakes_s[th, i] = 0
                for v in range(k.n_vintages):
                    if v <= v_now:
                        gain = support_gain[d] * persistence_pow[v_now - v, d]
                        for i in range(n):
                            h = first_row + np.uint64(i)
                            support_s[th, i] += gain if (support_mask[h] >> v) & 1 else 0.0
                    start_q = 4 * (first_year + v)
                    if t < start_q:  # later vintages start later still
                        break
                    running = _ramp(t + 1.0 - start_q, industry_ramp[d]) * survival[t - start_q, d]
                    first_runs = asset_increment_c[c, 0, d] > 0.0  # a project too small to run rents no land
                    for i in range(n):
                        h = first_row + np.uint64(i)
                        linked = (asset_mask[h] >> v) & 1
                        stakes = stakes_s[th, i] + linked
                        stakes_s[th, i] = stakes
                        increment = asset_increment_c[c, _max(stakes - 1, 0), d]
                        assets_s[th, i] += increment * running if linked else 0.0
                        land_running_s[th, i] += running if linked and stakes == 1 and first_runs else 0.0

                # Per draw and quarter, whatever the household.
                g_production, g_wage = growth_production[j, d], growth_wage[j, d]
                g_property, g_transfer = growth_property[j, d], growth_transfer[j, d]
                fade_c = support_fade_c[c, d] if j >= 1 else 0.0  # past support fades from the second year
                fade_pow = 1 - persistence_pow[j, d]
                flow_s_p = flow * s_p
                cap = chain_cap_yuan[d] * s_p
                w_shock = 1 + wage_shock[ti, d]
                look0, look1 = (t - k.lag) % RING, (t - k.lag - 1) % RING
                look2, look3 = (t - k.lag - 2) % RING, (t - k.lag - 3) % RING
                tp0 = tp1 = tp2 = tp3 = tp4 = tp5 = tp6 = tp7 = np.int64(0)
                tw0 = tw1 = tw2 = tw3 = tw4 = tr0 = tr1 = tr2 = tr3 = tt0 = tt1 = np.int64(0)
                falling = assistance = assisted_count = np.int64(0)
                # No branch on the quarter inside this loop: the vectoriser keeps a loop with one scalar.
                for i in range(n):
                    h = first_row + np.uint64(i)
                    money_w = money_weight[h]
                    size, workers = size_h[h], has_workers[h] != 0
                    mode, land, tau = asset_mode[h], land_mu[h], bind_quarter[h]
                    is_land, is_contract, is_participation = mode == 1, mode >= 2, mode == 0
                    willing_unit, per_household = willing_unit_h[h], collective_unit_h[h]
                    assisted = assisted_base[h]
                    tour_pos = tourism_position[h]

                    # Random numbers: one word, lanes 0–3 = production shock, job, illness, detection.
                    # :func:`_random`'s arithmetic written out: called here, its returned tuple stops the vectoriser
                    word = _mix64(word_key[th, ti, i] + golden)
                    household_normal = normal_table[np.int64(word & LANE_MASK)]
                    u_job = np.int64((word >> LANE1) & LANE_MASK)
                    was = unemployed_s[th, i] != 0
                    finds, loses = u_job < job_find_below_d, u_job < job_loss_below_d
                    unemployed = workers & ((was & (not finds)) | ((not was) & loses))
                    unemployed_s[th, i] = unemployed
                    ill = np.int64((word >> LANE2) & LANE_MASK) < illness_below_d
                    ill_factor = (1 - illness_income_loss_d * (1.0 if ill else 0.0)) * ill_norm_d
                    detectable = np.int64((word >> LANE3) & LANE_MASK) < k.detection_below

                    # Production: terms, one enterprise chain capped, clamping, shocks.
                    credit = credit_s[th, ti, i]
                    bound = (dual_bound[h] != 0) | (tau < t + 1)
                    g_p = g_production * own[j, d_own, first_own + np.uint64(i)]
                    trend_p = production_base[h] * s_p * g_p
                    support = support_s[th, i]
                    assets = assets_s[th, i]
                    contract = assets if is_contract else 0.0
                    land_running = land_running_s[th, i] * (1.0 if is_land else 0.0) * land
                    fade_d = willing_unit * fade_c * fade_pow
                    premium = dual_binding_premium_d * trend_p * _ramp(t + 1 - tau, dual_binding_ramp_d)
                    premium = _max(premium - s_p * contract, 0.0)
                    consumption = flow * willing_unit * consumption_delta_c_d
                    chain = s_p * (contract + consumption) + premium
                    chain_factor = cap / _max(chain, 1e-12) if chain > cap else 1.0
                    tourism = (tourism_gain_d if tour_pos < tourism_reach_c_d else 0.0) - (
                        tourism_base_gain_d if tour_pos < tourism_base_reach_c_d else 0.0
                    )
                    det = trend_p
                    det += s_p * (support - fade_d)
                    det += s_p * contract * chain_factor
                    det += -s_p * land_forgone_yuan_per_mu_d * land_running
                    det += premium * chain_factor
                    det += s_p * consumption * chain_factor
                    det += s_p * credit_return_d * credit
                    det += flow_s_p * tourism
                    multiplier = _production_multiplier(
                        household_shock_sd_d,
                        household_normal,
                        common[ti, d, village[h]],
                        bound,
                        dual_binding_damping_d,
                    )
                    production = _max(det, 0.0) * multiplier * ill_factor
                    p_factor = production / det if det > 0 else 0.0

                    # Wage, property, transfer; the safety net; year to date, falls.
                    participation = assets if is_participation else 0.0
                    job_factor = _job_factor(unemployed, workers, kappa_d, job_norm_d)
                    train_start = training_s[th, i]
                    trained = np.isfinite(train_start)
                    training = (
                        training_wage_gain_yuan_d * _ramp(t + 1 - train_start, training_ramp_d) if trained else 0.0
                    )
                    w_factor = w_shock * job_factor * ill_factor
                    w0 = wage_base[h] * s_w * g_wage * w_factor
                    w1 = s_w * participation_wage_share_d * participation * w_factor
                    w2 = s_w * training * w_factor
                    w3 = flow * s_w * per_household * non_industry_c_d
                    r0 = property_base[h] * s_r * g_property
                    r1 = s_r * (1 - participation_wage_share_d) * participation
                    r2 = s_r * land_rent_yuan_per_mu_d * land_running
                    r3 = flow * s_r * per_household * collective_delta_c_d
                    det_r = r0 + r1 + r2 + r3
                    prop = _max(det_r, 0.0)
                    r_factor = prop / det_r if det_r > 0 else 0.0
                    transfer = (transfer_base[h] - assisted) * s_t * g_transfer
                    wage = w0 + w1 + w2 + w3
                    before = production + wage + prop + transfer

                    look_back = ring[th, look0, i] + ring[th, look1, i] + ring[th, look2, i]
                    look_back += ring[th, look3, i]
                    need = k.line * size - look_back
                    found = (need > 0) & detectable
                    detected = (detected_s[th, i] != 0) | found
                    detected_s[th, i] = detected
                    pay = k.gap_covered_share * need / 4 if detected & (need > 0) else 0.0
                    ring[th, ring_row, i] = before

                    ytd = ytd_s[th, i] + production
                    ytd_s[th, i] = ytd
                    ex_year_s[th, i] = ex_year_s[th, i] + before
                    incl_year_s[th, i] = incl_year_s[th, i] + before + pay
                    fell = ytd < ytd_by_quarter[th, q, i] * (1 - FALL_TOLERANCE)
                    ytd_by_quarter[th, q, i] = ytd
                    count_w = count_weight[h]
                    falling += count_w if fell else 0
                    assistance += _fixed(pay, money_w)
                    assisted_count += count_w if pay > 0 else 0
                    tp0 += _fixed(trend_p * p_factor, money_w)
                    tp1 += _fixed(s_p * (support - fade_d) * p_factor, money_w)
                    tp2 += _fixed(s_p * contract * chain_factor * p_factor, money_w)
                    tp3 += _fixed(-s_p * land_forgone_yuan_per_mu_d * land_running * p_factor, money_w)
                    tp4 += _fixed(premium * chain_factor * p_factor, money_w)
                    tp5 += _fixed(s_p * consumption * chain_factor * p_factor, money_w)
                    tp6 += _fixed(s_p * credit_return_d * credit * p_factor, money_w)
                    tp7 += _fixed(flow_s_p * tourism * p_factor, money_w)
                    tw0 += _fixed(w0, money_w)
                    tw1 += _fixed(w1, money_w)
                    tw2 += _fixed(w2, money_w)
                    tw3 += _fixed(w3, money_w)
                    tw4 += _fixed(pay * job_share, money_w)
                    tr0 += _fixed(r0 * r_factor, money_w)
                    tr1 += _fixed(r1 * r_factor, money_w)
                    tr2 += _fixed(r2 * r_factor, money_w)
                    tr3 += _fixed(r3 * r_factor, money_w)
                    tt0 += _fixed(transfer, money_w)
                    tt1 += _fixed(pay * (1 - job_share), money_w)
                production_sum[th, c, ti, d] += tp0 + tp1 + tp2 + tp3 + tp4 + tp5 + tp6 + tp7
                wage_sum[th, c, ti, d] += tw0 + tw1 + tw2 + tw3 + tw4
                property_sum[th, c, ti, d] += tr0 + tr1 + tr2 + tr3
                transfer_sum[th, c, ti, d] += tt0 + tt1
                assistance_sum[th, c, ti, d] += assistance
                falling_sum[th, c, ti, d] += falling
                assisted_sum[th, c, ti, d] += assisted_count
                for m, total in enumerate(
                    (tp0, tp1, tp2, tp3, tp4, tp5, tp6, tp7, tw0, tw1, tw2, tw3, tw4, tr0, tr1, tr2, tr3, tt0, tt1)
                ):
                    terms_sum[th, c, ti, m] += total
                if q == 3:  # the year's line, before and after assistance
                    y = year - first_year
                    below_before, below_after = np.int64(0), np.int64(0)
                    for i in range(n):
                        h = first_row + np.uint64(i)
                        line_total = k.line * size_h[h]
                        below_before += count_weight[h] if ex_year_s[th, i] < line_total else 0
                        below = incl_year_s[th, i] < line_total
                        below_after += count_weight[h] if below else 0
                        pc_income_sum[h, y] += incl_year_s[th, i] / size_h[h]
                        below_sum[h, y] += 1.0 if below else 0.0
                    below_before_sum[th, c, y, d] += below_before
                    below_after_sum[th, c, y, d] += below_after
