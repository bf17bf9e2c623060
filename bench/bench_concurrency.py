"""Many planners at once (issue #11): 1, 5, 10 and 20 browser pages on one server, loopback only.

Each round starts its own `streamlit run app.py` server (so no round finds the previous round's results), opens
one page to do the start-up work (not timed), then opens N pages at the same time in one headless chromium (each
in its own browser context, i.e. its own session). Every page waits for its first target cards, then moves one
of the nine open lever sliders one to three steps down (page i: slider i mod 9, 1 + i div 9 steps, so every page
asks for its own simulation; down, because some shipped values sit at a slider's top) and waits for the edited
scenario's cards to show the preview and then the refined (full-run) values. The pages open together; once all
show their cards they move their sliders together.
Reported per round: first cards median / max, slider → preview card and slider → refined card median / max,
pages with an error (an exception box, an error alert, a page error, or a step over TIMEOUT_S), the server's
resident memory per open page (growth over the server after start-up, measured once the N pages are open and
before they move anything), its resident memory at the end (after N full runs), and the processor time the
server and the browser used in the round (both run on this machine's cores: the browser's share says how much
of a page's wait is the browser's own rendering).

Every step is bounded (TIMEOUT_S); nothing leaves the machine. `--trivial` opens bench/trivial_app.py instead (one
slider, one metric; nothing moved): the same round for Streamlit alone, the floor of this setup (browser and server
on the same cores). Run: python3 bench/bench_concurrency.py [--rounds 1 5] [--trivial]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_page import PAGE, PREVIEW_MARK, TRIVIAL, machine, rss_mb  # noqa: E402
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, RERUN_DONE, streamlit_process  # noqa: E402

ROUNDS = (1, 5, 10, 20)
TIMEOUT_S = 180
OPEN_SLIDERS = 9
EDITED_FIRST_CARD = PAGE["card"] - 3  # the first card (N1) of the scenario being edited
LABEL_JS = "([i]) => document.querySelectorAll('[data-testid=stMetricLabel]')[i]?.innerText ?? ''"


async def _until(page, marked: bool, start: float, what: str) -> float:
    """Seconds since ``start`` until the edited scenario's first card is (or is no longer) marked as a preview."""
    while (PREVIEW_MARK in await page.evaluate(LABEL_JS, [EDITED_FIRST_CARD])) != marked:
        if time.perf_counter() - start > TIMEOUT_S:
            raise TimeoutError(f"{what} not shown within {TIMEOUT_S} s")
        await asyncio.sleep(0.02)
    return time.perf_counter() - start


async def open_page(browser, url: str) -> dict:
    """A planner opens the page in a browser context of its own and waits for the first target cards."""
    out: dict = {"errors": []}
    out["context"] = context = await browser.new_context(viewport={"width": 1600, "height": 1800})
    out["page"] = page = await context.new_page()
    page.on("pageerror", lambda exc: out["errors"].append(str(exc)))
    try:
        start = time.perf_counter()
        await page.goto(url, timeout=TIMEOUT_S * 1000)
        await page.get_by_test_id("stMetricValue").first.wait_for(timeout=TIMEOUT_S * 1000)
        out["first_cards"] = time.perf_counter() - start
        await page.wait_for_selector(RERUN_DONE, timeout=TIMEOUT_S * 1000)
    except Exception as exc:  # a timeout or a crash of one page is a result of the benchmark, not its end
        out["errors"].append(f"{type(exc).__name__}: {exc}".splitlines()[0])
    return out


