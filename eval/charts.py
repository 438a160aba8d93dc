"""Hand-written inline SVG charts for report.html: no plotting library, nothing fetched when the page opens."""

from __future__ import annotations

from html import escape
from typing import Sequence

PALETTE = ("#1f6f8b", "#e07a1f", "#3c9d5d", "#b5384b", "#7a5cb0", "#8c8c8c")


def grouped_bars(groups: Sequence[tuple[str, Sequence[float | None]]], series: Sequence[str],
                 title: str, maximum: float = 1.0, fmt: str = "{:.2f}") -> str:
    """Horizontal grouped bars: one group per row label, one bar per series; None draws no bar ("n/a")."""
    bar_h, gap, label_w, plot_w = 13, 10, 150, 380
    group_h = bar_h * len(series) + gap
    legend_h = 18 * ((len(series) + 2) // 3)
    height = 28 + legend_h + group_h * len(groups) + 10
    width = label_w + plot_w + 70
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
           f'aria-label="{escape(title)}" font-family="sans-serif" font-size="11">',
           f'<text x="0" y="14" font-weight="bold" font-size="13">{escape(title)}</text>']
    for i, name in enumerate(series):
        x, y = (i % 3) * 190, 26 + 18 * (i // 3)
        out.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{PALETTE[i % len(PALETTE)]}"/>'
                   f'<text x="{x + 16}" y="{y + 10}">{escape(name)}</text>')
    top = 28 + legend_h
    for g, (label, values) in enumerate(groups):
        y0 = top + g * group_h
        out.append(f'<text x="{label_w - 6}" y="{y0 + group_h / 2}" text-anchor="end">{escape(label)}</text>')
        for i, v in enumerate(values):
            y = y0 + i * bar_h
            if v is None:
                out.append(f'<text x="{label_w + 4}" y="{y + bar_h - 3}" fill="#888">n/a</text>')
                continue
            w = max(0.0, min(1.0, v / maximum if maximum else 0.0)) * plot_w
            out.append(f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h - 2}" '
                       f'fill="{PALETTE[i % len(PALETTE)]}"><title>{escape(label)} · {escape(series[i])}: '
                       f'{escape(fmt.format(v))}</title></rect>'
                       f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h - 3}">{escape(fmt.format(v))}</text>')
    out.append(f'<line x1="{label_w}" y1="{top}" x2="{label_w}" y2="{height - 10}" stroke="#444"/></svg>')
    return "".join(out)


def histogram(values: Sequence[float], title: str, unit: str = "ms", bins: int = 20,
              marks: Sequence[tuple[str, float]] = ()) -> str:
    """A histogram of ``values`` with vertical lines at ``marks`` (e.g. p50 and p95)."""
    width, height, left, bottom, top = 560, 220, 40, 30, 24
    if not values:
        return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="40" font-family="sans-serif">'
                f'<text x="0" y="20">{escape(title)}: no values</text></svg>')
    lo, hi = min(values), max(values)
    span = (hi - lo) or 1.0
    counts = [0] * bins
    for v in values:
        counts[min(bins - 1, int((v - lo) / span * bins))] += 1
    peak = max(counts)
    plot_w, plot_h = width - left - 10, height - top - bottom
    bw = plot_w / bins
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
           f'aria-label="{escape(title)}" font-family="sans-serif" font-size="11">',
           f'<text x="0" y="14" font-weight="bold" font-size="13">{escape(title)}</text>']
    for i, c in enumerate(counts):
        h = c / peak * plot_h
        x = left + i * bw
        a, b = lo + span * i / bins, lo + span * (i + 1) / bins
        out.append(f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bw - 1:.1f}" height="{h:.1f}" '
                   f'fill="{PALETTE[0]}"><title>{a:.0f}–{b:.0f} {escape(unit)}: {c}</title></rect>')
    base = top + plot_h
    out.append(f'<line x1="{left}" y1="{base}" x2="{width - 10}" y2="{base}" stroke="#444"/>')
    out.append(f'<text x="{left}" y="{base + 14}">{lo:.0f}</text>'
               f'<text x="{width - 10}" y="{base + 14}" text-anchor="end">{hi:.0f} {escape(unit)}</text>'
               f'<text x="{left - 4}" y="{top + 8}" text-anchor="end">{peak}</text>')
    for i, (name, v) in enumerate(marks):
        x = left + (v - lo) / span * plot_w
        out.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{base}" stroke="{PALETTE[1 + i]}" '
                   f'stroke-dasharray="4 3"/><text x="{x + 3:.1f}" y="{top + 10 + 12 * i}" '
                   f'fill="{PALETTE[1 + i]}">{escape(name)} {v:.0f}</text>')
    out.append("</svg>")
    return "".join(out)
