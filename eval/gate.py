"""The regression gate: this run's headline metrics against eval/baseline.json.

The baseline file holds, for each headline metric, its value, the direction that is better and
the tolerance (how far it may fall before the gate fails), plus each question's pass/fail so a
failing gate can name the questions that changed.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_BASELINE = Path(__file__).resolve().parent / "baseline.json"

#: Headline metric -> the direction that is better. Latency is recorded but not gated by default
#: (tolerance null): it depends on the machine more than on the code.
HEADLINE = {
    "hit@5": "higher", "mrr": "higher", "ndcg@5": "higher", "key_strings": "higher",
    "citation_validity": "higher", "citation_support": "higher", "groundedness": "higher",
    "abstention_precision": "higher", "abstention_recall": "higher", "false_premise": "higher",
    "passed": "higher", "latency_p95_ms": "lower",
}
UNGATED = {"latency_p95_ms"}


def default_tolerance(n: int) -> float:
    """Room for one question's worth of change: 1/n of the questions the metric averages over, at least 0.02."""
    if n <= 0:
        return 0.02
    return max(0.02, math.ceil(1000.0 / n) / 1000.0)


@dataclass
class GateResult:
    failures: list[dict[str, Any]] = field(default_factory=list)  # metrics that fell too far
    regressed: list[str] = field(default_factory=list)  # question ids: passed in the baseline, fail now
    fixed: list[str] = field(default_factory=list)  # failed in the baseline, pass now
    checked: bool = True  # False when there was no baseline to compare with
    note: str = ""

    @property
    def passed(self) -> bool:
        return not self.failures

    def to_json(self) -> dict[str, Any]:
        return {"passed": self.passed, "checked": self.checked, "failures": self.failures,
                "regressed": self.regressed, "fixed": self.fixed, "note": self.note}


def load(path: Path) -> dict[str, Any] | None:
    """The baseline file's contents, or None if it does not exist.

    Raises:
        ValueError: the file exists but is not a baseline (the message names it).
    """
    path = Path(path)
    if not path.exists():
        return None
    text = path.read_text(encoding="utf-8")
    if not text.strip():
        return None  # an empty file (or /dev/null) means "no baseline"
    try:
        data = json.loads(text)
    except ValueError as err:
        raise ValueError(f"baseline file {path} is not valid JSON: {err}") from None
    if not isinstance(data, dict) or not isinstance(data.get("metrics"), dict):
        raise ValueError(f"baseline file {path} has no 'metrics' object")
    return data


def compare(baseline: dict[str, Any] | None, summary: dict[str, Any], records: list[dict[str, Any]],
            headline_gate: bool = True) -> GateResult:
    """Which headline metrics fell more than their tolerance below the baseline, and which questions changed.

    With ``headline_gate`` False (a --changed-only run over a subset) metrics are not compared and
    any question that passed in the baseline and fails now fails the gate instead.
    """
    if baseline is None:
        return GateResult(checked=False)
    result = GateResult()
    before = baseline.get("questions", {})
    for r in records:
        was = before.get(r["id"])
        if isinstance(was, dict):
            was = was.get("passed")
        if was is None:
            continue
        if was and not r["passed"]:
            result.regressed.append(r["id"])
        elif not was and r["passed"]:
            result.fixed.append(r["id"])
    if not headline_gate:
        if result.regressed:
            result.failures.append({"metric": "questions", "why": f"{len(result.regressed)} question(s) that "
                                    "passed in the baseline fail now", "questions": result.regressed})
        return result
    for name, spec in baseline["metrics"].items():
        tol = spec.get("tolerance")
        old, new = spec.get("value"), summary.get(name)
        if tol is None or old is None:
            continue
        if new is None:
            result.failures.append({"metric": name, "baseline": old, "now": None, "tolerance": tol,
                                    "why": "not measured in this run"})
            continue
        new = round(new, 4)  # the baseline keeps 4 decimals; compare like with like
        drop = (old - new) if spec.get("better", "higher") == "higher" else (new - old)
        if drop > tol + 1e-9:
            result.failures.append({"metric": name, "baseline": old, "now": new, "tolerance": tol,
                                    "why": f"{'fell' if spec.get('better', 'higher') == 'higher' else 'rose'} by "
                                           f"{abs(new - old):.3f}, more than the tolerance {tol}",
                                    "questions": changed_questions(name, before, records)})
    return result


#: Per-question values kept in the baseline so a failing metric can name the questions behind it.
PER_QUESTION = ("hit@5", "mrr", "ndcg@5", "key_strings", "citation_validity", "citation_support",
                "groundedness", "false_premise", "abstained", "passed")
_SOURCE = {"abstention_precision": "abstained", "abstention_recall": "abstained"}


def _question_values(r: dict[str, Any]) -> dict[str, Any]:
    return {k: (round(r[k], 4) if isinstance(r.get(k), float) else r.get(k)) for k in PER_QUESTION
            if r.get(k) is not None}


def changed_questions(metric: str, before: dict[str, Any], records: list[dict[str, Any]]) -> list[str]:
    """Ids of the questions whose value of ``metric`` got worse since the baseline (for abstention
    metrics and latency: whose abstain decision changed; for latency nothing is named)."""
    key = _SOURCE.get(metric, metric)
    out = []
    for r in records:
        old = before.get(r["id"])
        if not isinstance(old, dict) or key not in old or r.get(key) is None:
            continue
        if key == "abstained":
            if bool(old[key]) != bool(r[key]):
                out.append(r["id"])
        elif r[key] < old[key] - 1e-9:
            out.append(r["id"])
    return out


def build(summary: dict[str, Any], records: list[dict[str, Any]], previous: dict[str, Any] | None,
          meta: dict[str, Any]) -> dict[str, Any]:
    """A new baseline from this run. A tolerance in ``previous`` that is not the default for its
    ``n`` was set by hand and is kept; default ones are recomputed for this run's counts."""
    old = (previous or {}).get("metrics", {})
    counts = summary.get("counts", {})
    metrics = {}
    for name, better in HEADLINE.items():
        value = summary.get(name)
        default = None if name in UNGATED else default_tolerance(counts.get(name, 0))
        was = old.get(name, {})
        was_default = None if name in UNGATED else default_tolerance(was.get("n") or 0)
        tol = was["tolerance"] if "tolerance" in was and was["tolerance"] != was_default else default
        metrics[name] = {"value": None if value is None else round(value, 4), "better": better, "tolerance": tol,
                         "n": counts.get(name)}
    return {**meta, "metrics": metrics, "questions": {r["id"]: _question_values(r) for r in records}}


def write(path: Path, baseline: dict[str, Any]) -> None:
    path = Path(path)
    path.write_text(json.dumps(baseline, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
