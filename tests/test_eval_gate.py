"""The regression gate on hand-made summaries (no model, no index)."""

import json

import pytest

from eval import gate


def _records(passed: dict[str, bool], keys: dict[str, float] | None = None) -> list[dict]:
    keys = keys or {}
    return [{"id": i, "type": "fact", "passed": float(p), "key_strings": keys.get(i, float(p)), "abstained": False}
            for i, p in passed.items()]


def test_default_tolerance_is_one_question_at_least_two_points():
    assert gate.default_tolerance(10) == 0.1
    assert gate.default_tolerance(30) == pytest.approx(0.034)
    assert gate.default_tolerance(90) == 0.02
    assert gate.default_tolerance(1000) == 0.02
    assert gate.default_tolerance(0) == 0.02


def test_a_baseline_with_higher_numbers_fails_the_gate_naming_metric_and_questions():
    before = _records({"a": True, "b": True, "c": True, "d": False})
    base = gate.build({"passed": 0.75, "key_strings": 0.75, "counts": {"passed": 4, "key_strings": 4}}, before,
                      None, {"gold": ["seeds.jsonl"]})
    assert base["metrics"]["passed"]["tolerance"] == 0.25  # one question in four
    now = _records({"a": True, "b": False, "c": False, "d": False})
    result = gate.compare(base, {"passed": 0.25, "key_strings": 0.25}, now)
    assert not result.passed
    failed = {f["metric"]: f for f in result.failures}
    assert set(failed) == {"passed", "key_strings"}
    assert failed["passed"]["questions"] == ["b", "c"]
    assert result.regressed == ["b", "c"] and result.fixed == []


def test_within_tolerance_passes_and_improvements_are_named():
    before = _records({"a": True, "b": False})
    base = gate.build({"passed": 0.5, "counts": {"passed": 2}}, before, None, {})
    base["metrics"]["passed"]["tolerance"] = 0.5
    result = gate.compare(base, {"passed": 0.5}, _records({"a": False, "b": True}))
    assert result.passed and result.regressed == ["a"] and result.fixed == ["b"]


def test_lower_is_better_metrics_and_untoleranced_ones():
    base = {"metrics": {"latency_p95_ms": {"value": 100.0, "better": "lower", "tolerance": 50.0},
                        "groundedness": {"value": 1.0, "better": "higher", "tolerance": None}}}
    assert gate.compare(base, {"latency_p95_ms": 140.0, "groundedness": 0.0}, []).passed
    failed = gate.compare(base, {"latency_p95_ms": 151.0, "groundedness": 0.0}, [])
    assert [f["metric"] for f in failed.failures] == ["latency_p95_ms"]


def test_a_metric_no_longer_measured_fails():
    base = {"metrics": {"false_premise": {"value": 0.5, "better": "higher", "tolerance": 0.1}}}
    result = gate.compare(base, {"false_premise": None}, [])
    assert not result.passed and result.failures[0]["why"] == "not measured in this run"


def test_changed_only_gates_on_questions_not_on_means():
    base = gate.build({"passed": 1.0, "counts": {"passed": 2}}, _records({"a": True, "b": True}), None, {})
    subset = _records({"a": False})
    result = gate.compare(base, {"passed": 0.0}, subset, headline_gate=False)
    assert not result.passed and result.failures[0]["questions"] == ["a"]
    assert gate.compare(base, {"passed": 1.0}, _records({"a": True}), headline_gate=False).passed


def test_update_keeps_hand_set_tolerances_and_roundtrips(tmp_path):
    first = gate.build({"hit@5": 0.8, "counts": {"hit@5": 80}}, [], None, {})
    first["metrics"]["hit@5"]["tolerance"] = 0.05
    second = gate.build({"hit@5": 0.9, "counts": {"hit@5": 80}}, [], first, {})
    assert second["metrics"]["hit@5"] == {"value": 0.9, "better": "higher", "tolerance": 0.05, "n": 80}
    assert second["metrics"]["latency_p95_ms"]["tolerance"] is None
    path = tmp_path / "baseline.json"
    gate.write(path, second)
    assert gate.load(path) == json.loads(path.read_text())
    assert gate.load(tmp_path / "absent.json") is None
    (tmp_path / "bad.json").write_text("[1]")
    with pytest.raises(ValueError, match="bad.json has no 'metrics'"):
        gate.load(tmp_path / "bad.json")


