"""The served app without a browser: the /ask endpoint through gradio_client, concurrency, uploads, serve."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from test_app_support import free_port, ingested_settings, served

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

# Five questions, each pinned by its filters to the one document holding its answer, asked 4 times over:
# concurrent requests with different filters are where one request's state would leak into another's.
QUESTIONS = [
    ("When did we bring in the revised QA framework and practice evaluation programme?",
     {"doc_type": "self-evaluation"}, "001_bdc30201c12516e5.txt"),
    ("What did Ofsted make of our MASH in 2018?", {"doc_type": "focused visit letter", "until": "2018-12-31"},
     "000_039fb7067930de26.txt"),
    ("Who led the 2022 visit?", {"doc_type": "focused visit letter", "since": "2022-01-01"},
     "002_47f1ec21ac151896.txt"),
    ("What did the 2022 visit say about young children living in children's homes?",
     {"authority": "Barking and Dagenham", "since": "2022-01-01", "until": "2022-06-30"}, "002_47f1ec21ac151896.txt"),
    ("What did inspectors find about thresholds?", {"authority": "Barnet"}, "003_0bad2f0060d92019.txt"),
]


@pytest.fixture(scope="module")
def app():
    return served()


@pytest.fixture(scope="module")
def client(app):
    from gradio_client import Client

    return Client(app.url, verbose=False)


def call(client, question: str, filters: dict) -> dict:
    return client.predict(question, filters.get("authority", ""), filters.get("doc_type", ""),
                          filters.get("since", ""), filters.get("until", ""), [], api_name="/ask")


def test_ask_endpoint_returns_the_ask_json_object(app, client):
    question, filters = "Who led the 2022 visit?", {}
    got = call(client, question, filters)
    direct = app.workspace.assistant.ask(question, filters={"authority": None, "doc_type": None, "since": None,
                                                            "until": None}).to_json()
    assert set(got) == {"question", "answer", "abstained", "citations", "related", "timings_ms"}
    assert set(got) == set(direct)
    assert (got["question"], got["answer"], got["abstained"]) == (direct["question"], direct["answer"],
                                                                 direct["abstained"])
    assert [(c["doc"], c["start"], c["end"]) for c in got["citations"]] == \
        [(c["doc"], c["start"], c["end"]) for c in direct["citations"]]
    assert got["citations"] and set(got["citations"][0]) == set(direct["citations"][0])
    assert "/ask" in client.view_api(print_info=False, return_format="dict")["named_endpoints"]


def test_ask_endpoint_applies_filters_and_history(client):
    got = call(client, "What did inspectors find about thresholds?", {"authority": "Barnet"})
    assert got["citations"] and {c["authority"] for c in got["citations"]} == {"Barnet"}
    with pytest.raises(Exception, match="not a date"):
        call(client, "What did inspectors find?", {"since": "yesterday"})


def test_twenty_concurrent_questions_are_all_answered_with_their_own_citations(app, client):
    jobs = [QUESTIONS[i % len(QUESTIONS)] for i in range(20)]
    expected = {q: call(client, q, f) for q, f, _ in QUESTIONS}  # answered one at a time first
    for q, _, doc in QUESTIONS:
        assert not expected[q]["abstained"], f"the answerer abstained on {q!r} (an answering problem, not the app's)"
        assert {c["doc"] for c in expected[q]["citations"]} == {doc}, (q, [c["doc"] for c in expected[q]["citations"]])
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(lambda job: call(client, job[0], job[1]), jobs))
    elapsed = time.perf_counter() - started
    assert len(results) == 20
    for (q, _, doc), got in zip(jobs, results):
        assert got["question"] == q  # none lost, none swapped
        assert got["answer"] == expected[q]["answer"]
        assert [(c["doc"], c["start"], c["end"]) for c in got["citations"]] == \
            [(c["doc"], c["start"], c["end"]) for c in expected[q]["citations"]]
        assert {c["doc"] for c in got["citations"]} == {doc}
    print(f"\n20 concurrent questions answered in {elapsed:.1f} s")


def test_a_failed_upload_shows_its_error_and_changes_nothing_else(app, tmp_path):
    ws = app.workspace
    corpus = Path(app.settings.corpus)
    files_before = sorted(p.name for p in corpus.iterdir())
    docs_before = [(m.doc, m.hash) for m, _ in ws.documents()]
    bad_pdf = tmp_path / "broken report.pdf"
    bad_pdf.write_bytes(b"%PDF-1.7 this is not really a PDF")
    exe = tmp_path / "tool.exe"
    exe.write_bytes(b"MZ")
    report = ws.add_files([bad_pdf, exe])
    assert report.added == []
    errors = {f["file"]: f["error"] for f in report.failed}
    assert set(errors) == {"broken report.pdf", "tool.exe"} and all(errors.values())
    assert "unsupported file type" in errors["tool.exe"]
    assert sorted(p.name for p in corpus.iterdir()) == files_before
    assert [(m.doc, m.hash) for m, _ in ws.documents()] == docs_before
    # The same file again is recognised, not duplicated.
    again = ws.add_files([corpus / "000_039fb7067930de26.txt"])
    assert again.unchanged == ["000_039fb7067930de26.txt"] and not again.added


def test_a_good_upload_is_ingested_and_answerable(app, tmp_path):
    ws = app.workspace
    doc = tmp_path / "quokka-note.txt"
    doc.write_text("Focused visit to Quokkashire children's services\n\n3 March 2021\n\nMain findings\n\n"
                   "The quokka panel reviews every plan for children in care within ten working days.\n", "utf-8")
    seen = []
    report = ws.add_files([doc], progress=lambda name, done, total: seen.append((name, done, total)))
    assert report.added == ["quokka-note.txt"] and not report.failed
    assert seen and seen[-1][1] == seen[-1][2]
    result = ws.assistant.ask("What does the quokka panel review?")
    assert not result.abstained and "quokka-note.txt" in {c.passage.doc for c in result.citations}
    assert any(f.doc == "quokka-note.txt" for f in ws.findings())


def test_serve_ingests_an_empty_index_first_and_listens_on_loopback(tmp_path):
    settings, root = ingested_settings()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("IQA_")}
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_VERBOSITY="error", PYTHONUNBUFFERED="1")
    import shutil

    shutil.copytree(Path(__file__).resolve().parents[1] / "corpus", tmp_path / "corpus")
    proc = subprocess.Popen([sys.executable, "-m", "app.cli", "serve", "--corpus", str(tmp_path / "corpus"),
                             "--index", str(tmp_path / "index"), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    lines = []
    try:
        deadline = time.time() + 600
        while time.time() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "Serving on" in line:
                break
        out = "".join(lines)
        assert "is empty: ingesting" in out and re.search(r"\[5/5\]", out), out
        assert f"http://127.0.0.1:{port}" in out, out
        page = ""
        while not page and time.time() < deadline:  # "Serving on" is printed just before the socket opens
            try:
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30).read().decode()
            except OSError:
                time.sleep(1)
        assert "<html" in page.lower()
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_sign_in_is_required_when_an_auth_file_is_set(app, tmp_path):
    from gradio_client import Client

    from app.auth import add_user
    from app.server import auth_for, launch
    from app.ui import build_app

    add_user(tmp_path / "users", "alice", "correct horse")
    settings = app.settings.replace(auth_file=tmp_path / "users")
    port = free_port()
    demo = build_app(app.workspace)
    launch(demo, "127.0.0.1", port, auth=auth_for("0.0.0.0", settings), block=False)
    try:
        url = f"http://127.0.0.1:{port}/"
        with pytest.raises(Exception):
            Client(url, verbose=False).predict("Who led the 2018 Barnet visit?", "", "", "", "", [], api_name="/ask")
        with pytest.raises(Exception):
            Client(url, auth=("alice", "wrong"), verbose=False)
        got = Client(url, auth=("alice", "correct horse"), verbose=False).predict(
            "Who led the 2018 Barnet visit?", "", "", "", "", [], api_name="/ask")
        assert got["question"] == "Who led the 2018 Barnet visit?"
    finally:
        demo.close()
