"""load() and discover(): every bad input gives a LoadError a person can act on; good files load.

Fixture files are generated here, in temporary folders: small hand-written PDFs, python-docx
documents, encrypted and blank PDFs from pypdf.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from ingest.clean import clean
from ingest.load import LoadError, RawDocument, Skipped, discover, load, max_file_bytes

TEXT_STREAM = b"BT /F1 12 Tf 72 720 Td (Inspection dates: 11 to 15 September 2023) Tj 0 -16 Td (Lead inspector: " \
              b"Anna Gravelle) Tj ET"


def pdf_bytes(stream: bytes) -> bytes:
    """A minimal one-page PDF whose page draws ``stream``, with a correct cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def load_error(path: Path) -> str:
    with pytest.raises(LoadError) as caught:
        load(path)
    return str(caught.value)


# --------------------------------------------------------------------------- bad inputs


@pytest.mark.parametrize("name", ["empty.txt", "empty.pdf", "empty.docx", "empty.html"])
def test_empty_file(tmp_path, name):
    assert load_error(write(tmp_path / name, b"")) == "empty file"


def test_binary_garbage_named_pdf(tmp_path):
    garbage = bytes(range(256)) * 64
    message = load_error(write(tmp_path / "report.pdf", garbage))
    assert "not a PDF" in message and "extension" in message


def test_binary_garbage_named_txt(tmp_path):
    assert load_error(write(tmp_path / "notes.txt", bytes(range(256)) * 64)) == "binary data, not text"


def test_binary_garbage_named_docx(tmp_path):
    assert "not a readable Word document" in load_error(write(tmp_path / "letter.docx", b"PK\x03\x04 not a zip"))