def test_no_baseline_means_not_checked():
    result = gate.compare(None, {}, [])
    assert result.passed and not result.checked


def test_the_committed_baseline_is_well_formed():
    data = gate.load(gate.DEFAULT_BASELINE)
    if data is None:
        pytest.skip("eval/baseline.json not written yet")
    from eval.ci import GOLD_FILES

    assert data["gold"] == [path.name for path in GOLD_FILES]
    for name, spec in data["metrics"].items():
        assert name in gate.HEADLINE and spec["better"] in ("higher", "lower")
        assert spec["tolerance"] is None or spec["tolerance"] >= 0


def test_changed_docs_select_and_self_queries():
    from eval import corpus
    from eval.dataset import GoldQuestion, Quote

    assert corpus.changed_docs(None, {"a": "1"}) == {"a"}
    assert corpus.changed_docs({"a": "1", "b": "2", "c": "3"}, {"a": "1", "b": "9", "d": "4"}) == {"b", "c", "d"}
    texts = {"a.txt": "the inspectors found drift and delay.", "b.txt": "caseloads are manageable."}
    qs = [GoldQuestion("q1", "fact", "?", quotes=(Quote("a.txt", "Drift and  delay"),), keys=("drift",)),
          GoldQuestion("q2", "fact", "?", quotes=(Quote("b.txt", "caseloads are high"),), keys=("high",)),
          GoldQuestion("q3", "fact", "?", docs=("gone.pdf",), keys=("x",)),
          GoldQuestion("q4", "unanswerable", "?"),
          GoldQuestion("q5", "fact", "?", docs=("b.txt",), keys=("x",))]
    sel = corpus.select(qs, texts, touched=None)
    assert [q.id for q in sel.run] == ["q1", "q4", "q5"]
    assert [(q.id, why.split(":")[0]) for q, why in sel.stale] == [("q2", "quote no longer in b.txt"),
                                                                   ("q3", "gone.pdf is not in the index")]
    sel = corpus.select(qs, texts, touched={"a.txt"})
    assert [q.id for q in sel.run] == ["q1", "q4"] and [q.id for q in sel.skipped] == ["q5"]
    assert [q.id for q in corpus.select(qs, texts, touched=set()).run] == []

    text = "Intro line.\n\n" + "\n\n".join(f"- Sentence number {i} has enough words to be used as a query here."
                                           for i in range(10))
    queries = corpus.self_queries("Report on X", ["Report on X", "Findings", "Findings", "Next steps"], text)
    assert queries[:2] == [("heading", "Report on X Findings"), ("heading", "Report on X Next steps")]
    sentences = [q for kind, q in queries if kind == "sentence"]
    assert len(sentences) == 3 and all(s.startswith("Sentence number") for s in sentences)
    found = corpus.self_retrieval("d", queries, lambda q: ["x", "d"])
    assert found["passed"] and found["found"] == 5 and found["queries"][0]["rank"] == 2
    lost = corpus.self_retrieval("d", queries, lambda q: ["d"] if "Findings" in q else ["e"])
    assert not lost["passed"] and lost["found"] == 1
    half = corpus.self_retrieval("d", queries[:2], lambda q: ["d"] if "Findings" in q else ["e"])
    assert half["passed"]  # at least half of its queries find it

    def broken(q):
        raise RuntimeError("index is down")
    crashed = corpus.self_retrieval("d", queries[:1], broken)
    assert not crashed["passed"] and "RuntimeError" in crashed["queries"][0]["top"][0]