async def move_slider(out: dict, index: int, refined: bool = True) -> None:
    """The planner moves slider ``index`` mod 9 down 1 + ``index`` div 9 steps; preview (and refined) times."""
    if out["errors"]:
        return
    page = out["page"]
    try:
        slider = page.get_by_test_id("stSlider").nth(index % OPEN_SLIDERS).get_by_role("slider")
        await slider.focus(timeout=TIMEOUT_S * 1000)
        for _ in range(index // OPEN_SLIDERS):
            await page.keyboard.press("ArrowLeft")
        start = time.perf_counter()
        await page.keyboard.press("ArrowLeft")
        out["slider_card"] = await _until(page, True, start, "preview")
        if refined:
            out["slider_refined"] = await _until(page, False, start, "refined value")
        for box in ("stException", "stAlertContentError"):
            if await page.get_by_test_id(box).count():
                text = await page.get_by_test_id(box).first.inner_text()
                out["errors"].append(f"{box}: {' '.join(text.split())[:300]}")
    except Exception as exc:
        out["errors"].append(f"{type(exc).__name__}: {exc}".splitlines()[0])


def cpu_seconds(pid: int) -> float:
    """User + system processor time of a process and its waited-for children, seconds (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(v) for v in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def descendants(root: int) -> set[int]:
    """Every process below ``root`` (from /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


async def one_round(url: str, server_pid: int, n: int, move: bool = True, refined: bool = True) -> dict:
    """N planners open the page at once, then (unless not ``move``) move their sliders at once."""
    from playwright.async_api import async_playwright

    server_before = cpu_seconds(server_pid)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            results = await asyncio.gather(*(open_page(browser, url) for _ in range(n)))
            await asyncio.sleep(2)
            rss_open = rss_mb(server_pid)
            if move:
                await asyncio.gather(*(move_slider(out, i, refined) for i, out in enumerate(results)))
            rss = rss_mb(server_pid)
            server_cpu = cpu_seconds(server_pid) - server_before
            browser_cpu = sum(cpu_seconds(pid) for pid in descendants(os.getpid()) - {server_pid})
            for out in results:
                await out["context"].close()
        finally:
            await browser.close()
    figures = {"rss_open": rss_open, "rss": rss, "server_cpu": server_cpu, "browser_cpu": browser_cpu}
    return {"n": n, "results": results, **figures}


def stats(values: list[float]) -> str:
    if not values:
        return "–"
    return f"{statistics.median(values):.2f} / {max(values):.2f} s"


def measure(n: int, log: Path, refined: bool = True, script: str = PAGE["script"]) -> str:
    """One round on a server of its own: the table row, then up to three error lines.

    ``script`` other than the page (the trivial app, Streamlit's own floor) is only opened: it has no levers.
    """
    with streamlit_process(log, script=script) as (url, server):
        warm = asyncio.run(one_round(url, server.pid, 1, move=False))["results"][0]  # start-up work, not timed
        if warm["errors"]:
            return f"| {n} | start-up page failed: {warm['errors'][0]} |"
        time.sleep(2)
        idle = rss_mb(server.pid)
        figures = asyncio.run(one_round(url, server.pid, n, move=script == PAGE["script"], refined=refined))
    results = figures["results"]
    failed = ["; ".join(r["errors"]) for r in results if r["errors"]]
    row = (
        f"| {n} | {stats([r['first_cards'] for r in results if 'first_cards' in r])} "
        f"| {stats([r['slider_card'] for r in results if 'slider_card' in r])} "
        f"| {stats([r['slider_refined'] for r in results if 'slider_refined' in r])} "
        f"| {len(failed)} of {n} | {(figures['rss_open'] - idle) / n:.1f} MB | {figures['rss']:.0f} MB "
        f"| {figures['server_cpu']:.0f} / {figures['browser_cpu']:.0f} s |"
    )
    return "\n".join([row, *(f"    error: {message}" for message in failed[:3])])


def main() -> None:
    """Print one line per round with the machine the rounds ran on."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, nargs="+", default=list(ROUNDS), help="pages per round")
    parser.add_argument("--verbose", action="store_true", help="the server logs every full run (see the log file)")
    parser.add_argument(
        "--no-refined",
        action="store_true",
        help="stop at the preview: N simultaneous full runs queue one after another (N × a verdict run)",
    )
    parser.add_argument(
        "--trivial",
        action="store_true",
        help="open bench/trivial_app.py instead (no sliders moved): Streamlit's own floor for N pages at once",
    )
    args = parser.parse_args()
    if args.verbose:
        os.environ["STREAMLIT_LOGGER_LEVEL"] = "info"
    if not CHROMIUM.exists():
        sys.exit(f"{CHROMIUM} missing: run scripts/install_browser.sh")
    print(f"machine: {machine()}")
    print(
        "| pages | first cards median / max | slider → preview card median / max | slider → refined card "
        "median / max | pages with an error | server memory per open page | server memory at the end "
        "| CPU server / browser |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for n in args.rounds:
        log = ROOT / "tests" / "artifacts" / f"bench_concurrency_{n}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        script = TRIVIAL["script"] if args.trivial else PAGE["script"]
        print(measure(n, log, refined=not args.no_refined, script=script), flush=True)


if __name__ == "__main__":
    main()
