"""Cleaning: raw pages become the document's canonical text (offsets refer to it)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.load import RawDocument


@dataclass(frozen=True)
class CleanDocument:
    """Canonical text: paragraphs separated by a blank line; ``page_starts[i]`` is where page i+1 begins."""

    text: str
    page_starts: list[int] = field(default_factory=list)

    def page_at(self, offset: int) -> int | None:
        if not self.page_starts:
            return None
        import bisect

        return bisect.bisect_right(self.page_starts, offset)


def clean(raw: RawDocument) -> CleanDocument:
    pages = [re.sub(r"[ \t\u00a0]+", " ", p).strip() for p in raw.pages]
    text, starts = "", []
    for p in pages:
        if text:
            text += "\n\n"
        starts.append(len(text))
        text += p
    return CleanDocument(text=text, page_starts=starts if raw.paged else [])
