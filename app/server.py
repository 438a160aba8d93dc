"""`inspection-qa serve`: check where it may listen, make sure there is an index, build the app, launch it."""

from __future__ import annotations

import argparse
import ipaddress
import os
import sys
from pathlib import Path

from index.settings import Settings

LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}


class ServeError(RuntimeError):
    """The app cannot be served as asked; the message says why and what to set."""


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach (localhost, 127.0.0.0/8, ::1)."""
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def auth_for(host: str, settings: Settings):
    """Gradio's ``auth`` callable for this host, or None on a loopback address without IQA_AUTH_FILE.

    Raises:
        ServeError: a non-loopback host without IQA_AUTH_FILE, or an unusable auth file.
    """
    from app.auth import AuthError, checker

    if settings.auth_file:
        try:
            return checker(Path(settings.auth_file))
        except AuthError as err:
            raise ServeError(str(err)) from None
    if not is_loopback(host):
        raise ServeError(f"--host {host}: refusing to serve council documents on a non-local address without "
                         "sign-in. Set IQA_AUTH_FILE to a users file (create one with "
                         "`python -m app.auth add NAME --file PATH`), or serve on 127.0.0.1.")
    return None


def quiet_gradio() -> None:
    """No usage analytics and no update checks: set before gradio is imported."""
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    os.environ.setdefault("GRADIO_SSR_MODE", "False")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")


def ensure_index(settings: Settings, out=sys.stderr) -> None:
    """Ingest the corpus folder when the index holds no documents yet, printing progress to ``out``."""
    from index.docstore import DocStore

    if settings.chroma_host:
        return
    store = DocStore(Path(settings.index) / "docstore.sqlite")
    try:
        empty = not store.hashes()
    finally:
        store.close()
    if not empty:
        return
    from ingest.pipeline import ingest

    print(f"The index at {settings.index} is empty: ingesting {settings.corpus} first …", file=out, flush=True)

    def progress(name: str, done: int, total: int) -> None:
        print(f"  [{done}/{total}] {name}", file=out, flush=True)

    summary = ingest(settings, progress=progress)
    for item in summary.failed:
        print(f"  FAILED {item['file']}: {item['error']}", file=out, flush=True)
    print(f"  {summary.documents} documents, {summary.chunks} passages in {summary.seconds:.0f} s", file=out,
          flush=True)


def create(settings: Settings):
    """The Workspace and the Blocks for ``settings`` (the index must exist)."""
    quiet_gradio()
    from app.ui import build_app
    from app.workspace import Workspace
    from index.assistant import Assistant

    workspace = Workspace(Assistant(settings).warm(), settings)
    workspace.findings()  # theme every finding now rather than on the first page load
    return workspace, build_app(workspace)


def launch(demo, host: str = "127.0.0.1", port: int = 7860, auth=None, block: bool = True):
    """Launch ``demo``: no share link, no analytics, no server-side rendering, system fonts; returns (app, url)."""
    from app.ui import launch_options

    demo.queue(default_concurrency_limit=4)
    app, local_url, _ = demo.launch(
        server_name=host, server_port=port, share=False, auth=auth, prevent_thread_lock=not block,
        auth_message="Sign in with the account your administrator gave you." if auth else None,
        show_error=True, quiet=not block, ssr_mode=False, pwa=False, mcp_server=False, enable_monitoring=False,
        max_file_size="20mb", footer_links=["api"], **launch_options())
    return app, local_url


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    host = getattr(args, "host", None) or "127.0.0.1"
    port = getattr(args, "port", None) or 7860
    try:
        auth = auth_for(host, settings)
    except ServeError as err:
        print(f"inspection-qa serve: {err}", file=sys.stderr)
        return 2
    quiet_gradio()
    ensure_index(settings)
    print("Loading the model and the documents …", file=sys.stderr, flush=True)
    _, demo = create(settings)
    print(f"Serving on http://{'[' + host + ']' if ':' in host else host}:{port} "
          f"({'sign-in required' if auth else 'this computer only'}); Ctrl+C to stop.", file=sys.stderr, flush=True)
    launch(demo, host, port, auth=auth, block=True)
    return 0
