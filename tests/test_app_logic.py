"""The app's logic as plain functions: no model, no index, no browser."""

from __future__ import annotations

import io
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from app import chat, render
from app.auth import AuthError, add_user, checker, hash_password, load_users, verify_password
from app.export import evidence_docx, evidence_markdown, md_escape
from app.findings import FINDING, IMPROVE, Finding, council_vs_inspectors, extract, recurring, select, to_csv
from app.server import ServeError, auth_for, cmd_serve, is_loopback
from index.settings import Settings
from index.types import Answer, Citation, DocumentMeta, Passage, Sentence

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
EVIL = "<script>alert(1)</script> and [a link](http://evil.example.com) and <img src=x onerror=alert(2)>"


def meta(doc="a.txt", **kw) -> DocumentMeta:
    base = dict(doc=doc, hash="h", title="Focused visit to Barking and Dagenham", doc_type="focused visit letter",
                authority="Barking and Dagenham", authorities=("Barking and Dagenham",), date="2022-06-10")
    base.update(kw)
    return DocumentMeta(**base)


def passage(text="Management oversight is variable.", doc="a.txt", start=10, **kw) -> Passage:
    return Passage(f"{doc}:1", doc, text, start, start + len(text), kw.pop("section", "Main findings"),
                   kw.pop("page", 2), 0.5, kw.pop("meta", meta(doc)))


def answer(text="Management oversight is variable. [1]", verified=True, abstained=False, **kw) -> Answer:
    p = kw.pop("p", passage())
    if abstained:
        return Answer("q", "I could not find this in the documents.", True, related=[p])
    return Answer("q", text, False, citations=[Citation(1, p, verified)],
                  sentences=[Sentence(text, (1,), verified)], related=[])


# -- filters, turns, examples -----------------------------------------------------------------
def test_filters_from_the_form():
    assert chat.make_filters("Any", "Any", "", " ") == {"authority": None, "doc_type": None, "since": None,
                                                        "until": None}
    f = chat.make_filters("Barnet", "focused visit letter", "2018", "2022")
    assert f == {"authority": "Barnet", "doc_type": "focused visit letter", "since": "2018-01-01",
                 "until": "2022-12-31"}
    with pytest.raises(chat.FilterError, match="From date"):
        chat.make_filters(None, None, "last year", None)
    with pytest.raises(chat.FilterError, match="after"):
        chat.make_filters(None, None, "2022", "2018")


class FakeAssistant:
    def __init__(self):
        self.calls = []

    def stream(self, question, filters=None, history=()):
        self.calls.append((question, dict(filters), list(history)))
        yield "partial "
        yield answer()

    def ask(self, question, filters=None, history=()):  # pragma: no cover - only when a stream ends early
        raise AssertionError("stream gave an answer")


def test_run_turn_passes_earlier_questions_as_history_and_streams():
    fake = FakeAssistant()
    turns = [{"question": "Who led the 2022 visit?", "answer": answer(), "filters": {}}]
    out = list(chat.run_turn(fake, "And in 2018?", {"authority": "Barnet"}, turns))
    assert out[0] == "partial "
    assert out[-1]["question"] == "And in 2018?" and out[-1]["filters"] == {"authority": "Barnet"}
    assert fake.calls == [("And in 2018?", {"authority": "Barnet"}, ["Who led the 2022 visit?"])]


def test_resolve_citation_and_related_keys():
    cited, related = answer(), answer(abstained=True)
    turns = [{"question": "a", "answer": cited}, {"question": "b", "answer": related}]
    assert chat.resolve(turns, "0:c:1") is cited.citations[0].passage
    assert chat.resolve(turns, "1:r:0") is related.related[0]
    for bad in ("0:c:9", "5:c:1", "x", "", "0:r:3"):
        assert chat.resolve(turns, bad) is None


