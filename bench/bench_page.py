"""The page in a real browser beside a trivial Streamlit app served the same way (issue #9's figures).

Debian's chromium (headless, Playwright) against `streamlit run` on loopback, for this page (`app.py`, the
embedded 252,514-household population) and for `bench/trivial_app.py` (one slider, one metric):

- open → first cards: a new browser page loads the app until the first target card (metric) shows; the first
  visit after the server started is reported apart (it runs the start-up work, from the disk cache if filled);
- key → card: one ArrowRight on a slider until the card shows the new value (for this page: the N7 card of the
  scenario being edited, first as a marked preview), and until the card shows the refined (full-run) value;
- server memory: resident memory of the server process with the first page open, and its increase per further
  open page (SESSIONS pages opened after the key presses, so their simulations do not count).

Every key press moves to a value not simulated before. Run: python3 bench/bench_page.py [--visits N] [--keys N]
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, card_number, streamlit_process, wait_for_rerun  # noqa: E402

ARTIFACTS = ROOT / "tests" / "artifacts"
PAGE = {"script": "app.py", "slider": "每百万元联结资产资金带动户数", "card": 3 * 6 + 3}
TRIVIAL = {"script": "bench/trivial_app.py", "slider": "value", "card": 0}
PREVIEW_MARK = "预览"
SESSIONS = 5
NEW_VALUE_JS = "([i, b]) => document.querySelectorAll('[data-testid=stMetricValue]')[i].innerText !== b"
REFINED_JS = "([i, mark]) => !document.querySelectorAll('[data-testid=stMetricLabel]')[i].innerText.includes(mark)"


def machine() -> str:
    """CPU model, cores, memory and Python of this machine."""
    model = "unknown CPU"
    try:
        found = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        model = found.group(1).strip() if found else model
        memory = re.search(r"MemTotal:\s*(\d+)", Path("/proc/meminfo").read_text())
        gigabytes = f"{int(memory.group(1)) / 1024**2:.1f} GB" if memory else "? GB"
    except OSError:
        gigabytes = "? GB"
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{model}; {os.cpu_count()} cores (nproc); {gigabytes}; Python {platform.python_version()}; "
        f"load average at start {load:.1f}"
    )


def rss_mb(pid: int) -> float:
    """Resident memory of a process, MB."""
    found = re.search(r"VmRSS:\s*(\d+)", Path(f"/proc/{pid}/status").read_text())
    return int(found.group(1)) / 1024 if found else float("nan")


def open_page(browser, url: str, card: int) -> tuple[object, float]:
    """A new page on ``url``; seconds until its first card shows (then waits for the rerun to end)."""
    page = browser.new_page(viewport={"width": 1600, "height": 1800})
    start = time.perf_counter()
    page.goto(url, timeout=300_000)
    page.get_by_test_id("stMetricValue").first.wait_for(timeout=300_000)
    first = time.perf_counter() - start
    page.get_by_test_id("stMetricValue").nth(card).wait_for(timeout=300_000)
    wait_for_rerun(page, 300_000)
    return page, first


def key_to_card(page, app: dict, keys: int) -> tuple[list[float], list[float]]:
    """Seconds from an ArrowRight on the slider to the card's new value, and to its refined (not preview) value."""
    slider = page.get_by_test_id("stSlider").filter(has_text=app["slider"]).get_by_role("slider")
    card = page.get_by_test_id("stMetricValue").nth(app["card"])
    shown, refined = [], []
    for _ in range(keys):
        before = card.inner_text()
        slider.focus()
        start = time.perf_counter()
        page.keyboard.press("ArrowRight")
        page.wait_for_function(NEW_VALUE_JS, arg=[app["card"], before], timeout=120_000, polling=5)
        shown.append(time.perf_counter() - start)
        page.wait_for_function(REFINED_JS, arg=[app["card"], PREVIEW_MARK], timeout=300_000, polling=20)
        refined.append(time.perf_counter() - start)
        card_number(card.inner_text())
        wait_for_rerun(page, 300_000)
        page.wait_for_timeout(300)
    return shown, refined


def bench(app: dict, visits: int, keys: int, sessions: int) -> dict:
    """All figures for one app, served by its own server."""
    from playwright.sync_api import sync_playwright

    log = ARTIFACTS / f"bench_page_{Path(app['script']).stem}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    out: dict = {}
    with streamlit_process(log, app["script"]) as (url, server), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            page, out["first_visit"] = open_page(browser, url, app["card"])
            out["rss_1"] = rss_mb(server.pid)
            opens = []
            for _ in range(visits):
                other, seconds = open_page(browser, url, app["card"])
                opens.append(seconds)
                other.close()
            out["open"] = opens
            out["key"], out["refined"] = key_to_card(page, app, keys)
            time.sleep(2)
            before = rss_mb(server.pid)  # after the key presses' simulations, so only the new pages count
            kept = [open_page(browser, url, app["card"])[0] for _ in range(sessions)]
            time.sleep(2)
            out["per_session"] = (rss_mb(server.pid) - before) / sessions
            for other in kept:
                other.close()
        finally:
            browser.close()
    return out


def row(name: str, page: float, trivial: float) -> str:
    return f"| {name} | {trivial:.2f} s | {page:.2f} s | {page / trivial:.1f}× |"


def browser_bench_start(parser: argparse.ArgumentParser) -> argparse.Namespace:
    """A browser benchmark's arguments, once Debian's chromium is found; prints the machine it runs on."""
    args = parser.parse_args()
    if not CHROMIUM.exists():
        sys.exit(f"{CHROMIUM} missing: run scripts/install_browser.sh")
    print(f"machine: {machine()}")
    return args


def main() -> None:
    """Print the comparison table with the machine it was measured on."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=5, help="page opens measured after the first (default 5)")
    parser.add_argument("--keys", type=int, default=8, help="key presses measured (default 8)")
    args = browser_bench_start(parser)
    trivial = bench(TRIVIAL, args.visits, args.keys, SESSIONS)
    page = bench(PAGE, args.visits, args.keys, SESSIONS)
    median = statistics.median
    print(f"\nheadless chromium; medians of {args.keys} key presses and {args.visits} page opens")
    print("| what | trivial app | this page | ratio |")
    print("|---|---|---|---|")
    print(
        row(
            "key press on a lever slider → the card shows the new value",
            median(page["key"]),
            median(trivial["key"]),
        )
    )
    print(f"| key press → the card shows the refined (full-run) value | – | {median(page['refined']):.2f} s | |")
    print(row("opening the page → first target cards", median(page["open"]), median(trivial["open"])))
    print(row("first visit after the server started → first cards", page["first_visit"], trivial["first_visit"]))
    print(
        f"| server memory, 1 page open | {trivial['rss_1']:.0f} MB | {page['rss_1']:.0f} MB | |\n"
        f"| server memory per further open page ({SESSIONS} opened) | {trivial['per_session']:.1f} MB "
        f"| {page['per_session']:.1f} MB | |"
    )
    print(
        "\nraw: key→card "
        + " ".join(f"{s:.2f}" for s in page["key"])
        + "; refined "
        + " ".join(f"{s:.2f}" for s in page["refined"])
        + "; open "
        + " ".join(f"{s:.2f}" for s in page["open"])
    )


if __name__ == "__main__":
    main()
