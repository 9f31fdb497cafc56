"""Text that fits its box on a PDF page: the largest size, at most two lines, never spilling.

A line breaks at a space, or where no space will do, after a hyphen (a double surname). Only
when even the smallest size allows no break is a word cut and the end shortened with "…",
and the result says so (`Fitted.cut`), so that a layout can try smaller sizes first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

_SPACES = re.compile(r"\S+")  # words
_BREAKS = re.compile(r"\S+?-(?=\S)|\S+")  # words, and word parts after a hyphen


@dataclass(frozen=True)
class Fitted:
    """Lines of text at the size at which they fit their box."""

    lines: tuple[str, ...]
    font: str
    size: float
    cut: bool = False  # a word was cut or the end shortened: it did not fit whole

    @property
    def leading(self) -> float:
        return self.size * 1.18

    @property
    def height(self) -> float:
        """From the top of the capitals of the first line to the descenders of the last."""
        return self.size * 0.74 + (len(self.lines) - 1) * self.leading + self.size * 0.24


def _width(text: str, font: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, font, size)


def _split(text: str, font: str, size: float, width: float, max_lines: int) -> list[str] | None:
    """The text on one line, or on two balanced lines (broken at a space or after a hyphen)."""
    text = " ".join(text.split())
    if _width(text, font, size) <= width:
        return [text]
    if max_lines < 2:
        return None
    # Break at a space, and only where no space will do, after a hyphen (a double surname).
    for breaks in (_SPACES, _BREAKS):
        ends = [m.end() for m in breaks.finditer(text)][:-1]
        best: tuple[float, list[str]] | None = None
        for end in ends:
            first, second = text[:end].strip(), text[end:].strip()
            widest = max(_width(first, font, size), _width(second, font, size))
            if widest <= width and (best is None or widest < best[0]):
                best = (widest, [first, second])
        if best:
            return best[1]
    return None


def _ellipsized(text: str, font: str, size: float, width: float) -> str:
    while text and _width(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def fit(
    text: str, font: str, *, width: float, size: float, smallest: float, max_lines: int = 1
) -> Fitted:
    """The largest size from `size` down to `smallest` (in steps of half a point) at which the
    text fits `width` in `max_lines` (1 or 2); below that, it is cut at the smallest size."""
    current = size
    while current >= smallest:
        lines = _split(text, font, current, width, max_lines)
        if lines is not None:
            return Fitted(tuple(lines), font, current)
        current -= 0.5
    text = " ".join(text.split())
    lines: list[str] = []
    while text and len(lines) < max_lines:
        if len(lines) == max_lines - 1 or _width(text, font, smallest) <= width:
            lines.append(
                text
                if _width(text, font, smallest) <= width
                else _ellipsized(text, font, smallest, width)
            )
            break
        cut = len(text)
        while cut > 1 and _width(text[:cut], font, smallest) > width:
            cut -= 1
        # The cut goes after the last space or hyphen that fits, else inside the word.
        space = max(text.rfind(" ", 0, cut + 1), text.rfind("-", 0, cut) + 1)
        cut = space if space > 0 else cut
        lines.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    return Fitted(tuple(lines), font, smallest, cut=True)


def draw(
    canvas: Canvas, text: Fitted, x: float, top: float, *, colour, centred: bool = False
) -> float:
    """Draw the lines from `top` (the capitals' top) and return the y below the block."""
    canvas.setFont(text.font, text.size)
    canvas.setFillColor(colour)
    baseline = top - text.size * 0.74
    for line in text.lines:
        if centred:
            canvas.drawCentredString(x, baseline, line)
        else:
            canvas.drawString(x, baseline, line)
        baseline -= text.leading
    return top - text.height
