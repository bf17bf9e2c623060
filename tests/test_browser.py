"""End to end in a real browser: Debian's chromium driven by Playwright against `streamlit run app.py`.

The server helpers here are also used by bench/bench_page.py.
"""

from __future__ import annotations

import contextlib
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from model.schema.scenario import parse_scenario_bytes
from tests.expectations import expected_n7

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-dev-shm-usage"]
RERUN_DONE = "[data-testid='stApp'][data-test-script-state='notRunning']"
CONNECTED = "[data-testid='stApp'][data-test-connection-state='CONNECTED']"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(log_path: Path, timeout_s: float = 180) -> Iterator[str]:
    """Run the app headless; yield its URL once `/_stcore/health` answers; always stop it."""
    with streamlit_process(log_path, timeout_s=timeout_s) as (url, _):
        yield url


@contextlib.contextmanager
def streamlit_process(
    log_path: Path, script: str = "app.py", timeout_s: float = 180
) -> Iterator[tuple[str, subprocess.Popen]]:
    """Serve ``script`` (relative to the repository) headless on loopback; yield its URL and the server process."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                script,
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
                "--server.fileWatcherType",
                "none",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + timeout_s
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"streamlit exited with {proc.returncode}; see {log_path}")
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                        if answer.read() == b"ok":
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise TimeoutError(f"streamlit did not answer within {timeout_s} s; see {log_path}")
                time.sleep(0.2)
            yield url, proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def wait_for_rerun(page, timeout_ms: float = 120_000) -> None:
    """Wait until the app is connected and its script has finished (after a short pause for it to start)."""
    page.wait_for_timeout(150)
    page.wait_for_selector(CONNECTED, timeout=timeout_ms)
    page.wait_for_selector(RERUN_DONE, timeout=timeout_ms)


ARTIFACTS = ROOT / "tests" / "artifacts"
SLIDER_LABEL = "每百万元联结资产资金带动户数"
ACTIVE_N7_CARD = 3 * 6 + 3  # fourth scenario (being edited), fourth card (N7)


def card_number(text: str) -> float:
    """The number on a card, e.g. ``"11.0 户/百万元"`` → 11.0."""
    return float(re.search(r"-?[\d,]+(\.\d+)?", text).group(0).replace(",", ""))


@pytest.fixture(scope="module")
def app_url():
    if not CHROMIUM.exists():
        message = f"BROWSER TEST SKIPPED: {CHROMIUM} is missing; run scripts/install_browser.sh"
        print(message, file=sys.stderr)
        pytest.skip(message)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with streamlit_server(ARTIFACTS / "streamlit_server.log") as url:
        yield url


@pytest.mark.browser
def test_page_loads_a_slider_changes_a_card_and_a_scenario_downloads(app_url, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1800}, accept_downloads=True)
            errors = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(app_url, timeout=120_000)
            page.get_by_test_id("stMetricValue").nth(ACTIVE_N7_CARD).wait_for(timeout=180_000)
            wait_for_rerun(page)
            assert page.get_by_test_id("stException").count() == 0
            assert page.get_by_test_id("stAlertContentError").count() == 0
            page.get_by_test_id("stVegaLiteChart").first.wait_for(timeout=60_000)  # charts follow the cards
            card = page.get_by_test_id("stMetricValue").nth(ACTIVE_N7_CARD)
            notice = parse_scenario_bytes((ROOT / "scenarios" / "notice_2023.toml").read_bytes(), "notice_2023.toml")
            assert card_number(card.inner_text()) == pytest.approx(expected_n7(notice, 10.0))  # 60 + 10 × 0.5

            slider = page.get_by_test_id("stSlider").filter(has_text=SLIDER_LABEL).get_by_role("slider")
            slider.focus()
            page.keyboard.press("ArrowRight")
            page.keyboard.press("ArrowRight")
            page.wait_for_function(
                "([i, before]) => document.querySelectorAll('[data-testid=stMetricValue]')[i].innerText !== before",
                arg=[ACTIVE_N7_CARD, card.inner_text()],
                timeout=120_000,
            )
            wait_for_rerun(page)
            assert card_number(card.inner_text()) == pytest.approx(expected_n7(notice, 11.0))  # 60 + 11 × 0.5

            page.get_by_test_id("stExpander").filter(has_text="方案文件与分享链接").locator("summary").click()
            wait_for_rerun(page)
            with page.expect_download(timeout=60_000) as download_info:
                page.get_by_test_id("stDownloadButton").filter(has_text="TOML").get_by_role("button").click()
            saved = tmp_path / download_info.value.suggested_filename
            download_info.value.save_as(saved)
            scenario = parse_scenario_bytes(saved.read_bytes(), saved.name)
            assert scenario.name == "我的方案"
            assert scenario.linking.households_per_million_yuan == 11.0

            shot = ARTIFACTS / "browser_page.png"
            page.screenshot(path=str(shot), full_page=True)
            print(f"screenshot: {shot}")
            assert page.get_by_test_id("stException").count() == 0
            assert not errors, errors
        finally:
            browser.close()


@pytest.mark.browser
def test_every_part_of_the_page_opens_without_an_error(app_url):
    from playwright.sync_api import sync_playwright

    from ui.draw.pages import RENDERS
    from ui.language.i18n import t

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1400})
            page.goto(app_url, timeout=120_000)
            page.get_by_test_id("stMetricValue").first.wait_for(timeout=180_000)
            wait_for_rerun(page)
            for name in RENDERS:
                page.get_by_test_id("stTopNavLink").filter(has_text=t(f"page.nav.{name}")).first.click()
                wait_for_rerun(page)
                assert page.get_by_test_id("stException").count() == 0, name
                if name == "seek":  # long work shows its progress and stops when cancelled
                    page.get_by_role("button", name=t("seek.run")).click()
                    page.get_by_role("button", name=t("work.cancel")).click(timeout=60_000)
                    page.get_by_text(t("work.cancelled")).wait_for(timeout=60_000)
                    wait_for_rerun(page)
                shot = ARTIFACTS / f"browser_{name}.png"
                page.screenshot(path=str(shot))
                print(f"screenshot: {shot}")
        finally:
            browser.close()


@pytest.mark.browser
def test_a_shared_comparison_opens_and_user_text_is_never_markup(app_url):
    from urllib.parse import urlencode

    from playwright.sync_api import sync_playwright

    from ui.server.scenarios import shipped
    from ui.session import share

    beacon = "![t](http://127.0.0.1:9/beacon.png) **粗体** <img src=x onerror=alert(1)>"
    slots = [
        (shipped()["baseline"].with_changes({"name": "甲", "simulation.draws": 4}), "baseline"),
        (shipped()["notice_2023"].with_changes({"name": beacon, "simulation.draws": 4}), "notice_2023"),
    ]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1400})
            requested, dialogs = [], []
            page.on("request", lambda request: requested.append(request.url))
            page.on("dialog", lambda dialog: dialogs.append(dialog.message) or dialog.dismiss())
            page.goto(f"{app_url}/?{urlencode(share.encode_link(slots, 1))}", timeout=120_000)
            page.get_by_test_id("stMetricValue").first.wait_for(timeout=180_000)
            wait_for_rerun(page)
            assert page.get_by_test_id("stMetricValue").count() == 2 * 6  # the link's two scenarios, not four
            assert page.get_by_text("**粗体**").count() >= 1  # shown as typed, not bold
            assert page.locator("img[src='x'], img[src*='beacon']").count() == 0
            assert not [url for url in requested if "beacon" in url or url.endswith("/x")]
            assert not dialogs
            assert page.get_by_test_id("stException").count() == 0
        finally:
            browser.close()
