"""Benchmark of the engine at full city scale: one scenario at 32 draws and a verdict run, beside the memory floor.

Issue 9 asks, on 2 threads: ≤ 0.25 s and ≤ 10× the memory-pass floor per scenario at 32 draws, and a verdict
(draws added until every P(met) has a standard error ≤ 0.03) in ≤ 3 s. The floor is one numpy pass over a
float32 array of households × draws × 12 quarters, timed in the same process as the engine.

Each configuration runs in its own subprocess, so that its peak memory (``ru_maxrss``) is its own. In each, the
embedded population is built, one call loads the compiled kernel (from numba's disk cache), then ``--runs`` timed
runs give the median. A separate subprocess with an empty numba cache times the first compilation. The stages of
a scenario (plan, per-draw tables, common shocks, kernel) are timed apart, and the numpy reference engine runs the
same scenario for the kernel's speed-up (a third of the runs: it is slow). This is a benchmark, not a test:
numbers depend on the machine and its load, both printed first.

    python bench/bench_model.py [--runs 5] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS_32 = 0.25
TARGET_FLOOR_RATIO = 10.0
TARGET_VERDICT_SECONDS = 3.0
FLOOR_QUARTERS = 12
CONFIGS: dict[str, dict] = {
    "32 draws, 2 threads": {"threads": 2, "verdict": False},
    "32 draws, 1 thread": {"threads": 1, "verdict": False},
    "verdict, 2 threads": {"threads": 2, "verdict": True},
    "verdict, 1 thread": {"threads": 1, "verdict": True},
    "32 draws, numpy reference": {"threads": 2, "verdict": False, "engine": "reference"},
}


def machine() -> dict:
    """CPU model, cores, memory, load and library versions."""
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory_gb = None
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            memory_gb = round(int(line.split()[1]) / 1024**2, 1)
    import numba
    import numpy

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": memory_gb,
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "numba": numba.__version__,
        "load_average": os.getloadavg(),
    }


def _median_seconds(call, runs: int) -> tuple[float, float, float]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        call()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), min(times), max(times)


def floor_seconds(households: int, draws: int, runs: int) -> float:
    """One pass over households × draws × 12 quarters of float32 (the median of ``runs`` sums)."""
    import numpy as np

    data = np.ones((households, draws, FLOOR_QUARTERS), np.float32)
    return _median_seconds(data.sum, runs)[0]


def stages(pop, scenario, draws: int, runs: int) -> dict:
    """Median seconds of each stage of one scenario run by hand (the same calls ``simulate`` makes)."""
    import numpy as np

    from model.engine.draws import assumption_draws, tables
    from model.engine.kernel import KernelRun
    from model.engine.plan import build_plan
    from model.engine.simulate import BLOCK_ROWS, _blocks, shared_inputs

    plan = build_plan(pop, scenario)
    index = np.arange(draws, dtype=np.uint64)
    a = assumption_draws(scenario, draws)
    dt = tables(plan, a)
    shared = shared_inputs(plan, a, index)
    blocks = _blocks(pop, BLOCK_ROWS["kernel"])

    def kernel():
        run = KernelRun(plan, dt, shared)
        for rows in blocks:
            run.run(rows)
        run.totals()

    return {
        "plan": _median_seconds(lambda: build_plan(pop, scenario), runs)[0],
        "draw tables": _median_seconds(lambda: tables(plan, assumption_draws(scenario, draws)), runs)[0],
        "shocks": _median_seconds(lambda: shared_inputs(plan, a, index), runs)[0],
        "kernel": _median_seconds(kernel, runs)[0],
    }


def child(name: str, runs: int) -> dict:
    """Run one configuration in this process and return its measurements."""
    sys.path.insert(0, str(ROOT))
    import numba

    from model.engine.run import run_scenario
    from model.engine.simulate import simulate
    from model.engine.targets import OUTCOME_KEYS
    from model.population.synth import default_population
    from model.schema.scenario import Scenario

    config = CONFIGS[name]
    numba.set_num_threads(config["threads"])
    t0 = time.perf_counter()
    pop = default_population()
    population_seconds = time.perf_counter() - t0
    scenario = Scenario()
    out = {"config": name, "households": pop.n, "threads": config["threads"], "population_seconds": population_seconds}
    t0 = time.perf_counter()
    simulate(pop, scenario, draws=32)
    out["first_call_seconds"] = time.perf_counter() - t0
    if config["verdict"]:
        run = run_scenario(pop, scenario)
        checks = [run.targets[k] for k in OUTCOME_KEYS if k in run.targets]
        draws = run.result.draws
        out["standard_error"] = max(c.p_met_se for c in checks if c.p_met_se is not None)
        out["median_seconds"], out["min_seconds"], out["max_seconds"] = _median_seconds(
            lambda: run_scenario(pop, scenario), runs
        )
    elif "engine" in config:
        draws = 32
        out["median_seconds"], out["min_seconds"], out["max_seconds"] = _median_seconds(
            lambda: simulate(pop, scenario, draws=draws, engine=config["engine"]), max(1, runs // 3)
        )
    else:
        draws = 32
        out["median_seconds"], out["min_seconds"], out["max_seconds"] = _median_seconds(
            lambda: simulate(pop, scenario, draws=draws), runs
        )
        out["stages"] = stages(pop, scenario, draws, runs)
    out["draws"] = draws
    out["quarters"] = len(simulate(pop, scenario, draws=1).quarters)
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # before the floor's own array
    out["floor_seconds_32"] = floor_seconds(pop.n, 32, runs)
    out["floor_seconds"] = out["floor_seconds_32"] if draws == 32 else floor_seconds(pop.n, draws, runs)
    return out


def compile_child() -> dict:
    """Time the first call with an empty numba cache (the compilation), then a call in a fresh process."""
    sys.path.insert(0, str(ROOT))
    from model.engine.simulate import simulate
    from model.population.synth import generate_frame
    from model.population.table import population_from_frame
    from model.schema.scenario import Scenario

    pop = population_from_frame(generate_frame().head(500), "500 households")
    t0 = time.perf_counter()
    simulate(pop, Scenario(), draws=4)
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    simulate(pop, Scenario(), draws=4)
    return {"first_seconds": first, "second_seconds": time.perf_counter() - t0}


def _run_child(args: list[str], env: dict | None = None) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, cwd=ROOT, check=True, env=env
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    """Run every configuration in a subprocess and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per configuration (median reported)")
    parser.add_argument("--json", action="store_true", help="print the measurements as JSON")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--compile", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.compile:
        print(json.dumps(compile_child()))
        return 0
    if args.child:
        print(json.dumps(child(args.child, args.runs)))
        return 0

    before = machine()
    with tempfile.TemporaryDirectory() as cache:
        compiled = _run_child(["--compile"], env={**os.environ, "NUMBA_CACHE_DIR": cache})
    rows = [_run_child(["--child", name, "--runs", str(args.runs)]) for name in CONFIGS]
    info = {**before, "load_average_after": machine()["load_average"]}
    if args.json:
        print(json.dumps({"machine": info, "compile": compiled, "results": rows}, indent=2))
        return 0
    _print(info, compiled, rows, args.runs)
    return 0


