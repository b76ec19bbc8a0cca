"""Headless Chromium (Debian's /usr/bin/chromium, installed by `make chromium`) driven by Playwright,
with every request that is not local blocked and recorded. Never downloads a browser."""
from __future__ import annotations

import contextlib
import shutil
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]


@contextlib.contextmanager
def chromium(allowed_prefixes: tuple[str, ...] = ("file://",), viewport=(1400, 900)):
    """A fresh browser context (own --user-data-dir); yields (context, blocked_urls)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make chromium` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    user_dir = tempfile.mkdtemp(prefix="kg-chromium-")
    blocked: list[str] = []

    def route(r):
        url = r.request.url
        if url.startswith(allowed_prefixes) or url.startswith(("data:", "blob:", "about:")):
            r.continue_()
        else:
            blocked.append(url)
            r.abort()

    try:
        with sync_playwright() as p:
            ctx = p.chromium.launch_persistent_context(
                user_dir, executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
                viewport={"width": viewport[0], "height": viewport[1]}, offline=False)
            ctx.route("**/*", route)
            try:
                yield ctx, blocked
            finally:
                ctx.close()
    finally:
        shutil.rmtree(user_dir, ignore_errors=True)


def artifact(name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / name
