"""Find a Chromium for rendering: the configured one, a Playwright-managed one, or the system's.

Only the file system is looked at (no browser is started here), so finding costs nothing when
rendering is off. `find_browser` answers a `Browser` or raises `BrowserUnavailable` saying
everything it tried.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

SYSTEM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
_MANAGED_GLOBS = (
    "chromium-*/chrome-linux*/chrome",
    "chromium_headless_shell-*/chrome-linux*/headless_shell",
    "chromium-*/chrome-mac*/Chromium.app/Contents/MacOS/Chromium",
    "chromium-*/chrome-win*/chrome.exe",
)
LAUNCH_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)


class BrowserUnavailable(Exception):
    """Raised by `find_browser` when no Chromium can be found; the message says where it looked."""


@dataclass(frozen=True, slots=True)
class Browser:
    path: str
    source: str
    """`configured` (STACKSCOUT_BROWSER), `playwright` (managed download) or `system` (PATH)."""


def playwright_browsers_dir() -> Path:
    """Where `playwright install` puts browsers (PLAYWRIGHT_BROWSERS_PATH, else the OS cache)."""
    configured = os.environ.get("PLAYWRIGHT_BROWSERS_PATH")
    if configured and configured != "0":
        return Path(configured).expanduser()
    if os.name == "nt":
        return Path(os.environ.get("LOCALAPPDATA", "~")).expanduser() / "ms-playwright"
    if os.uname().sysname == "Darwin":
        return Path("~/Library/Caches/ms-playwright").expanduser()
    return Path(os.environ.get("XDG_CACHE_HOME", "~/.cache")).expanduser() / "ms-playwright"


def find_browser(configured: str | None = None) -> Browser:
    """The browser to render with, in this order: configured path, Playwright's, the system's."""
    if configured:
        path = shutil.which(configured) or configured
        if Path(path).is_file() and os.access(path, os.X_OK):
            return Browser(path, "configured")
        raise BrowserUnavailable(f"STACKSCOUT_BROWSER={configured!r} is not an executable file")
    managed_dir = playwright_browsers_dir()
    for pattern in _MANAGED_GLOBS:
        found = sorted(managed_dir.glob(pattern), reverse=True)  # newest revision first
        if found:
            return Browser(str(found[0]), "playwright")
    for name in SYSTEM_NAMES:
        found_path = shutil.which(name)
        if found_path:
            return Browser(found_path, "system")
    raise BrowserUnavailable(
        f"no Chromium found: STACKSCOUT_BROWSER is not set, nothing under {managed_dir} "
        f"(`playwright install chromium`), and none of {', '.join(SYSTEM_NAMES)} on PATH"
    )
