"""What the app serves: one Assistant, its documents, the findings derived from them, and uploads."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from app.findings import Finding, extract_all
from index.settings import Settings
from index.types import DocumentMeta, Passage

UPLOAD_TYPES = (".pdf", ".docx", ".txt", ".md", ".html", ".htm")


@dataclass
class UploadReport:
    added: list[str] = field(default_factory=list)  # corpus-relative names now in the index
    failed: list[dict[str, str]] = field(default_factory=list)  # {"file", "error"}, the file removed again
    unchanged: list[str] = field(default_factory=list)  # already in the corpus with the same content


class Workspace:
    """The app's view of one index. Thread-safe: one ingestion at a time; questions run alongside."""

    def __init__(self, assistant, settings: Settings, classifier=None):
        self.assistant = assistant
        self.settings = settings
        self._classifier = classifier
        self._ingest_lock = threading.Lock()
        self._findings_lock = threading.Lock()
        self._findings: tuple[int, list[Finding]] | None = None
        self._exports: tempfile.TemporaryDirectory | None = None

    # -- documents ----------------------------------------------------------------------------
    def documents(self) -> list[tuple[DocumentMeta, int]]:
        return self.assistant.documents()

    def document_text(self, doc: str) -> str | None:
        return self.assistant.document_text(doc)

    def passage_for(self, doc: str, start: int, end: int, label_text: str | None = None) -> Passage:
        """A passage spanning [start, end) of ``doc``, with the section and page of the chunk it falls in."""
        from dataclasses import replace

        chunks = self.assistant.passages_of(doc)
        host = next((p for p in chunks if p.start <= start < p.end), chunks[0] if chunks else None)
        text = (self.document_text(doc) or "")[start:end]
        if host is None:
            meta = next(m for m, _ in self.documents() if m.doc == doc)
            return Passage(f"{doc}#{start}", doc, text, start, end, "", None, 0.0, meta)
        return replace(host, chunk_id=f"{host.chunk_id}#{start}", text=label_text or text, start=start, end=end)

    # -- findings -----------------------------------------------------------------------------
    @property
    def classifier(self):
        if self._classifier is None:
            from app.themes import ThemeClassifier

            self._classifier = ThemeClassifier(self.assistant.embedder)
        return self._classifier

    def findings(self) -> list[Finding]:
        """Every document's findings, themed; recomputed when the index changes."""
        generation = self.assistant.docstore.generation
        with self._findings_lock:
            if self._findings is None or self._findings[0] != generation:
                docs = [(m, self.document_text(m.doc) or "") for m, _ in self.documents()]
                self._findings = (generation, extract_all(docs, self.classifier))
            return self._findings[1]

    def areas(self) -> dict[str, list[str]]:
        """doc -> practice areas its findings headings name ("Early Help — Areas for improvement" → "Early Help")."""
        out: dict[str, list[str]] = {}
        for f in self.findings():
            if " — " in f.heading:
                area = f.heading.split(" — ")[0]
                if area not in out.setdefault(f.doc, []) and not area[:1].isdigit():
                    out[f.doc].append(area)
        return out

    def export_path(self, name: str) -> Path:
        """A fresh path named ``name`` for a download, in a temp folder removed when the app stops."""
        if self._exports is None:
            self._exports = tempfile.TemporaryDirectory(prefix="iqa-exports-")
        folder = Path(self._exports.name) / uuid.uuid4().hex
        folder.mkdir()
        return folder / name

    def topics(self) -> dict[str, str]:
        """doc -> the theme of its first improvement point (for example questions)."""
        out: dict[str, str] = {}
        for f in self.findings():
            if f.kind == "improvement point" and f.theme:
                out.setdefault(f.doc, f.theme)
        return out

    # -- uploads ------------------------------------------------------------------------------
    def add_files(self, paths: Sequence[str | Path], progress: Callable[[str, int, int], None] | None = None
                  ) -> UploadReport:
        """Copy uploaded files into the corpus folder and ingest what changed.

        A file with an unsupported type is refused before copying; a file that fails to ingest is
        removed from the corpus again, so a failure leaves the corpus and the index as they were.
        """
        from ingest.pipeline import Ingestor

        report = UploadReport()
        corpus = Path(self.settings.corpus)
        corpus.mkdir(parents=True, exist_ok=True)
        copied: dict[str, Path] = {}
        for raw in paths:
            src = Path(raw)
            name = _safe_name(src.name)
            if src.suffix.lower() not in UPLOAD_TYPES:
                report.failed.append({"file": src.name, "error": f"unsupported file type {src.suffix or '(none)'}; "
                                      f"use one of {', '.join(UPLOAD_TYPES)}"})
                continue
            dest = corpus / name
            if dest.exists():
                if _digest(dest) == _digest(src):
                    report.unchanged.append(name)
                    continue
                dest = _free_name(dest)
            shutil.copyfile(src, dest)
            copied[dest.relative_to(corpus).as_posix()] = dest
        if not copied:
            return report
        with self._ingest_lock:
            a = self.assistant
            summary = Ingestor(self.settings, embedder=a.embedder, vectors=a.retriever.vectors,
                               docstore=a.docstore).run(progress=progress)
        failed = {f["file"]: f["error"] for f in summary.failed}
        duplicates = dict(summary.duplicates)
        for rel, dest in copied.items():
            if rel in failed:
                dest.unlink(missing_ok=True)
                report.failed.append({"file": rel, "error": failed[rel]})
            elif rel in duplicates:
                dest.unlink(missing_ok=True)
                report.unchanged.append(f"{rel} (same content as {duplicates[rel]})")
            else:
                report.added.append(rel)
        return report


def _safe_name(name: str) -> str:
    """A file name without directories or characters that could escape the corpus folder."""
    base = Path(name.replace("\\", "/")).name.strip().lstrip(".")
    cleaned = "".join(c if c.isalnum() or c in " ._-()" else "_" for c in base)
    return cleaned or "upload"


def _free_name(path: Path) -> Path:
    for i in range(2, 1000):
        candidate = path.with_name(f"{path.stem}-{i}{path.suffix}")
        if not candidate.exists():
            return candidate
    raise FileExistsError(f"no free name for {path.name}")


def _digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