def test_example_questions_come_from_the_documents_served():
    docs = [(meta("a.txt", date="2022-06-10", inspectors=("Brenda McLaughlin",)), 3),
            (meta("b.txt", date="2018-04-03"), 3),
            (meta("c.txt", doc_type="self-evaluation", title="Self evaluation", date="2022-12-01"), 3),
            (meta("d.txt", authority="Barnet", authorities=("Barnet",), doc_type="monitoring visit letter",
                  date="2018-12-20"), 3)]
    qs = chat.example_questions(docs, {"c.txt": ["Early Help"]}, home="Barking and Dagenham",
                                topics={"a.txt": "permanence"},
                                recurrences=[("Barking and Dagenham", "supervision", "2018", "2022")])
    assert qs[0] == "What did the 2022 focused visit to Barking and Dagenham say about permanence?"
    assert "What does the Barking and Dagenham self-evaluation say needs to improve in early help?" in qs
    assert "How has supervision changed in Barking and Dagenham between 2018 and 2022?" in qs
    assert "Who were the inspectors on the 2022 focused visit to Barking and Dagenham?" in qs
    assert "What needs to improve according to the 2018 focused visit to Barking and Dagenham?" in qs
    other = chat.example_questions([(meta("x.txt", authority="Leeds", authorities=("Leeds",), date="2020-01-05"),
                                     1)])
    assert other == ["What needs to improve according to the 2020 focused visit to Leeds?"]


# -- rendering: escaped, never executed or followed --------------------------------------------
def test_conversation_escapes_everything_and_makes_only_known_markers_clickable():
    evil = answer(text=f"{EVIL} [1] [7]", p=passage(EVIL))
    html = render.conversation_html([{"question": EVIL, "answer": evil, "filters": {"authority": "<b>x</b>"}}])
    assert "<script" not in html and "<img" not in html and "<a " not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "[a link](http://evil.example.com)" in html
    assert html.count('data-cite="0:c:1"') == 2  # the marker and the source list
    assert "[7]" in html and 'data-cite="0:c:7"' not in html


def test_unverified_sentences_and_abstentions_are_marked():
    html = render.answer_html(answer(verified=False), 0)
    assert "iqa-unverified" in html and "Unverified" in html and "(not verified)" in html
    html = render.answer_html(answer(abstained=True), 3)
    assert "Not in the documents." in html and "Related passages" in html
    assert 'data-cite="3:r:0"' in html and "iqa-cite" not in html


def test_source_panel_highlights_the_passage_inside_its_document():
    doc_text = "Before. " + EVIL + " The passage itself. After."
    p = passage("The passage itself.", start=doc_text.index("The passage"))
    html = render.source_html(p, doc_text, "Source [1]")
    assert '<mark class="iqa-hit">The passage itself.</mark>' in html
    assert "&lt;script&gt;" in html and "<script" not in html and "<img" not in html
    for shown in ("Focused visit to Barking and Dagenham", "focused visit letter", "10 June 2022", "Main findings",
                  "<td>2</td>"):
        assert shown in html


def test_the_quoted_sentences_are_bold_inside_the_highlighted_passage():
    text = "First sentence here. Second  sentence\nwith <b>tag</b> inside. Third one."
    spans = render.quote_spans(text, ["Second sentence with <b>tag</b> inside. [1]", "Nowhere in the text at all."])
    assert [text[a:b] for a, b in spans] == ["Second  sentence\nwith <b>tag</b> inside"]
    label = "Focused visit letter, Barnet, 20 December 2018: First sentence here. [2]"
    assert [text[a:b] for a, b in render.quote_spans(text, [label])] == ["First sentence here"]
    p = passage(text, start=0)
    html = render.source_html(p, text, "Source [1]", ["Second sentence with <b>tag</b> inside. [1]"])
    assert '<strong class="iqa-quote">Second  sentence\nwith &lt;b&gt;tag&lt;/b&gt; inside</strong>.' in html
    turns = [{"question": "q", "answer": answer()}]
    assert chat.quotes_for(turns, "0:c:1") == ["Management oversight is variable. [1]"]
    assert chat.quotes_for(turns, "0:r:0") == [] and chat.quotes_for(turns, "3:c:1") == []