def _print(info: dict, compiled: dict, rows: list[dict], runs: int) -> None:
    load = " / ".join(f"{x:.1f}" for x in info["load_average"])
    load_after = " / ".join(f"{x:.1f}" for x in info["load_average_after"])
    print(
        f"machine: {info['cpu']}, {info['cores']} cores, {info['memory_gb']} GB; Python {info['python']}, "
        f"numpy {info['numpy']}, numba {info['numba']}; load average {load} before, {load_after} after"
    )
    r0 = rows[0]
    print(
        f"population: {r0['households']:,} households (built in {r0['population_seconds']:.2f} s); "
        f"{r0['quarters']} projected quarters (+4 of the base year); median of {runs} runs"
    )
    print(
        f"compiling the kernel (empty cache): {compiled['first_seconds']:.1f} s; first call in a process with the "
        f"cache on disk: {r0['first_call_seconds']:.2f} s"
    )
    head = ("configuration", "draws", "median s", "min–max s", "floor s", "× floor", "peak RSS MB", "target")
    lines = [head]
    for r in rows:
        if r["draws"] == 32 and r["threads"] == 2:
            met = (
                r["median_seconds"] <= TARGET_SECONDS_32
                and r["median_seconds"] <= TARGET_FLOOR_RATIO * (r["floor_seconds"])
            )
            target = f"≤ {TARGET_SECONDS_32} s, ≤ {TARGET_FLOOR_RATIO:g}×: {'yes' if met else 'NO'}"
        elif "standard_error" in r and r["threads"] == 2:
            met = r["median_seconds"] <= TARGET_VERDICT_SECONDS
            target = f"≤ {TARGET_VERDICT_SECONDS:g} s: {'yes' if met else 'NO'} (SE {r['standard_error']:.3f})"
        else:
            target = f"(SE {r['standard_error']:.3f})" if "standard_error" in r else ""
        lines.append(
            (
                r["config"],
                str(r["draws"]),
                f"{r['median_seconds']:.3f}",
                f"{r['min_seconds']:.3f}–{r['max_seconds']:.3f}",
                f"{r['floor_seconds']:.3f}",
                f"{r['median_seconds'] / r['floor_seconds']:.1f}",
                f"{r['peak_rss_mb']:.0f}",
                target,
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    for k, line in enumerate(lines):
        print("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)))
        if k == 0:
            print("  ".join("-" * w for w in widths))
    kernel, reference = rows[0], rows[-1]
    print(
        f"kernel vs numpy reference at 32 draws: {reference['median_seconds'] / kernel['median_seconds']:.1f}× "
        f"faster ({kernel['median_seconds']:.2f} s against {reference['median_seconds']:.2f} s)"
    )
    for r in rows:
        if "stages" in r:
            parts = ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in r["stages"].items())
            print(f"stages at 32 draws, {r['threads']} thread(s): {parts}")


if __name__ == "__main__":
    sys.exit(main())
