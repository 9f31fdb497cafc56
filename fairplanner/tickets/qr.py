"""QR codes of ticket codes: inline SVG for pages, PNG for mail, the module matrix for PDFs.

One library (segno) makes every QR code, so the e-ticket page, the mail and the badge show the
same symbol. Error correction Q (a quarter of the symbol may be creased, glared or smudged
under a badge holder's plastic and still read) and the standard quiet zone of 4 modules.
"""

from __future__ import annotations

import base64
import io
from html import escape

import segno
from markupsafe import Markup

ERROR = "q"
QUIET_ZONE = 4  # modules of light margin on each side, as ISO/IEC 18004 asks
DARK = "#000"
LIGHT = "#fff"  # drawn, not transparent: a dark page or mail theme must not eat the quiet zone


def make(code: str) -> segno.QRCode:
    """The QR symbol of a ticket code (segno picks the densest mode, e.g. alphanumeric)."""
    if not code:
        raise ValueError("a QR code needs a non-empty code")
    # boost_error: a higher level is taken when it fits in the same version, at no cost in size.
    return segno.make_qr(code, error=ERROR, boost_error=True)


def matrix(code: str) -> list[list[bool]]:
    """The dark (True) and light modules, row by row from the top, without the quiet zone."""
    return [[bool(module) for module in row] for row in make(code).matrix]


def svg(code: str, *, label: str | None = None, title: str | None = None, scale: int = 4) -> Markup:
    """Inline SVG markup of the code's QR (no XML declaration), safe to print in a template.

    `label` becomes the aria-label, `title` an SVG <title> (a tooltip and the accessible name);
    give at least one, already translated, e.g. "QR code of the ticket". Each module is
    `scale` CSS pixels; CSS may resize the image, which keeps its aspect through the viewBox.
    """
    if label is None and title is None:
        raise ValueError("an inline QR image needs a label or a title for screen readers")
    symbol = make(code)
    markup = symbol.svg_inline(scale=scale, border=QUIET_ZONE, dark=DARK, light=LIGHT, title=title)
    size = symbol.symbol_size(scale=scale, border=QUIET_ZONE)[0]
    attributes = f'role="img" viewBox="0 0 {size} {size}"'
    if label is not None:
        attributes += f' aria-label="{escape(label, quote=True)}"'
    if not markup.startswith("<svg "):  # segno's own format; fail loudly if it ever changes
        raise RuntimeError("unexpected SVG from segno")
    return Markup(f"<svg {attributes} {markup.removeprefix('<svg ')}")  # noqa: S704 - escaped above


def png(code: str, *, scale: int = 8) -> bytes:
    """A PNG of the code's QR, `scale` pixels per module, black on white with the quiet zone."""
    out = io.BytesIO()
    make(code).save(out, kind="png", scale=scale, border=QUIET_ZONE, dark=DARK, light=LIGHT)
    return out.getvalue()


def png_data_uri(code: str, *, scale: int = 8) -> str:
    """The PNG as a data: URI, for an <img> on a page (the CSP allows data: images). Mail
    should attach `png()` as an inline part (cid:) instead: many mail clients drop data: URIs."""
    return "data:image/png;base64," + base64.b64encode(png(code, scale=scale)).decode("ascii")
