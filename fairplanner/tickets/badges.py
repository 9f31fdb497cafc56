"""Badge PDFs: one A6 badge per page, or four to an A4 sheet with cut marks.

Pure: the caller hands in `Badge` values with every string already translated and formatted;
nothing here reads the database or the request. ReportLab draws the PDF (pretix prints its
tickets and badges with it too; a pip wheel without system libraries), with DejaVu Sans
embedded for Cyrillic, and the QR code is segno's matrix (`fairplanner.tickets.qr`) drawn as
vector rectangles, so the badge carries the very symbol the e-ticket page shows.

A badge, top to bottom: the fair's logo, name, dates and venue; the person's name, large;
position, company, country and stand; the QR code with its code in blocks of four; and a
full-width band in the role's colour with the role in words, so the door staff can tell an
exhibitor from a visitor across the hall and a greyscale copy still says it.
"""

from __future__ import annotations

import io
import logging
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import PIL.Image
from PIL import ImageOps
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, A6
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from fairplanner.tickets import qr
from fairplanner.tickets.fitting import Fitted, draw, fit

log = logging.getLogger(__name__)

FONTS = Path(__file__).resolve().parent.parent / "static" / "fonts"
REGULAR, BOLD = "DejaVuSans", "DejaVuSans-Bold"

# White text on each stays at or above WCAG's 4.5:1 (tests/tickets/test_badges.py checks it).
ROLE_COLOURS: dict[str, str] = {
    "exhibitor": "#1d4ed8",  # blue, 6.7:1
    "visitor": "#15803d",  # green, 5.0:1
    "press": "#c2410c",  # orange, 5.2:1
    "organizer": "#8b1a1a",  # dark red, 9.6:1
}
LAYOUTS = ("a6", "a4")

INK = HexColor("#111827")
SOFT = HexColor("#4b5563")
RULE = HexColor("#d1d5db")
CUT = HexColor("#9ca3af")
BLACK, WHITE = HexColor("#000000"), HexColor("#ffffff")

BADGE_W, BADGE_H = A6  # 105 x 148 mm
MARGIN = 8 * mm
BAND_H = 15 * mm
QR_WIDTH = 36 * mm  # the dark modules' extent; the quiet zone comes on top of it
LOGO_W, LOGO_H = 26 * mm, 12 * mm
LOGO_MAX_PIXELS = 25_000_000  # as fairplanner.media accepts; a bigger "logo" is skipped
# Fonts of the person's block, tried at full size first, then smaller until it fits.
SQUEEZE = (1.0, 0.92, 0.84, 0.76, 0.68, 0.6)


@dataclass(frozen=True)
class Badge:
    """One person's badge, every string ready to print (translated, formatted)."""

    code: str
    name: str
    position: str | None
    company: str | None
    country: str | None
    role: str
    role_title: str
    stand: str | None
    fair_name: str
    dates: str
    venue: str | None
    logo: bytes | None = None

    def __post_init__(self) -> None:
        if self.role not in ROLE_COLOURS:
            raise ValueError(f"unknown badge role {self.role!r}")
        if not self.code:
            raise ValueError("a badge needs its ticket code")


def grouped(code: str, size: int = 4) -> str:
    """The code in blocks of `size` characters, as printed under the QR: "K7QM 2XAD ..."."""
    return " ".join(code[i : i + size] for i in range(0, len(code), size))


def render(badges: Sequence[Badge], *, layout: str = "a6", title: str | None = None) -> bytes:
    """The badges as a PDF: "a6" one per A6 page, "a4" four per A4 sheet (2 x 2, cut marks).

    The same badges give the same bytes (no timestamps or random ids in the file). `title`
    (the PDF's metadata title) defaults to the first badge's fair name. Raises ValueError for
    no badges or an unknown layout.
    """
    if not badges:
        raise ValueError("no badges to print")
    if layout not in LAYOUTS:
        raise ValueError(f"unknown badge layout {layout!r}")
    _register_fonts()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A6 if layout == "a6" else A4, invariant=1, pageCompression=1)
    canvas.setTitle(title or badges[0].fair_name)
    canvas.setAuthor("FairPlanner")
    canvas.setCreator("FairPlanner")
    canvas.setSubject("")
    logos: dict[bytes, ImageReader | None] = {}
    per_page = 1 if layout == "a6" else 4
    for start in range(0, len(badges), per_page):
        for slot, badge in enumerate(badges[start : start + per_page]):
            if badge.logo is not None and badge.logo not in logos:
                logos[badge.logo] = _logo(badge.logo)
            reader = logos.get(badge.logo) if badge.logo is not None else None
            canvas.saveState()
            canvas.translate(*_origin(layout, slot))
            _draw_badge(canvas, badge, reader)
            canvas.restoreState()
        if layout == "a4":
            _cut_marks(canvas)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


