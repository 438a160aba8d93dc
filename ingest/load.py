"""Finding corpus files and reading them into text, page by page; every failure is explained.

``str(LoadError)`` is written for a person; the caller prefixes the file name.
"""

from __future__ import annotations

import os
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

SUPPORTED = {".txt": "text", ".md": "markdown", ".markdown": "markdown", ".pdf": "pdf", ".docx": "docx",
             ".html": "html", ".htm": "html"}
#: Files that live in a corpus folder but are not documents (the corpus README describes the corpus).
IGNORED_NAMES = {"readme.md", "readme.txt", ".ds_store", "thumbs.db"}


class LoadError(Exception):
    """A file could not be read as a document. ``str(err)`` is a message for a person."""


@dataclass(frozen=True)
class RawDocument:
    """A document's text as read from its file: one string per page (one page for unpaged formats)."""

    path: Path
    kind: str  # text, markdown, pdf, docx, html
    pages: list[str]

    @property
    def paged(self) -> bool:
        return self.kind == "pdf"


@dataclass(frozen=True)
class Skipped:
    path: Path
    reason: str


def discover(corpus: Path) -> Iterator[Path | Skipped]:
    """Yield the corpus's document files in a stable order, and a Skipped for each file left out.

    Follows symbolic links to folders, but never into a folder it has already visited, so a
    link loop ends instead of recursing forever.
    """
    seen: set[tuple[int, int]] = set()
    for root, dirs, files in os.walk(corpus, followlinks=True):
        st = os.stat(root)
        if (st.st_dev, st.st_ino) in seen:
            dirs[:] = []
            yield Skipped(Path(root), "folder already visited (symbolic link loop)")
            continue
        seen.add((st.st_dev, st.st_ino))
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(root) / name
            if name.startswith(".") or name.lower() in IGNORED_NAMES:
                continue
            if path.suffix.lower() not in SUPPORTED:
                yield Skipped(path, f"unsupported file type {path.suffix or '(none)'!r}; "
                                    f"supported: {', '.join(sorted(set(SUPPORTED)))}")
                continue
            yield path


#: Files larger than this are refused unless IQA_MAX_FILE_MB says otherwise.
DEFAULT_MAX_FILE_MB = 20


def max_file_bytes(environ: dict[str, str] | None = None) -> int:
    """The size limit in bytes: IQA_MAX_FILE_MB (a number of megabytes) or the default.

    Raises:
        LoadError: IQA_MAX_FILE_MB is set but is not a positive number.
    """
    value = (os.environ if environ is None else environ).get("IQA_MAX_FILE_MB", "").strip()
    if not value:
        return DEFAULT_MAX_FILE_MB * 2**20
    try:
        megabytes = float(value)
    except ValueError:
        megabytes = -1.0
    if not megabytes > 0:
        raise LoadError(f"IQA_MAX_FILE_MB must be a positive number of megabytes, not {value!r}")
    return int(megabytes * 2**20)


def load(path: Path, max_bytes: int | None = None) -> RawDocument:
    """Read one file into pages of text.

    Args:
        path: the document file.
        max_bytes: refuse larger files; None means IQA_MAX_FILE_MB, else 20 MB.

    Raises:
        LoadError: the file is empty, too large, unreadable, corrupt, encrypted, binary where text
            was expected, or has no text (a scanned PDF).
    """
    kind = SUPPORTED.get(path.suffix.lower())
    if kind is None:
        raise LoadError(f"unsupported file type {path.suffix!r}")
    if max_bytes is None:
        max_bytes = max_file_bytes()
    try:
        size = path.stat().st_size
        if size == 0:
            raise LoadError("empty file")
        if size > max_bytes:
            raise LoadError(f"file is {size / 2**20:.1f} MB, over the {max_bytes / 2**20:g} MB limit "
                            "(raise IQA_MAX_FILE_MB to ingest it)")
        # Read the bytes here, not in the parsers: a permission problem then surfaces as a
        # PermissionError instead of a parser's vague "file access error".
        data = path.read_bytes()
        if kind == "pdf":
            pages = _read_pdf(data)
        elif kind == "docx":
            pages = [_read_docx(data)]
        else:
            text = _decode(data)
            pages = [_html_to_text(text) if kind == "html" else text]
    except PermissionError:
        raise LoadError("permission denied: the file cannot be read") from None
    except IsADirectoryError:
        raise LoadError("is a folder, not a file") from None
    except OSError as err:
        raise LoadError(f"cannot read the file: {err.strerror or err}") from None
    if not any(p.strip() for p in pages):
        if kind == "pdf":
            raise LoadError("the PDF has no text layer (a scanned document?); run OCR on it first")
        raise LoadError("no text in the file")
    return RawDocument(path=path, kind=kind, pages=pages)


def _decode(data: bytes) -> str:
    """UTF-8 when it is UTF-8, else Windows-1252 (what Office on Windows writes); binary is refused."""
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise LoadError("binary data, not text")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = _decode_mixed(data)
    sample = text[:8192]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f")
    if sample and (controls / len(sample) > 0.05 or sample.count("\ufffd") / len(sample) > 0.05):
        raise LoadError("binary data, not text")
    return text


