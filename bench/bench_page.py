"""Slider change → updated page, at full city scale (the embedded default population, 32 draws).

Two measurements: (1) AppTest — wall time of the script rerun after a slider change (simulation of the edited
scenario + page work), next to the bare model run of the same scenario and a cached rerun; (2) a real browser —
Debian's chromium via Playwright against `streamlit run app.py`: key press on a slider → the card's new value in
the DOM. Every change moves to a value not simulated before, so each one recomputes.

    .venv/bin/python bench/bench_page.py    (all three benchmarks: make bench)
"""

from __future__ import annotations

import os
import platform
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.test_browser import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    card_number,
    streamlit_server,
    wait_for_rerun,
)

SLIDER_KEY = "lever:linking.households_per_million_yuan"
SLIDER_LABEL = "每百万元产业资金联农带农户数"
ACTIVE_N7_CARD = 3 * 6 + 3
CHANGES = 6


def machine() -> str:
    """CPU model and core count of this machine."""
    model = "unknown CPU"
    try:
        text = Path("/proc/cpuinfo").read_text()
        found = re.search(r"model name\s*:\s*(.+)", text)
        model = found.group(1).strip() if found else model
    except OSError:
        pass
    return f"{model}; {os.cpu_count()} cores (nproc); Python {platform.python_version()}"


def bench_apptest() -> dict[str, float]:
    """Median seconds: slider-change rerun, bare model run of the same scenario, cached rerun."""
    from streamlit.testing.v1 import AppTest

    from model.engine.run import run_scenario
    from model.population.synth import default_population

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.run()
    assert not at.exception, at.exception
    page, model, cached = [], [], []
    for i in range(CHANGES):
        value = 10.5 + 0.5 * i
        start = time.perf_counter()
        at.slider(key=SLIDER_KEY).set_value(value).run()
        page.append(time.perf_counter() - start)
        assert not at.exception and card_number(at.metric[ACTIVE_N7_CARD].value) == value
        start = time.perf_counter()
        at.run()
        cached.append(time.perf_counter() - start)
        scenario = at.session_state["slots"][3].scenario.with_changes({"simulation.seed": 1000 + i})
        start = time.perf_counter()
        run_scenario(default_population(), scenario)
        model.append(time.perf_counter() - start)
    return {"page": statistics.median(page), "model": statistics.median(model), "cached": statistics.median(cached)}


def bench_browser() -> dict[str, float]:
    """Median seconds from a key press on the slider to (a) the card's new value, (b) the rerun's end."""
    from playwright.sync_api import sync_playwright

    log = ROOT / "tests" / "artifacts" / "bench_streamlit.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    card_times, done_times = [], []
    with streamlit_server(log) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1800})
            page.goto(url, timeout=120_000)
            page.get_by_test_id("stMetricValue").nth(ACTIVE_N7_CARD).wait_for(timeout=300_000)
            wait_for_rerun(page, 300_000)
            slider = page.get_by_test_id("stSlider").filter(has_text=SLIDER_LABEL).get_by_role("slider")
            card = page.get_by_test_id("stMetricValue").nth(ACTIVE_N7_CARD)
            for _ in range(CHANGES):
                before = card.inner_text()
                slider.focus()
                start = time.perf_counter()
                page.keyboard.press("ArrowRight")
                page.wait_for_function(
                    "([i, b]) => document.querySelectorAll('[data-testid=stMetricValue]')[i].innerText !== b",
                    arg=[ACTIVE_N7_CARD, before],
                    timeout=120_000,
                    polling=10,
                )
                card_times.append(time.perf_counter() - start)
                page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=120_000)
                done_times.append(time.perf_counter() - start)
                page.wait_for_timeout(300)
        finally:
            browser.close()
    return {"card": statistics.median(card_times), "done": statistics.median(done_times)}


def main() -> None:
    """Print both measurements with the machine they ran on."""
    print(f"machine: {machine()}")
    a = bench_apptest()
    print(f"AppTest, median of {CHANGES} slider changes at full scale (252,514 households, 32 draws, 12 quarters):")
    print(f"  slider change → rerun finished: {a['page'] * 1000:7.0f} ms")
    print(
        f"  bare model run, same scenario:  {a['model'] * 1000:7.0f} ms  (page / model = {a['page'] / a['model']:.2f})"
    )
    print(f"  rerun with nothing to simulate: {a['cached'] * 1000:7.0f} ms")
    if not CHROMIUM.exists():
        print(f"browser part skipped: {CHROMIUM} missing")
        return
    b = bench_browser()
    print(f"chromium (headless), median of {CHANGES} key presses on a slider:")
    print(f"  key press → card shows the new value: {b['card'] * 1000:7.0f} ms")
    print(f"  key press → rerun finished:           {b['done'] * 1000:7.0f} ms")


if __name__ == "__main__":
    main()