@cache
def _register_fonts() -> None:
    pdfmetrics.registerFont(TTFont(REGULAR, FONTS / "DejaVuSans.ttf"))
    pdfmetrics.registerFont(TTFont(BOLD, FONTS / "DejaVuSans-Bold.ttf"))


def _origin(layout: str, slot: int) -> tuple[float, float]:
    """Lower-left corner of a badge on its page; on A4, slots 0-3 in reading order."""
    if layout == "a6":
        return 0.0, 0.0
    sheet_w, sheet_h = A4
    left = (sheet_w - 2 * BADGE_W) / 2
    bottom = (sheet_h - 2 * BADGE_H) / 2  # A4 is a millimetre taller than two A6
    column, row = slot % 2, slot // 2
    return left + column * BADGE_W, bottom + (1 - row) * BADGE_H


def _cut_marks(canvas: Canvas) -> None:
    """Short light lines where the sheet is cut: at its edges and a cross in the middle."""
    sheet_w, sheet_h = A4
    x, y, tick = sheet_w / 2, sheet_h / 2, 7 * mm
    canvas.saveState()
    canvas.setStrokeColor(CUT)
    canvas.setLineWidth(0.4)
    for x1, y1, x2, y2 in (
        (x, 0, x, tick),
        (x, sheet_h - tick, x, sheet_h),
        (0, y, tick, y),
        (sheet_w - tick, y, sheet_w, y),
        (x - tick / 2, y, x + tick / 2, y),
        (x, y - tick / 2, x, y + tick / 2),
    ):
        canvas.line(x1, y1, x2, y2)
    canvas.restoreState()


def _logo(data: bytes) -> ImageReader | None:
    """The logo flattened on white and at most 600 px wide, or None when it does not decode."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PIL.Image.DecompressionBombWarning)
            image = PIL.Image.open(io.BytesIO(data), formats=("PNG", "JPEG", "WEBP"))
            if image.width * image.height > LOGO_MAX_PIXELS:
                raise ValueError("too many pixels")
            image.load()
            image = ImageOps.exif_transpose(image).convert("RGBA")
    except (OSError, SyntaxError, ValueError, EOFError, Warning, PIL.Image.DecompressionBombError):
        log.warning("badge logo skipped: not a readable PNG, JPEG or WebP image")
        return None
    image.thumbnail((600, 300), PIL.Image.Resampling.LANCZOS)
    flat = PIL.Image.new("RGB", image.size, "white")
    flat.paste(image, mask=image.getchannel("A"))
    return ImageReader(flat)


def _draw_badge(canvas: Canvas, badge: Badge, logo: ImageReader | None) -> None:
    """One badge in the box (0, 0)-(BADGE_W, BADGE_H), drawn in reading order (text
    extraction and screen readers follow it): header, person, QR code, role band."""
    colour = HexColor(ROLE_COLOURS[badge.role])
    clip = canvas.beginPath()
    clip.rect(0, 0, BADGE_W, BADGE_H)
    canvas.clipPath(clip, stroke=0, fill=0)
    below_header = _draw_header(canvas, badge, logo)
    symbol = _Symbol.of(badge.code)
    _draw_person(canvas, badge, colour, top=below_header, bottom=symbol.top)
    symbol.draw(canvas)
    _draw_band(canvas, badge, colour)


def _draw_header(canvas: Canvas, badge: Badge, logo: ImageReader | None) -> float:
    """The fair's logo, name, dates and venue; returns the y under the rule below them."""
    top = BADGE_H - MARGIN
    x, width = MARGIN, BADGE_W - 2 * MARGIN
    logo_h = 0.0
    if logo is not None:
        pixels_w, pixels_h = logo.getSize()
        scale = min(LOGO_W / pixels_w, LOGO_H / pixels_h)
        logo_w, logo_h = pixels_w * scale, pixels_h * scale
        canvas.drawImage(logo, x, top - logo_h, logo_w, logo_h)
        x += logo_w + 4 * mm
        width -= logo_w + 4 * mm
    name = fit(badge.fair_name, BOLD, width=width, size=11, smallest=8, max_lines=2)
    where = " · ".join(part for part in (badge.dates, badge.venue) if part)
    details = fit(where, REGULAR, width=width, size=8.5, smallest=7, max_lines=2)
    text_h = name.height + 1.5 * mm + details.height
    # The text sits centred beside a taller logo, and the logo beside taller text.
    text_top = top - max(0.0, (logo_h - text_h) / 2)
    y = draw(canvas, name, x, text_top, colour=INK)
    draw(canvas, details, x, y - 1.5 * mm, colour=SOFT)
    bottom = top - max(logo_h, text_h) - 3.5 * mm
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.6)
    canvas.line(MARGIN, bottom, BADGE_W - MARGIN, bottom)
    return bottom


