"""Helpers shared by the app tests: one ingested copy of the seed corpus and one served app per session.

(A module of helpers rather than conftest fixtures, so the app's tests stay in files the app owns;
it holds no tests.)
"""

from __future__ import annotations

import shutil
import socket
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

_lock = threading.Lock()
_cache: dict[str, object] = {}


@dataclass
class Served:
    url: str
    workspace: object
    settings: object
    demo: object
    root: Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ingested_settings():
    """Settings for a temp copy of corpus/ ingested once per session with the real model."""
    with _lock:
        if "settings" not in _cache:
            from index.settings import Settings
            from ingest.pipeline import Ingestor

            root = Path(tempfile.mkdtemp(prefix="iqa-app-tests-"))
            shutil.copytree(CORPUS, root / "corpus")
            settings = Settings.from_env(environ={}, corpus=root / "corpus", index=root / "index")
            summary = Ingestor(settings, embedder=shared_embedder()).run()
            assert not summary.failed, summary.failed
            _cache["settings"], _cache["root"] = settings, root
        return _cache["settings"], _cache["root"]


def shared_embedder():
    if "embedder" not in _cache:
        from index.embedder import Embedder

        _cache["embedder"] = Embedder().warm()
    return _cache["embedder"]


def served() -> Served:
    """The app for the ingested copy, launched on a free 127.0.0.1 port in this process (once per session)."""
    settings, root = ingested_settings()
    with _lock:
        if "served" not in _cache:
            from app.server import launch, quiet_gradio

            quiet_gradio()
            from app.ui import build_app
            from app.workspace import Workspace
            from index.assistant import Assistant

            workspace = Workspace(Assistant(settings, embedder=shared_embedder()).warm(), settings)
            workspace.findings()
            demo = build_app(workspace)
            _, url = launch(demo, "127.0.0.1", free_port(), block=False)
            _cache["served"] = Served(url.rstrip("/") + "/", workspace, settings, demo, root)
        return _cache["served"]


def browser_or_skip():
    """(sync_playwright, chromium path) or a pytest skip saying what is missing."""
    import pytest

    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (pip install -e '.[test]')")
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium); browser tests need it")
    return sync_playwright, str(CHROMIUM)
