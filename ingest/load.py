"""Finding corpus files and reading them into text, page by page; every failure names the file."""

from __future__ import annotations

import os
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


def load(path: Path, max_bytes: int = 20 * 1024 * 1024) -> RawDocument:
    """Read one file into pages of text.

    Raises:
        LoadError: the file is empty, too large, unreadable, corrupt, encrypted, binary where text
            was expected, or has no text (a scanned PDF).
    """
    kind = SUPPORTED.get(path.suffix.lower())
    if kind is None:
        raise LoadError(f"unsupported file type {path.suffix!r}")
    try:
        size = path.stat().st_size
        if size == 0:
            raise LoadError("empty file")
        if size > max_bytes:
            raise LoadError(f"file is {size / 2**20:.1f} MB, over the {max_bytes / 2**20:.0f} MB limit "
                            "(raise IQA_MAX_FILE_MB to ingest it)")
        if kind == "pdf":
            pages = _read_pdf(path)
        elif kind == "docx":
            pages = [_read_docx(path)]
        else:
            text = _decode(path.read_bytes())
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
    for encoding in ("utf-8-sig", "utf-16") if data.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-8-sig",):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        text = data.decode("cp1252", errors="replace")
    sample = text[:8192]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f")
    if sample and (controls / len(sample) > 0.05 or sample.count("\ufffd") / len(sample) > 0.05):
        raise LoadError("binary data, not text")
    return text


def _read_pdf(path: Path) -> list[str]:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as err:
        message = str(err)
        if "password" in message.lower():
            raise LoadError("the PDF is encrypted (password protected); save an unprotected copy") from None
        raise LoadError(f"not a readable PDF ({message})") from None
    try:
        pages = []
        for i in range(len(pdf)):
            page = pdf[i]
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return pages
    except pdfium.PdfiumError as err:
        raise LoadError(f"the PDF is damaged ({err})") from None
    finally:
        pdf.close()


def _read_docx(path: Path) -> str:
    import zipfile

    import docx

    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError) as err:
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
