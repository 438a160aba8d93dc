"""The harness end to end on the five seed documents: report, baselines, gate, stale questions, --changed-only.

The seeds are ingested once into a temporary index for the whole module, with the deterministic
HashEmbedder: these tests check the harness's bookkeeping, which does not depend on the model, and
stay fast. The LlamaIndex vector baseline still loads the real packaged model, as it does in use.
"""

import json
import shutil
from pathlib import Path

import pytest

from eval import corpus, gate, report
from eval.dataset import DEFAULT_GOLD
from eval.run import evaluate
from index.answer import ABSTAIN
from index.settings import Settings
from index.types import Answer

from conftest import HashEmbedder

ROOT = Path(__file__).resolve().parents[1]
MINI_IDS = ("fact-01", "fact-05", "fact-06", "un-01", "fp-07", "fu-04")
ESCAPE_Q = {"id": "esc-1", "type": "fact", "question": "Who wrote <b>this</b> & <script>x</script>?", "history": [],
            "quotes": [], "keys": ["<i>never</i>"], "docs": ["002_47f1ec21ac151896.txt"], "notes": "html escaping"}

pytestmark = pytest.mark.slow


class FastEmbedder(HashEmbedder):
    def warm(self):
        return self


def _mini(path: Path, extra: list[dict] = ()) -> Path:
    lines = [line for line in DEFAULT_GOLD.read_text(encoding="utf-8").splitlines()
             if line.strip() and json.loads(line)["id"] in MINI_IDS]
    path.write_text("\n".join(lines + [json.dumps(e) for e in extra]) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    from ingest.pipeline import Ingestor

    root = tmp_path_factory.mktemp("eval-seeds")
    shutil.copytree(ROOT / "corpus", root / "corpus")
    settings = Settings.from_env(environ={}, corpus=root / "corpus", index=root / "index")
    embedder = FastEmbedder()
    summary = Ingestor(settings, embedder=embedder).run()
    assert not summary.failed, summary.failed
    return root, settings, embedder


@pytest.fixture(scope="module")
def assistant(seeded):
    from index.assistant import Assistant

    _, settings, embedder = seeded
    return Assistant(settings, embedder=embedder).warm()


@pytest.fixture(scope="module")
def first_run(seeded, assistant, tmp_path_factory):
    gold = _mini(tmp_path_factory.mktemp("gold") / "mini.jsonl", [ESCAPE_Q])
    rep = evaluate(assistant, [gold], baseline=None, with_baselines=True)
    return gold, rep


def test_report_has_metrics_baselines_and_every_question(first_run, tmp_path):
    gold, rep = first_run
    assert [q["id"] for q in rep["questions"]] == [*[i for i in MINI_IDS], "esc-1"] or \
        sorted(q["id"] for q in rep["questions"]) == sorted([*MINI_IDS, "esc-1"])
    s = rep["summary"]
    for key in ("hit@5", "mrr", "ndcg@5", "key_strings", "groundedness", "abstention_recall", "latency_p95_ms"):
        assert key in s
    assert set(rep["by_type"]) >= {"fact", "unanswerable", "false_premise", "followup"}
    for name in ("dense", "keyword", "llamaindex_vector", "llamaindex_bm25"):
        b = rep["baselines"][name]
        assert "error" not in b, b
        assert 0.0 <= b["summary"]["hit@5"] <= 1.0 and b["summary"]["questions"] == 6
    # First eval on this index: every document is new, and each must be found by its own words.
    assert {c["doc"] for c in rep["self_retrieval"]} == {p.name for p in (ROOT / "corpus").glob("*.txt")}
    assert gate.GateResult().passed and rep["gate"]["checked"] is False

    json_path, html_path = report.write(tmp_path, rep)
    assert json.loads(json_path.read_text())["summary"]["questions"] == 7
    page = html_path.read_text()
    assert "&lt;script&gt;x&lt;/script&gt;" in page and "<script>x</script>" not in page
    assert "<b>this</b>" not in page
    assert "id='only-failures'" in page and "tr.pass{display:none}" in page
    assert "<svg" in page and "src=" not in page and "http://" not in page.replace("http://www.w3.org/2000/svg", "")


class _Worse:
    """The assistant with its answers made worse: it abstains on everything."""

    def __init__(self, inner):
        self._inner = inner

    def __getattr__(self, name):
        return getattr(self._inner, name)

    def ask(self, question, filters=None, history=(), k=None):
        return Answer(question=question, text=ABSTAIN, abstained=True)


def test_gate_fails_on_a_seeded_regression_and_names_questions(first_run, assistant):
    gold, rep = first_run
    baseline = gate.build(rep["summary"], rep["questions"], None, {"gold": rep["gold"]})
    for spec in baseline["metrics"].values():
        spec["tolerance"] = 0.0 if spec["tolerance"] is not None else None
    assert gate.compare(baseline, rep["summary"], rep["questions"]).passed  # the run it was made from passes

    worse = evaluate(_Worse(assistant), [gold], baseline=baseline, with_baselines=False)
    g = worse["gate"]
    assert not g["passed"]
    failed = {f["metric"]: f for f in g["failures"]}
    passing_before = [r["id"] for r in rep["questions"] if r["passed"] and r["type"] != "unanswerable"]
    if passing_before:
        assert "passed" in failed and set(failed["passed"]["questions"]) == set(passing_before)
    had_keys = [r["id"] for r in rep["questions"] if r.get("key_strings")]
    if had_keys:
        assert set(failed["key_strings"]["questions"]) == set(had_keys)
    assert "abstention_precision" in failed or "abstention_recall" not in failed
    assert set(g["regressed"]) == set(r["id"] for r in rep["questions"] if r["passed"] and r["type"] != "unanswerable")


def test_cli_exits_nonzero_below_baseline_and_update_rewrites_it(seeded, first_run, tmp_path, capsys, monkeypatch):
    import index.assistant
    from app.cli import main

    root, settings, embedder = seeded
    real = index.assistant.Assistant
    monkeypatch.setattr(index.assistant, "Assistant", lambda s: real(s, embedder=embedder))
    gold, rep = first_run
    inflated = gate.build(rep["summary"], rep["questions"], None, {"gold": rep["gold"]})
    inflated["metrics"]["groundedness"] = {"value": 1.01, "better": "higher", "tolerance": 0.0}
    inflated["metrics"]["hit@5"] = {"value": 1.01, "better": "higher", "tolerance": 0.0}
    base = tmp_path / "baseline.json"
    gate.write(base, inflated)
    # As if these documents had been checked by an earlier eval: no self-retrieval in this test.
    from index.docstore import DocStore

    corpus.save_state(settings.index, corpus.state_key([gold]),
                      DocStore(Path(settings.index) / "docstore.sqlite").hashes(), "earlier")
    args = ["eval", "--index", str(settings.index), "--corpus", str(settings.corpus), "--gold", str(gold),
            "--out", str(tmp_path / "out"), "--baseline", str(base), "--no-baselines"]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "gate FAILED: hit@5" in err and "gate FAILED: groundedness" in err
    assert (tmp_path / "out" / "report.html").exists()

    assert main(args + ["--update-baseline"]) == 0
    written = json.loads(base.read_text())
    assert written["metrics"]["hit@5"]["value"] <= 1.0 and written["metrics"]["hit@5"]["tolerance"] == 0.0
    assert set(written["questions"]) == {q["id"] for q in rep["questions"]}


def test_stale_quotes_changed_only_and_self_retrieval_after_an_edit(seeded, tmp_path):
    from index.assistant import Assistant
    from ingest.pipeline import Ingestor

    root, settings, embedder = seeded
    shutil.copytree(settings.corpus, tmp_path / "corpus")
    shutil.copytree(settings.index, tmp_path / "index", ignore=shutil.ignore_patterns(corpus.STATE_FILE))
    copy = settings.replace(corpus=tmp_path / "corpus", index=tmp_path / "index")
    gold = _mini(tmp_path / "mini.jsonl")
    key = corpus.state_key([gold])
    store_hashes = Assistant(copy, embedder=embedder).docstore.hashes()
    corpus.save_state(copy.index, key, store_hashes, "earlier")  # as if an eval had just passed

    edited = tmp_path / "corpus" / "002_47f1ec21ac151896.txt"
    edited.write_text(edited.read_text(encoding="utf-8").replace("McLaughlin", "McLoughlin"), encoding="utf-8")
    summary = Ingestor(copy, embedder=embedder).run()
    assert summary.updated == ["002_47f1ec21ac151896.txt"]

    a = Assistant(copy, embedder=embedder).warm()
    rep = evaluate(a, [gold], baseline=None, changed_only=True, with_baselines=False)
    assert [s["id"] for s in rep["stale"]] == ["fact-01"]
    assert "quote no longer in 002_47f1ec21ac151896.txt" in rep["stale"][0]["reason"]
    ran = {q["id"] for q in rep["questions"]}
    assert ran == {"fact-05", "fp-07", "fu-04", "un-01"}  # 002's questions, and the unanswerable one
    assert rep["skipped"] == 1  # fact-06 (Barnet, 003) was not touched
    assert rep["touched"] == ["002_47f1ec21ac151896.txt"]
    assert [c["doc"] for c in rep["self_retrieval"]] == ["002_47f1ec21ac151896.txt"]
    assert rep["self_retrieval"][0]["queries"]
