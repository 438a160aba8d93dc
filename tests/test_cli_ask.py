"""`inspection-qa ask` and `retrieve` as a person runs them: `python -m app.cli … --index DIR` in a
subprocess, against the session's real seed index (built by tests/test_retrieve.py's fixture)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import ROOT, cli_env
from index.docstore import DocStore
from test_answer import assert_ask_json
from test_retrieve import seeded_index  # noqa: F401  (the one session index, shared)

pytestmark = pytest.mark.slow

QUESTIONS = ["Who led the 2022 visit?", "What did inspectors say about management oversight?",
             "How much do we pay foster carers in weekly allowances?"]


def run(*args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "app.cli", *args], cwd=ROOT, env=cli_env(), capture_output=True,
                          text=True, encoding="utf-8", timeout=timeout)


def json_lines(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def ask(index, *args: str) -> subprocess.CompletedProcess:
    done = run("ask", *args, "--index", str(index.index))
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def sources(obj: dict) -> list[dict]:
    return obj["citations"] + obj["related"]


def test_ask_json_prints_one_object_with_exactly_the_documented_keys(seeded_index):
    done = ask(seeded_index, QUESTIONS[0], "--json")
    [obj] = json_lines(done.stdout)
    assert_ask_json(obj)
    assert obj["question"] == QUESTIONS[0]
    assert obj["citations"], f"a question the gold set answers came back without citations: {obj['answer']!r}"
    assert "total" in obj["timings_ms"]
    corpus_files = {p.name for p in seeded_index.corpus.iterdir()}
    assert {p["doc"] for p in sources(obj)} <= corpus_files, "doc is the file name relative to the corpus"


def test_batch_text_file_gives_one_json_line_per_question_in_order(seeded_index, tmp_path):
    batch = tmp_path / "questions.txt"
    batch.write_text(f"{QUESTIONS[0]}\n\n{QUESTIONS[1]}\n{QUESTIONS[2]}\n", encoding="utf-8")
    objs = json_lines(ask(seeded_index, "--batch", str(batch)).stdout)
    assert [o["question"] for o in objs] == QUESTIONS
    for obj in objs:
        assert_ask_json(obj)
    assert objs[2]["abstained"] is True, "the foster-carer allowance question is not in the documents"


def test_batch_jsonl_file_gives_one_json_line_per_question_in_order(seeded_index, tmp_path):
    batch = tmp_path / "questions.jsonl"
    batch.write_text("".join(json.dumps({"id": i, "question": q}) + "\n" for i, q in enumerate(reversed(QUESTIONS))),
                     encoding="utf-8")
    objs = json_lines(ask(seeded_index, "--batch", str(batch), "--json").stdout)
    assert [o["question"] for o in objs] == list(reversed(QUESTIONS))
    for obj in objs:
        assert_ask_json(obj)


def test_authority_filter_keeps_every_source_in_that_authority(seeded_index, tmp_path):
    batch = tmp_path / "q.txt"
    batch.write_text("What did inspectors say about management oversight?\nHow are we doing on early help?\n",
                     encoding="utf-8")
    objs = json_lines(ask(seeded_index, "--batch", str(batch), "--authority", "Barnet").stdout)
    assert len(objs) == 2
    for obj in objs:
        assert sources(obj), obj
        assert {p["authority"] for p in sources(obj)} == {"Barnet"}, obj["question"]


def test_since_filter_keeps_every_source_on_or_after_the_date(seeded_index, tmp_path):
    batch = tmp_path / "q.txt"
    batch.write_text("What did inspectors say about management oversight?\nWho led the focused visit?\n",
                     encoding="utf-8")
    objs = json_lines(ask(seeded_index, "--batch", str(batch), "--since", "2022-01-01").stdout)
    assert len(objs) == 2
    for obj in objs:
        assert sources(obj), obj
        dates = {p["date"] for p in sources(obj)}
        assert all(d and d >= "2022-01-01" for d in dates), (obj["question"], dates)


def test_a_bad_since_date_exits_2_naming_the_flag(seeded_index):
    done = run("ask", "Who led the 2022 visit?", "--json", "--since", "2022-13-45", "--index", str(seeded_index.index))
    assert done.returncode == 2
    assert "--since" in done.stderr and done.stdout == ""


def test_a_missing_index_exits_2_and_says_to_ingest(tmp_path):
    done = run("ask", "Who led the 2022 visit?", "--json", "--index", str(tmp_path / "no-index"))
    assert done.returncode == 2
    assert "ingest" in done.stderr and "Traceback" not in done.stderr and done.stdout == ""


def test_retrieve_json_gives_ranked_passages_that_are_spans_of_their_documents(seeded_index):
    done = run("retrieve", "What needs to improve in the MASH?", "--json", "--k", "3", "--index",
               str(seeded_index.index))
    assert done.returncode == 0, done.stderr[-2000:]
    passages = json.loads(done.stdout)
    assert 1 <= len(passages) <= 3
    for p in passages:
        assert {"doc", "start", "end", "text", "score", "section", "page"} <= set(p), sorted(p)
    scores = [p["score"] for p in passages]
    assert scores == sorted(scores, reverse=True), scores
    store = DocStore(seeded_index.index / "docstore.sqlite")
    try:
        for p in passages:
            assert store.text(p["doc"])[p["start"]:p["end"]] == p["text"]
    finally:
        store.close()
