"""The report in a real headless Chromium: loads without console errors, images render, filters work."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

CALC = "AutoPlay-Ubuntu-Calculator"


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "run"
    result = subprocess.run(
        [sys.executable, "-m", "autoplay_gym.cli", "run", "--env", CALC, "--out", str(out), "--turns", "1",
         "--steps", "8", "--max-tasks", "3", "--quick"],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return out / "report.html"


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def _visible_cards(driver) -> list:
    return [c for c in driver.find_elements(By.CSS_SELECTOR, "article.task") if c.is_displayed()]


def test_report_loads_renders_and_filters(report, browser):
    browser.get(report.as_uri())
    WebDriverWait(browser, 30).until(lambda d: d.execute_script("return document.readyState") == "complete")
    errors = [entry for entry in browser.get_log("browser") if entry["level"] in ("SEVERE", "ERROR")]
    assert errors == []
    images = browser.find_elements(By.CSS_SELECTOR, "article.task img")
    assert images, "the report shows no screenshot"
    assert all(browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", i)
               for i in images)
    assert browser.find_elements(By.CSS_SELECTOR, ".chart svg polyline")  # the coverage curve is drawn
    cards = browser.find_elements(By.CSS_SELECTOR, "article.task")
    total = len(cards)
    assert total >= 3 and len(_visible_cards(browser)) == total

    verdict = Select(browser.find_element(By.ID, "f-verdict"))
    verdict.select_by_value("success")
    successes = _visible_cards(browser)
    assert successes and all("success" in c.get_attribute("class") for c in successes)
    verdict.select_by_value("unverified")
    unverified = _visible_cards(browser)
    assert all("unverified" in c.get_attribute("class") for c in unverified)
    assert len(successes) + len(unverified) <= total
    verdict.select_by_value("")

    first = cards[0].get_attribute("data-search")
    word = max(first.split(), key=len)
    search = browser.find_element(By.ID, "f-search")
    search.send_keys(word)
    shown = _visible_cards(browser)
    assert shown and all(word in c.get_attribute("data-search") for c in shown)
    assert browser.find_element(By.ID, "count").text == f"{len(shown)} of {total} tasks"
    search.clear()
    search.send_keys("zzzz-no-such-task")
    assert _visible_cards(browser) == [] and browser.find_element(By.ID, "empty").is_displayed()