def _draw_band(canvas: Canvas, badge: Badge, colour: HexColor) -> None:
    """The full-width band in the role's colour, with the role in white capitals."""
    canvas.setFillColor(colour)
    canvas.rect(0, 0, BADGE_W, BAND_H, stroke=0, fill=1)
    role, spacing = badge.role_title.upper(), 1.5
    room = BADGE_W - 2 * MARGIN - spacing * len(role)
    text = fit(role, BOLD, width=room, size=22, smallest=10)
    canvas.setFillColor(WHITE)
    canvas.setFont(BOLD, text.size)
    baseline = (BAND_H - text.size * 0.73) / 2  # capitals centred in the band
    canvas.drawCentredString(BADGE_W / 2, baseline, text.lines[0], charSpace=spacing)


@dataclass(frozen=True)
class _Symbol:
    """The QR code above the band and its code printed under it, in blocks of four."""

    modules: list[list[bool]]
    code: Fitted
    CODE_BASELINE = BAND_H + 3.5 * mm

    @classmethod
    def of(cls, code: str) -> _Symbol:
        width = BADGE_W - 2 * MARGIN
        return cls(qr.matrix(code), fit(grouped(code), REGULAR, width=width, size=8.5, smallest=5))

    @property
    def module(self) -> float:
        return QR_WIDTH / len(self.modules)

    @property
    def bottom(self) -> float:
        """The lowest dark module's bottom: the whole quiet zone is above the code's text."""
        return self.CODE_BASELINE + self.code.size * 0.74 + qr.QUIET_ZONE * self.module

    @property
    def top(self) -> float:
        """The top of the quiet zone, which nothing else may enter."""
        return self.bottom + QR_WIDTH + qr.QUIET_ZONE * self.module

    def draw(self, canvas: Canvas) -> None:
        """The dark modules as one path of rectangles, one per horizontal run."""
        left, module, size = (BADGE_W - QR_WIDTH) / 2, self.module, len(self.modules)
        path = canvas.beginPath()
        for row_index, row in enumerate(self.modules):
            y = self.bottom + (size - 1 - row_index) * module
            column = 0
            while column < size:
                if not row[column]:
                    column += 1
                    continue
                start = column
                while column < size and row[column]:
                    column += 1
                path.rect(left + start * module, y, (column - start) * module, module)
        canvas.setFillColor(BLACK)
        canvas.drawPath(path, stroke=0, fill=1)
        canvas.setFillColor(SOFT)
        canvas.setFont(REGULAR, self.code.size)
        canvas.drawCentredString(BADGE_W / 2, self.CODE_BASELINE, self.code.lines[0])


def _draw_person(
    canvas: Canvas, badge: Badge, colour: HexColor, *, top: float, bottom: float
) -> None:
    """Name, position, company, country and stand between the header and the QR code, at the
    largest sizes at which they all fit there."""
    width, room = BADGE_W - 2 * MARGIN, top - bottom - 3 * mm
    tried = [_person_blocks(badge, colour, width, squeeze) for squeeze in SQUEEZE]
    fitting = [b for b in tried if sum(gap + text.height for gap, text, _ in b) <= room]
    # Prefer the largest sizes that keep every word whole, then the largest that fit at all.
    whole = [b for b in fitting if not any(text.cut for _, text, _ in b)]
    blocks = (whole or fitting or tried[-1:])[0]
    # Spare room goes a third above the name, two thirds above the QR code: a short badge
    # does not leave the name stuck under the header over an empty middle.
    spare = room - sum(gap + text.height for gap, text, _ in blocks)
    y = top - max(0.0, spare) / 3
    for gap, text, text_colour in blocks:
        y = draw(canvas, text, MARGIN, y - gap, colour=text_colour)


def _person_blocks(
    badge: Badge, colour: HexColor, width: float, squeeze: float
) -> list[tuple[float, Fitted, HexColor]]:
    """(gap above, text, colour) of each line group of the person, fonts scaled by `squeeze`."""

    def sized(text: str, font: str, size: float, smallest: float, max_lines: int) -> Fitted:
        return fit(
            text,
            font,
            width=width,
            size=size * squeeze,
            smallest=smallest * squeeze,
            max_lines=max_lines,
        )

    blocks = [(6 * mm * squeeze, sized(badge.name, BOLD, 24, 12, 2), INK)]
    if badge.position:
        blocks.append((2.5 * mm * squeeze, sized(badge.position, REGULAR, 10.5, 8, 2), SOFT))
    if badge.company:
        gap = (1.5 if badge.position else 2.5) * mm * squeeze
        blocks.append((gap, sized(badge.company, BOLD, 12.5, 9, 2), INK))
    if badge.country:
        blocks.append((1.5 * mm * squeeze, sized(badge.country, REGULAR, 10.5, 8, 1), SOFT))
    if badge.stand:
        blocks.append((2.5 * mm * squeeze, sized(badge.stand, BOLD, 13, 9, 1), colour))
    return blocks
