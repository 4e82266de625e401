"""The real app served in a thread, and headless Chromium (Debian's) driven by Selenium."""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import (
    ElementClickInterceptedException,
    StaleElementReferenceException,
    TimeoutException,
)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait
from werkzeug.serving import make_server

from dashboard.app import create_app
from loaders.settings import Settings
from loaders.store.accounts import add_user

PASSWORD = "clave-de-prueba-123"

CHROMIUM_FLAGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--window-size=1400,1000",
    "--lang=es-MX",
)


class LiveApp:
    def __init__(self, settings: Settings) -> None:
        self.app = create_app(settings)
        self.server = make_server("127.0.0.1", 0, self.app.server, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> LiveApp:
        self.thread.start()
        return self

    @property
    def engine(self):
        return self.app.server.extensions["tablero_poa"].engine

    def add_account(self, username: str, role: str, areas: list[dict] | None = None) -> str:
        """A real account in the app's database; returns its username."""
        add_user(self.engine, username, PASSWORD, role, full_name=username.title(),
                 areas=areas, by="prueba")
        return username

    def stop(self) -> None:
        self.server.shutdown()
        self.app.server.extensions["tablero_poa"].engine.dispose()


def chromium(download_dir: str | None = None) -> webdriver.Chrome:
    # tests/run.sh exports where it found them; else PATH, else Debian's places.
    binary = (os.environ.get("POA_TEST_CHROMIUM") or shutil.which("chromium")
              or "/usr/bin/chromium")
    driver_path = (os.environ.get("POA_TEST_CHROMEDRIVER") or shutil.which("chromedriver")
                   or "/usr/bin/chromedriver")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    if download_dir:
        options.add_experimental_option(
            "prefs", {"download.default_directory": download_dir,
                      "download.prompt_for_download": False},
        )
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    if download_dir:
        driver.execute_cdp_cmd(
            "Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": download_dir}
        )
    return driver


def console_errors(driver: webdriver.Chrome) -> list[str]:
    return [
        entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"
    ]


def wait_for(driver, css: str, timeout: float = 20):
    return WebDriverWait(driver, timeout).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, css))
    )


def wait_for_text(driver, css: str, text: str, timeout: float = 20):
    try:
        WebDriverWait(driver, timeout).until(
            ec.text_to_be_present_in_element((By.CSS_SELECTOR, css), text)
        )
    except TimeoutException as exc:
        found = [e.text for e in driver.find_elements(By.CSS_SELECTOR, css)]
        raise AssertionError(f"{text!r} not in {css}: {found}") from exc


def wait_until(predicate, timeout: float = 20, step: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError("condition not met in time")


def click_button(driver, css: str, text: str, timeout: float = 20) -> None:
    """Click the element of `css` whose text is `text` once it is there and clickable: a
    calendar fading in is redrawn meanwhile (stale elements) or still covered for a moment."""
    def clicked() -> bool:
        try:
            found = [e for e in driver.find_elements(By.CSS_SELECTOR, css) if e.text == text]
            if found:
                found[0].click()
                return True
        except (StaleElementReferenceException, ElementClickInterceptedException):
            pass
        return False

    wait_until(clicked, timeout)


def login(driver, live: LiveApp, username: str, password: str = PASSWORD) -> None:
    """Sign in through the real form, as a person would. (Generous waits: on a busy machine the
    first page after signing in, with its bundles, may take well over the usual 20 s.)"""
    driver.delete_all_cookies()
    driver.get(f"{live.url}/ingresar")
    wait_for(driver, "#usuario", timeout=60).send_keys(username)
    driver.find_element(By.CSS_SELECTOR, "#contrasena").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "#login-submit").click()
    wait_for(driver, "#nav-user", timeout=60)


@contextmanager
def served(settings: Settings):
    live = LiveApp(settings).start()
    try:
        yield live
    finally:
        live.stop()


@contextmanager
def served_empty(root: Path):
    """The app on an empty database (no sample imported), under `root`: what a first upload
    finds."""
    with served(Settings(data_dir=root / "data", sample_workbook=root / "no-sample.xlsx")) as live:
        yield live


def browsing(download_dir: Path | str | None = None, *, script_timeout: float | None = None,
             live: LiveApp | None = None, account: tuple[str, str] | None = None,
             ) -> Iterator[webdriver.Chrome]:
    """A Chromium for a fixture (`yield from browsing(...)`), closed afterwards; downloads go to
    `download_dir`; with `account` (username, role), that account is made in `live` and signed
    in first."""
    driver = chromium(str(download_dir) if download_dir else None)
    try:
        if script_timeout:
            driver.set_script_timeout(script_timeout)
        if account:
            login(driver, live, live.add_account(*account))
        yield driver
    finally:
        driver.quit()


def viewport(driver, width: int, height: int) -> None:
    """The page's viewport exactly `width` × `height` CSS pixels (a desktop browser, classic
    scrollbars)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})


def downloaded(folder: Path, name: str) -> Path:
    """The file once Chromium has finished writing it (no `.crdownload` left)."""
    def done():
        path = folder / name
        partial = list(folder.glob("*.crdownload"))
        return path if path.is_file() and path.stat().st_size and not partial else None

    return wait_until(done, timeout=30)