# -- findings ----------------------------------------------------------------------------------
def corpus_meta(name: str, **kw) -> tuple[str, DocumentMeta]:
    from ingest.clean import clean
    from ingest.load import load

    cleaned = clean(load(CORPUS / name))
    return cleaned.text, meta(name, **kw)


def test_improvement_points_are_read_from_the_letters():
    text, m = corpus_meta("000_039fb7067930de26.txt", date="2018-04-03")
    found = extract(text, m)
    points = [f.text for f in found if f.kind == IMPROVE]
    assert len(points) == 4
    assert points[2].startswith("management oversight and supervision of case work in the assessment service")
    assert any(f.kind == FINDING and f.heading == "Findings" for f in found)
    for f in found:  # offsets point at the text
        assert " ".join(text[f.start:f.end].split()) == f.text
    text, m = corpus_meta("002_47f1ec21ac151896.txt")
    points = [f.text for f in extract(text, m) if f.kind == IMPROVE]
    assert len(points) == 6 and points[2].startswith("The quality of staff supervision")


def test_self_evaluation_points_carry_their_practice_area():
    text, m = corpus_meta("001_bdc30201c12516e5.txt", doc_type="self-evaluation", date="2022-12-01")
    found = extract(text, m)
    areas = {f.heading.split(" — ")[0] for f in found if " — " in f.heading}
    assert {"Early Help", "MASH and Assessment", "Children in Care and Care Leavers"} <= areas
    assert any(f.text == "Supervision and management oversight" and f.kind == IMPROVE for f in found)
    assert not any(f.text.startswith("one borough") for f in found)


def F(text, theme, date, doc_type="focused visit letter", kind=IMPROVE, authority="Barking and Dagenham", doc=None):
    return Finding(doc or f"{date}.txt", "t", authority, date, doc_type, kind, "h", text, 0, len(text), theme)


def test_recurring_themes_need_a_later_letter_about_the_same_authority():
    fs = [F("oversight weak", "supervision", "2018-04-03"), F("supervision weak", "supervision", "2022-06-10"),
          F("council says", "supervision", "2022-12-01", doc_type="self-evaluation"),
          F("thresholds", "thresholds", "2018-04-03"), F("thresholds again, Barnet", "thresholds", "2022-01-01",
                                                        authority="Barnet"),
          F("strength", "permanence", "2018-04-03", kind=FINDING), F("strength", "permanence", "2022-06-10",
                                                                     kind=FINDING)]
    recs = recurring(fs)
    assert [(r.authority, r.theme, r.first.text, r.again.text) for r in recs] == [
        ("Barking and Dagenham", "supervision", "oversight weak", "supervision weak")]
    council, inspectors = council_vs_inspectors(fs, "supervision", "Barking and Dagenham")
    assert [f.text for f in council] == ["council says"]
    assert [f.text for f in inspectors] == ["oversight weak", "supervision weak"]
    assert [f.text for f in select(fs, theme="permanence", year="2022")] == ["strength"]
    assert len(select(fs, authority="Barnet")) == 1 and len(select(fs, kind=FINDING)) == 2


def test_csv_export_has_a_header_and_defuses_formulas():
    import csv

    rows = list(csv.reader(io.StringIO(to_csv([F("=HYPERLINK(\"http://x\")", "supervision", "2018-04-03"),
                                               F("plain, with comma", "thresholds", "2022-06-10")]))))
    assert rows[0][:6] == ["authority", "date", "doc_type", "kind", "theme", "finding"]
    assert rows[1][5].startswith("'=") and rows[2][5] == "plain, with comma"


