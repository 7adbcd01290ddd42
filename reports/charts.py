"""Inline SVG charts: reports must open offline, so no chart library or CDN."""

from __future__ import annotations

from markupsafe import Markup, escape


def bar_chart(bars: list[tuple[str, int]], *, width: int = 560, height: int = 220, title: str = "") -> Markup:
    """A vertical bar chart of labelled counts as an <svg> element."""
    pad_l, pad_b, pad_t = 34, 34, 16
    n = max(len(bars), 1)
    top = max([v for _, v in bars] + [1])
    plot_w, plot_h = width - pad_l - 8, height - pad_b - pad_t
    slot = plot_w / n
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" class="chart"><title>{escape(title)}</title>']
    for tick in range(0, top + 1, max(1, top // 4 or 1)):
        y = pad_t + plot_h - plot_h * tick / top
        parts.append(f'<line x1="{pad_l}" y1="{y:.1f}" x2="{width - 8}" y2="{y:.1f}" stroke="#e3e3e3"/>'
                     f'<text x="{pad_l - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">{tick}</text>')
    for i, (label, value) in enumerate(bars):
        h = plot_h * value / top
        x = pad_l + i * slot + slot * 0.12
        y = pad_t + plot_h - h
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.76:.1f}" height="{h:.1f}" fill="#3b6ea8">'
                     f'<title>{escape(label)}: {value}</title></rect>')
        if value:
            parts.append(f'<text x="{x + slot * 0.38:.1f}" y="{y - 3:.1f}" text-anchor="middle" '
                         f'font-size="11">{value}</text>')
        parts.append(f'<text x="{x + slot * 0.38:.1f}" y="{height - pad_b + 16}" text-anchor="middle" '
                     f'font-size="10">{escape(label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def hbar_chart(bars: list[tuple[str, float | None]], *, width: int = 560, title: str = "",
               unit: str = "%", top: float = 100.0) -> Markup:
    """A horizontal bar chart of labelled rates (0..top) as an <svg> element; None is drawn as "—"."""
    row_h, pad_l, pad_r, pad_t = 22, 190, 60, 8
    height = pad_t * 2 + row_h * max(len(bars), 1)
    plot_w = width - pad_l - pad_r
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" class="chart"><title>{escape(title)}</title>']
    for i, (label, value) in enumerate(bars):
        y = pad_t + i * row_h
        short = label if len(label) <= 14 else label[:14] + "…"
        parts.append(f'<text x="{pad_l - 6}" y="{y + 15}" text-anchor="end" font-size="12">{escape(short)}'
                     f'<title>{escape(label)}</title></text>')
        if value is None:
            parts.append(f'<text x="{pad_l + 4}" y="{y + 15}" font-size="11">—</text>')
            continue
        w = plot_w * max(0.0, min(value, top)) / top
        parts.append(f'<rect x="{pad_l}" y="{y + 3}" width="{w:.1f}" height="{row_h - 7}" fill="#3b6ea8">'
                     f'<title>{escape(label)}: {value:.2f}{escape(unit)}</title></rect>'
                     f'<text x="{pad_l + w + 4:.1f}" y="{y + 15}" font-size="11">{value:.2f}{escape(unit)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
