"""Where the processor time of one page open goes: the page's script, the server, the browser (issue #11).

`bench_concurrency.py` times N pages opened at once in one headless chromium that runs on the same cores as the
server. This script splits what one open costs, so that figure can be read:

- script: processor time of the page script's first run for a new session in a warm process (Streamlit's
  AppTest; population, results and charts already stored, as for every visitor after the first), median of
  ``--sessions``; the process's first session (the start-up work) is reported apart;
- per open: pages opened one after another on one `streamlit run` server, each in a browser context of its own as
  `bench_concurrency.py` opens them, for this page and for `bench/trivial_app.py` (one slider, one metric:
  Streamlit's own floor); processor time of the server process and of the browser's processes from the page's
  `goto` until its run has finished and the page has settled (``SETTLE_S``), median of ``--opens``.

Processor time, not wall time, so the split holds on a loaded machine. Fill the disk cache first
(`python -m ui.server.warmup`): otherwise the shipped scenarios' full runs compute in the background and count.
Run: python3 bench/bench_first_render.py [--sessions 7] [--opens 4]
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

from bench.bench_concurrency import cpu_seconds, descendants, open_page  # noqa: E402
from bench.bench_page import PAGE, TRIVIAL, browser_bench_start  # noqa: E402
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, streamlit_process  # noqa: E402

SETTLE_S = 2.0
IDLE_TIMEOUT_S = 600


def script_cpu(sessions: int) -> tuple[float, float]:
    """Processor seconds of the first session's run in this process, and the median of ``sessions`` later ones."""
    from streamlit.testing.v1 import AppTest

    from ui.server.jobs import full_runs

    def first_run() -> float:
        app = AppTest.from_file(str(ROOT / PAGE["script"]), default_timeout=IDLE_TIMEOUT_S)
        start = time.process_time()
        app.run()
        spent = time.process_time() - start
        if app.exception:
            raise RuntimeError(app.exception[0].message)
        return spent

    start_up = first_run()
    full_runs().wait_idle(IDLE_TIMEOUT_S)  # full runs queued by the start-up (an empty disk cache) are not a render
    return start_up, statistics.median(first_run() for _ in range(sessions))


def _browser_cpu(server_pid: int) -> float:
    return sum(cpu_seconds(pid) for pid in descendants(os.getpid()) - {server_pid})


async def _opens(url: str, server_pid: int, opens: int) -> tuple[list[float], list[float]]:
    """Server and browser processor seconds of each of ``opens`` page opens, one after another."""
    from playwright.async_api import async_playwright

    server, browser_cpu = [], []
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            for visit in range(opens + 1):  # the first visit does the start-up work: not counted
                server_before, browser_before = cpu_seconds(server_pid), _browser_cpu(server_pid)
                out = await open_page(browser, url)
                await asyncio.sleep(SETTLE_S)
                if out["errors"]:
                    raise RuntimeError(out["errors"][0])
                if visit:
                    server.append(cpu_seconds(server_pid) - server_before)
                    browser_cpu.append(_browser_cpu(server_pid) - browser_before)
                await out["context"].close()
        finally:
            await browser.close()
    return server, browser_cpu


def per_open(script: str, opens: int) -> tuple[float, float]:
    """Median server and browser processor seconds per open of ``script`` on a server of its own."""
    log = ROOT / "tests" / "artifacts" / f"bench_first_render_{Path(script).stem}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with streamlit_process(log, script=script) as (url, process):
        server, browser = asyncio.run(_opens(url, process.pid, opens))
    return statistics.median(server), statistics.median(browser)


def main() -> None:
    """Print the script's processor time per first render and the per-open split, with the machine."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=7, help="warm first renders in AppTest")
    parser.add_argument("--opens", type=int, default=4, help="page opens per app in the browser")
    args = browser_bench_start(parser)
    start_up, warm = script_cpu(args.sessions)
    print(f"script, first run of a new session (AppTest, warm process): {warm * 1000:.0f} ms CPU")
    print(f"script, the process's first session (start-up work): {start_up:.2f} s CPU")
    print("| app | server CPU per open | browser CPU per open |")
    print("|---|---|---|")
    for name, app in (("this page", PAGE), ("trivial app", TRIVIAL)):
        server, browser = per_open(app["script"], args.opens)
        print(f"| {name} | {server:.2f} s | {browser:.2f} s |", flush=True)


if __name__ == "__main__":
    main()