def _decode_mixed(data: bytes) -> str:
    """Text that is not valid UTF-8: Windows-1252, unless it is UTF-8 with a few damaged bytes."""
    as_utf8 = data.decode("utf-8", errors="replace")
    damaged = as_utf8.count("\ufffd")
    multibyte = sum(1 for ch in as_utf8 if ord(ch) > 127) - damaged
    if multibyte > 4 * damaged:
        return as_utf8
    return data.decode("cp1252", errors="replace")


def _read_pdf(data: bytes) -> list[str]:
    import pypdfium2 as pdfium

    if b"%PDF-" not in data[:1024]:
        raise LoadError("not a PDF (the file does not start with a PDF header); is the extension wrong?")
    # PDFium silently repairs a cut-off file and returns whatever pages survive, so a truncated
    # download would be ingested half-empty; the missing end-of-file marker gives it away.
    if b"%%EOF" not in data[-2048:]:
        raise LoadError("the PDF is incomplete (truncated: no end-of-file marker); download it again")
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as err:
        message = str(err)
        if "password" in message.lower():
            raise LoadError("the PDF is encrypted (password protected); save an unprotected copy") from None
        raise LoadError(f"the PDF is damaged and cannot be opened ({message})") from None
    try:
        if len(pdf) == 0:
            raise LoadError("the PDF has no pages")
        pages = []
        for i in range(len(pdf)):
            page = pdf[i]
            textpage = page.get_textpage()
            pages.append(_mark_paragraph_gaps(textpage, textpage.get_text_range()))
            textpage.close()
            page.close()
        return pages
    except pdfium.PdfiumError as err:
        raise LoadError(f"the PDF is damaged ({err})") from None
    finally:
        pdf.close()


#: A line whose baseline is this many typical line pitches below the previous one starts a new
#: block. Measured on 245 Ofsted reports: lines of one paragraph sit at 1.0 pitch, paragraphs at
#: 1.4-2.0 (numbered paragraphs with no gap above 1.25: 1.4%).
_GAP_PITCHES = 1.25


def _mark_paragraph_gaps(textpage, text: str) -> str:
    """The page's text with an empty line wherever the layout leaves vertical space between lines.

    PDF text carries no paragraph marks, and from the characters alone a paragraph that ends on a
    full-width line cannot be told from a wrapped one; the spacing can. A jump upwards (a new
    column, a table cell, a footer printed first) also counts as a gap.
    """
    if textpage.count_chars() != len(text):
        return text  # the character index would not match the string; leave the text unmarked
    lines: list[tuple[int, float, bool]] = []  # (offset, baseline, starts after a real line break)
    pos = 0
    for line in text.split("\r\n"):
        # U+FFFE is PDFium's mark for a hyphen at a line end, with the two lines run together:
        # each part is a physical line, but only a real line break may take a gap.
        for k, part in enumerate(line.split("\ufffe")):
            first = len(part) - len(part.lstrip())
            if first < len(part):
                lines.append((pos, textpage.get_charbox(pos + first, loose=True)[1], k == 0))
            pos += len(part) + 1
        pos += 1  # "\r\n" is two characters and the loop above counted one
    steps = [a[1] - b[1] for a, b in zip(lines, lines[1:]) if a[1] > b[1]]
    if len(steps) < 4:
        return text
    pitch = statistics.median(steps)
    out: list[str] = []
    cut = 0
    for (_, above, _), (offset, baseline, line_start) in zip(lines, lines[1:]):
        if line_start and (above - baseline > _GAP_PITCHES * pitch or baseline - above > pitch):
            out += [text[cut:offset], "\r\n"]
            cut = offset
    out.append(text[cut:])
    return "".join(out)


def _read_docx(data: bytes) -> str:
    import io
    import zipfile

    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as err:
        raise LoadError(f"not a readable Word document ({err.__class__.__name__}: {err})") from None
    blocks: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            para = docx.text.paragraph.Paragraph(child, document)
            text = para.text.strip()
            if not text:
                continue
            style = (para.style.name or "").lower() if para.style is not None else ""
            if "list" in style:
                text = f"- {text}"
            blocks.append(text)
        elif tag == "tbl":
            table = docx.table.Table(child, document)
            for row in table.rows:
                cells = []
                for cell in row.cells:
                    value = " ".join(cell.text.split())
                    if value and (not cells or cells[-1] != value):
                        cells.append(value)
                if cells:
                    blocks.append(" | ".join(cells))
    return "\n\n".join(blocks)


_BLOCK_TAGS = {"p", "div", "section", "article", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "br",
               "table", "ul", "ol", "blockquote", "pre", "header", "footer", "main", "dd", "dt"}


def _html_to_text(html: str) -> str:
    """Visible text of a page, one block a paragraph; scripts, styles and navigation dropped."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml")
    for tag in soup(["script", "style", "noscript", "template", "nav", "iframe", "svg", "form", "head"]):
        tag.decompose()
    for li in soup.find_all("li"):
        li.insert(0, "- ")
    for tag in soup.find_all(_BLOCK_TAGS):
        tag.insert_before("\n\n")
        tag.insert_after("\n\n")
    text = soup.get_text()
    lines = [" ".join(line.split()) for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()