def test_truncated_pdf(tmp_path):
    whole = pdf_bytes(TEXT_STREAM)
    message = load_error(write(tmp_path / "cut.pdf", whole[: len(whole) // 2]))
    assert "truncated" in message and "download it again" in message


def test_damaged_pdf(tmp_path):
    damaged = b"%PDF-1.4\n" + b"\x00garbage\xff" * 200 + b"\n%%EOF\n"
    assert "the PDF is damaged" in load_error(write(tmp_path / "damaged.pdf", damaged))


def test_encrypted_pdf(tmp_path):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(pdf_bytes(TEXT_STREAM))))
    writer.encrypt(user_password="secret", owner_password="owner")
    with open(tmp_path / "locked.pdf", "wb") as out:
        writer.write(out)
    message = load_error(tmp_path / "locked.pdf")
    assert "encrypted" in message and "password" in message


def test_blank_pdf_has_no_text_layer(tmp_path):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    with open(tmp_path / "blank.pdf", "wb") as out:
        writer.write(out)
    assert "no text layer" in load_error(tmp_path / "blank.pdf")


@pytest.mark.parametrize("stream", [
    b"q 2 w 72 72 m 540 720 l S 100 100 300 200 re f Q",  # line art only
    b"q 200 0 0 200 72 500 cm BI /W 2 /H 2 /CS /G /BPC 8 ID \x00\xff\xff\x00 EI Q",  # an image: a scan
], ids=["drawing", "image"])
def test_scanned_pdf_without_text_asks_for_ocr(tmp_path, stream):
    message = load_error(write(tmp_path / "scan.pdf", pdf_bytes(stream)))
    assert "no text layer" in message and "OCR" in message


def test_cp1252_text_with_smart_quotes_and_pounds_loads(tmp_path):
    text = "The council’s “Staying Close” offer costs £120 a week – about £6,240 a year.\r\n"
    raw = load(write(tmp_path / "windows.txt", text.encode("cp1252")))
    assert raw.pages == [text]
    assert clean(raw).text == text.replace("\r\n", "").strip()


def test_mostly_utf8_text_with_a_damaged_byte_stays_utf8(tmp_path):
    data = "Children’s services – “good” overall; café. ".encode() * 20 + b"\x97 stray byte"
    assert load(write(tmp_path / "mixed.txt", data)).pages[0].startswith("Children’s services – “good”")


def test_a_50_mb_text_file_is_refused_with_its_size_and_the_setting_to_change(tmp_path):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as out:
        out.truncate(50 * 2**20)  # sparse: 50 MB on paper, nothing on disk
    message = load_error(path)
    assert "50.0 MB" in message and "20 MB limit" in message and "IQA_MAX_FILE_MB" in message


def test_iqa_max_file_mb_moves_the_limit(tmp_path, monkeypatch):
    path = write(tmp_path / "medium.txt", "Inspection findings. " * 150_000)  # about 3 MB
    monkeypatch.setenv("IQA_MAX_FILE_MB", "2")
    assert "over the 2 MB limit" in load_error(path)
    monkeypatch.setenv("IQA_MAX_FILE_MB", "4")
    assert load(path).pages[0].startswith("Inspection findings.")
    monkeypatch.setenv("IQA_MAX_FILE_MB", "lots")
    assert "IQA_MAX_FILE_MB must be a positive number" in load_error(path)
    assert max_file_bytes({}) == 20 * 2**20 and max_file_bytes({"IQA_MAX_FILE_MB": "0.5"}) == 2**19


def test_a_folder_named_like_a_document(tmp_path):
    (tmp_path / "folder.pdf").mkdir()
    assert load_error(tmp_path / "folder.pdf") == "is a folder, not a file"


def test_unsupported_extension_is_refused_by_load(tmp_path):
    assert load_error(write(tmp_path / "sheet.xlsx", b"data")) == "unsupported file type '.xlsx'"


def _load_as_nobody(path: Path) -> str:
    """load() in a forked child that has dropped root for uid/gid 65534; its outcome as text.

    A fork rather than a new interpreter: the venv's interpreter may live where nobody can read.
    """
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            os.close(read_end)
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            try:
                load(path)
                outcome = "loaded"
            except LoadError as err:
                outcome = f"LoadError: {err}"
            except BaseException as err:  # noqa: BLE001 - report anything else to the parent
                outcome = f"{type(err).__name__}: {err}"
            os.write(write_end, outcome.encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        outcome = pipe.read()
    os.waitpid(pid, 0)
    return outcome


def test_unreadable_file():
    folder = Path(tempfile.mkdtemp(prefix="iqa-perm-"))  # not under pytest's root-only tmp folders
    try:
        folder.chmod(0o755)
        secret = write(folder / "secret.txt", "Confidential notes.")
        secret.chmod(0o000)
        if os.geteuid() == 0:  # root reads anything: check for real as an unprivileged user
            assert _load_as_nobody(write(folder / "open.txt", "Readable notes.")) == "loaded"
            assert _load_as_nobody(secret) == "LoadError: permission denied: the file cannot be read"
        else:
            assert load_error(secret) == "permission denied: the file cannot be read"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --------------------------------------------------------------------------- discover


def test_discover_walks_nested_folders_in_order_and_survives_a_symlink_loop(tmp_path):
    write(tmp_path / "b.txt", "B")
    write(tmp_path / "a" / "deep" / "c.md", "C")
    write(tmp_path / "a" / "a.txt", "A")
    write(tmp_path / "README.md", "about the corpus")
    write(tmp_path / ".hidden.txt", "hidden")
    write(tmp_path / "data.xlsx", b"xlsx")
    (tmp_path / "a" / "deep" / "loop").symlink_to(tmp_path, target_is_directory=True)
    found = list(discover(tmp_path))
    paths = [p.relative_to(tmp_path).as_posix() for p in found if isinstance(p, Path)]
    skipped = {s.path.relative_to(tmp_path).as_posix(): s.reason for s in found if isinstance(s, Skipped)}
    assert paths == ["b.txt", "a/a.txt", "a/deep/c.md"]
    assert skipped["a/deep/loop"] == "folder already visited (symbolic link loop)"
    assert skipped["data.xlsx"].startswith("unsupported file type '.xlsx'")


def test_unicode_and_spaces_in_file_names(tmp_path):
    path = write(tmp_path / "Ofsted – visit 2022 ü.txt", "Focused visit to Barking and Dagenham.")
    assert list(discover(tmp_path)) == [path]
    raw = load(path)
    assert raw.path == path and raw.kind == "text" and raw.pages == ["Focused visit to Barking and Dagenham."]


# --------------------------------------------------------------------------- good documents


def test_pdf_with_a_text_layer_loads_one_string_per_page(tmp_path):
    raw = load(write(tmp_path / "report.pdf", pdf_bytes(TEXT_STREAM)))
    assert raw.kind == "pdf" and raw.paged and len(raw.pages) == 1
    assert "Inspection dates: 11 to 15 September 2023" in raw.pages[0]
    assert clean(raw).text == "Inspection dates: 11 to 15 September 2023\n\nLead inspector: Anna Gravelle"


def test_docx_with_heading_bullets_and_table(tmp_path):
    import docx

    document = docx.Document()
    document.add_heading("Focused visit to Testshire", level=1)
    document.add_paragraph("Inspectors looked at the front door.")
    document.add_paragraph("timely strategy meetings", style="List Bullet")
    document.add_paragraph("clear management oversight", style="List Bullet")
    table = document.add_table(rows=2, cols=2)
    for row, (area, grade) in enumerate([("Judgement", "Grade"), ("Overall effectiveness", "Good")]):
        table.cell(row, 0).text, table.cell(row, 1).text = area, grade
    document.save(tmp_path / "visit.docx")
    raw = load(tmp_path / "visit.docx")
    assert raw.kind == "docx" and len(raw.pages) == 1
    assert clean(raw).text == ("Focused visit to Testshire\n\nInspectors looked at the front door.\n\n"
                               "- timely strategy meetings\n- clear management oversight\n\n"
                               "Judgement | Grade\nOverall effectiveness | Good")


def test_html_drops_scripts_and_navigation_and_keeps_lists(tmp_path):
    page = """<!doctype html><html><head><title>t</title><script>var tracking = 1;</script>
    <style>p { color: red }</style></head><body>
    <nav><a href="/">Home</a> <a href="/news">News</a></nav>
    <h1>Council praised</h1><p>Inspectors praised the <b>MASH</b>&nbsp;team.</p>
    <ul><li>timely decisions</li><li>good partnership work</li></ul>
    <script>alert("x")</script></body></html>"""
    raw = load(write(tmp_path / "news.html", page))
    text = clean(raw).text
    assert text == ("Council praised\n\nInspectors praised the MASH team.\n\n"
                    "- timely decisions\n- good partnership work")


def test_markdown_file_loads_and_cleans(tmp_path):
    raw = load(write(tmp_path / "notes.md", "# Notes\n\nSome **bold** words and a [link](https://x.org).\n"))
    assert raw == RawDocument(path=tmp_path / "notes.md", kind="markdown",
                              pages=["# Notes\n\nSome **bold** words and a [link](https://x.org).\n"])
    assert clean(raw).text == "Notes\n\nSome bold words and a link."