# -- evidence pack -----------------------------------------------------------------------------
def test_evidence_pack_markdown_quotes_every_cited_passage_as_text():
    turns = [{"question": "Was oversight weak?", "filters": {"authority": "Barnet"},
              "answer": answer(text=f"Oversight {EVIL} [1]", p=passage(f"Quoted {EVIL}"), verified=False)},
             {"question": "Capital of France?", "filters": {}, "answer": answer(abstained=True)}]
    md = evidence_markdown(turns)
    assert "## 1. Was oversight weak?" in md and "Filters: Barnet" in md and "(unverified)" in md
    assert "Focused visit to Barking and Dagenham · focused visit letter · Barking and Dagenham · 10 June 2022" in md
    assert "\\[a link\\]\\(http://evil.example.com\\)" in md and "\\<script\\>" in md
    assert not re.search(r"(?<!\\)\[a link\]\(", md)
    assert "**Not in the documents.**" in md
    assert md_escape("[x](y)") == "\\[x\\]\\(y\\)"


def test_evidence_pack_docx_opens_with_the_same_content(tmp_path):
    from docx import Document

    turns = [{"question": "Was oversight weak?", "filters": {}, "answer": answer(p=passage("Quoted passage text."))}]
    path = evidence_docx(turns, tmp_path / "pack.docx")
    text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    assert "1. Was oversight weak?" in text and "Quoted passage text." in text and "[1]" in text


# -- sign-in and where the server may listen ---------------------------------------------------
def test_password_hashes_are_salted_and_verified():
    a, b = hash_password("s3cret"), hash_password("s3cret")
    assert a != b and a.startswith("scrypt:")
    assert verify_password("s3cret", a) and not verify_password("wrong", a)
    assert not verify_password("s3cret", "garbage")


def test_auth_file_add_load_and_errors(tmp_path):
    path = tmp_path / "users"
    add_user(path, "alice", "pw1")
    add_user(path, "bob", "pw2")
    add_user(path, "alice", "pw3")  # replaces
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "pw" not in path.read_text()
    check = checker(path)
    assert check("alice", "pw3") and not check("alice", "pw1") and check("bob", "pw2") and not check("eve", "x")
    with pytest.raises(AuthError, match="user name"):
        add_user(path, "bad:name", "x")
    (tmp_path / "bad").write_text("# users\nalice:plain\n")
    with pytest.raises(AuthError, match="line 2"):
        load_users(tmp_path / "bad")
    (tmp_path / "empty").write_text("# nobody\n")
    with pytest.raises(AuthError, match="no users"):
        load_users(tmp_path / "empty")


def test_auth_command_reads_the_password_from_stdin(tmp_path):
    path = tmp_path / "users"
    run = subprocess.run([sys.executable, "-m", "app.auth", "add", "carol", "--file", str(path)], input="pw\n",
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    assert checker(path)("carol", "pw")


def test_only_loopback_is_served_without_sign_in(tmp_path):
    for host in ("127.0.0.1", "localhost", "::1", "127.0.0.2"):
        assert is_loopback(host)
    for host in ("0.0.0.0", "192.168.1.5", "example.org", "::"):
        assert not is_loopback(host)
    plain = Settings.from_env(environ={})
    assert auth_for("127.0.0.1", plain) is None
    with pytest.raises(ServeError, match="IQA_AUTH_FILE"):
        auth_for("0.0.0.0", plain)
    add_user(tmp_path / "users", "alice", "pw")
    with_auth = Settings.from_env(environ={"IQA_AUTH_FILE": str(tmp_path / "users")})
    assert auth_for("0.0.0.0", with_auth)("alice", "pw")
    with pytest.raises(ServeError, match="no users"):
        (tmp_path / "none").write_text("")
        auth_for("0.0.0.0", Settings.from_env(environ={"IQA_AUTH_FILE": str(tmp_path / "none")}))


def test_serve_refuses_a_public_address_without_auth(capsys):
    import argparse

    code = cmd_serve(argparse.Namespace(host="0.0.0.0", port=7999), Settings.from_env(environ={}))
    assert code == 2
    assert "refusing" in capsys.readouterr().err
