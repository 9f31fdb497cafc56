"""Badge PDFs and QR images: what is printed is what the door scanner reads.

No database: the renderers are pure. Pages are rasterised with pdfium (Chrome's PDF engine)
and every QR code is decoded with zxing-cpp, as a phone at the entrance would.
"""

from __future__ import annotations

import dataclasses
import io
import math
import re

import PIL.Image
import PIL.ImageDraw
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
import zxingcpp
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from fairplanner.tickets import badges, fitting, qr
from fairplanner.tickets.badges import Badge, render
from tests.media import images

DPI = 200
# Ticket codes of both kinds the issue allows: base32 (alphanumeric QR mode), base64url (bytes).
CODES = [
    "K7QM2XADF4HJ9RTV5WNP3BZLCE",
    "hJ3x_Qw8-ZkP2mVr9tYb4A",
    "Q4ZP8N2KDJ7HXM3FBT6RVCLW9A",
    "M3JX7R2WQ9NCK4HB6PZDFT8LVA",
    "Z8W2PK4N7QXJ3MHD9CRTFB6LVA",
]
LONG_NAME = "Константинопольская-Водоворотова Александра-Мария Вячеславовна"
LONGER_NAME = LONG_NAME + " фон Штраубе-Заречная-Оболенская"


def make_badge(code: str = CODES[0], **overrides) -> Badge:
    fields = {
        "code": code,
        "name": "Александра Ковалевская",
        "position": "Руководитель отдела продаж",
        "company": "ОАО «Минский тракторный завод»",
        "country": "Беларусь",
        "role": "exhibitor",
        "role_title": "Экспонент",
        "stand": "А-12 (Павильон 1)",
        "fair_name": "Белорусская промышленная выставка «Промэкспо-2027»",
        "dates": "12–15 мая 2027",
        "venue": "Минск, Футбольный манеж",
        "logo": images.png(size=(240, 100)),
    }
    return Badge(**(fields | overrides))


def pages(pdf: bytes) -> list[pdfium.PdfPage]:
    document = pdfium.PdfDocument(pdf)
    return [document[i] for i in range(len(document))]


def decoded(page: pdfium.PdfPage) -> list[str]:
    """The page's QR codes, top to bottom and left to right."""
    image = page.render(scale=DPI / 72).to_pil()
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    band = image.height / 4  # rows of badges are far apart
    spots = sorted(found, key=lambda r: (r.position.top_left.y // band, r.position.top_left.x))
    return [result.text for result in spots]


def text(page: pdfium.PdfPage) -> str:
    """The page's words; pdfium joins a line ending in a hyphen to the next and marks that
    hyphen U+FFFE, which is put back here."""
    return " ".join(page.get_textpage().get_text_range().replace("\ufffe", "-").split())


def char_boxes(page: pdfium.PdfPage) -> list[tuple[str, tuple[float, float, float, float]]]:
    textpage = page.get_textpage()
    return [
        (textpage.get_text_range(i, 1), textpage.get_charbox(i))
        for i in range(textpage.count_chars())
        if not textpage.get_text_range(i, 1).isspace()
    ]


def image_count(page: pdfium.PdfPage) -> int:
    return sum(1 for obj in page.get_objects() if obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE)


def test_a6_gives_one_page_per_badge_and_each_qr_reads_as_its_code():
    names = ["Иван Петров", "Алесь Ўладзімір", "Ольга Сидоренко", "Jan Nowak"]
    roles = ["exhibitor", "visitor", "press", "organizer"]
    people = [
        make_badge(code, role=role, name=name)
        for code, role, name in zip(CODES[:4], roles, names, strict=True)
    ]
    pdf = render(people, layout="a6")
    assert [decoded(page) for page in pages(pdf)] == [[code] for code in CODES[:4]]
    assert all(page.get_size() == pytest.approx((297.64, 419.53), abs=0.01) for page in pages(pdf))


def test_the_printed_qr_code_is_at_least_35_mm_wide_with_error_correction_q():
    (page,) = pages(render([make_badge()]))
    (found,) = zxingcpp.read_barcodes(
        page.render(scale=DPI / 72).to_pil(), formats=zxingcpp.BarcodeFormat.QRCode
    )
    width_mm = (found.position.top_right.x - found.position.top_left.x) / DPI * 25.4
    assert width_mm >= 35
    assert found.ec_level in {"Q", "H"}


@pytest.mark.parametrize("count", [1, 4, 5])
def test_a4_puts_four_badges_on_a_sheet_in_reading_order(count):
    pdf = render([make_badge(code) for code in CODES[:count]], layout="a4")
    sheets = pages(pdf)
    assert len(sheets) == math.ceil(count / 4)
    assert all(page.get_size() == pytest.approx((595.28, 841.89), abs=0.01) for page in sheets)
    assert [code for page in sheets for code in decoded(page)] == CODES[:count]


def test_the_cyrillic_name_and_role_title_are_real_text():
    pdf = render([make_badge(name="Алесь Шчасны-Ўсевалодаў", role_title="Экспонент")])
    (page,) = pages(pdf)
    found = text(page)
    assert "Алесь Шчасны-Ўсевалодаў" in found
    assert "ЭКСПОНЕНТ" in found  # in capitals on the band
    assert "ОАО «Минский тракторный завод»" in found
    assert "А-12 (Павильон 1)" in found
    assert "K7QM 2XAD F4HJ 9RTV 5WNP 3BZL CE" in found  # the code, in blocks of four
    # Reading order: who, then what they are (screen readers and copy-paste follow it).
    assert found.index("Алесь") < found.index("K7QM") < found.index("ЭКСПОНЕНТ")


def test_optional_lines_are_left_out():
    badge = make_badge(position=None, company=None, country=None, stand=None, venue=None)
    (page,) = pages(render([badge]))
    found = text(page)
    assert "Минск" not in found
    assert "Беларусь" not in found
    assert decoded(page) == [CODES[0]]


def test_the_pdf_has_the_fairs_title_and_is_the_same_every_time():
    people = [make_badge(code) for code in CODES[:2]]
    pdf = render(people, layout="a4")
    assert pdfium.PdfDocument(pdf).get_metadata_dict()["Title"] == people[0].fair_name
    assert render(people, layout="a4") == pdf
    titled = render(people, title="Бейджи — Промэкспо-2027")
    assert pdfium.PdfDocument(titled).get_metadata_dict()["Title"] == "Бейджи — Промэкспо-2027"


@pytest.mark.parametrize(
    "logo",
    [
        b"not an image at all",
        images.png()[:40],  # a truncated PNG
        b"GIF89a" + bytes(40),  # a format logos are not accepted in
        images.bomb(),  # too many pixels to decode
    ],
    ids=["garbage", "truncated", "gif", "bomb"],
)
def test_an_unreadable_logo_is_left_out_and_the_badge_still_prints(logo, caplog):
    (page,) = pages(render([make_badge(logo=logo)]))
    assert image_count(page) == 0
    assert decoded(page) == [CODES[0]]
    assert "Промэкспо-2027" in text(page)
    assert "logo skipped" in caplog.text


@pytest.mark.parametrize("logo", [images.png(), images.webp(), images.jpeg_with_gps()])
def test_a_readable_logo_is_printed_once_per_document(logo):
    pdf = render([make_badge(code, logo=logo) for code in CODES[:4]], layout="a4")
    assert [image_count(page) for page in pages(pdf)] == [4]
    # One image object in the file, shared by the four badges.
    assert len(re.findall(rb"/Subtype\s*/Image", pdf)) == 1


@pytest.mark.parametrize(
    "changes",
    [
        {"name": LONG_NAME},
        {"name": "Ааааааааааааааааааааааааааааааааааааааааааааааааааааааааааааааааааааааааа"},
        {
            "name": LONGER_NAME,
            "position": "Главный специальный корреспондент по вопросам промышленности " * 3,
            "company": "Научно-производственное республиканское унитарное предприятие " * 3,
            "country": "Соединённое Королевство Великобритании и Северной Ирландии",
            "stand": "Открытая площадка у северного входа, павильоны 1–4, места 117–132",
            "fair_name": "Международная специализированная выставка-ярмарка " * 4,
            "role_title": "Представитель средств массовой информации",
        },
    ],
    ids=["long-name", "one-long-word", "everything-long"],
)
@pytest.mark.parametrize("layout", ["a6", "a4"])
def test_long_text_stays_inside_its_badge(changes, layout):
    pdf = render([make_badge(**changes)], layout=layout)
    (page,) = pages(pdf)
    # The badge is the whole A6 page, or the top left quarter of the A4 sheet; all its text
    # keeps the side and top margins (the QR code and band are at the bottom).
    width, height, margin = 297.64, 419.53, badges.MARGIN - 0.5
    top = page.get_size()[1]
    boxes = char_boxes(page)
    assert boxes
    for char, (left, bottom, right, upper) in boxes:
        assert left >= margin, char
        assert right <= width - margin, char
        assert bottom >= top - height, char
        assert upper <= top - margin, char
    assert decoded(page) == [CODES[0]]
    name = changes["name"]
    assert name.split()[0][:10] in text(page)  # the name is there, at least its beginning


def test_a_long_name_is_wrapped_not_cut():
    (page,) = pages(render([make_badge(name=LONG_NAME)]))
    assert LONG_NAME in text(page)
    fitted = fitting.fit(LONG_NAME, badges.BOLD, width=89 * mm, size=24, smallest=10, max_lines=2)
    assert len(fitted.lines) == 2
    assert not fitted.cut
    assert fitted.size >= 10  # still readable from a step away
    assert " ".join(fitted.lines) == LONG_NAME


def test_a_name_breaks_at_a_space_rather_than_a_hyphen():
    # Both breaks fit; the one after the hyphen would be better balanced.
    width = stringWidth("Римский-Корсаков", badges.BOLD, 18) + 1
    fitted = fitting.fit(
        "Ян Римский-Корсаков", badges.BOLD, width=width, size=18, smallest=18, max_lines=2
    )
    assert fitted.lines == ("Ян", "Римский-Корсаков")


def test_a_word_too_long_for_any_line_is_cut_and_marked():
    fitted = fitting.fit("Ы" * 80, badges.BOLD, width=80 * mm, size=24, smallest=10, max_lines=2)
    assert fitted.cut
    assert len(fitted.lines) == 2
    assert fitted.lines[1].endswith("…")


@pytest.mark.parametrize(
    ("role", "hex_colour"), [(role, colour) for role, colour in badges.ROLE_COLOURS.items()]
)
def test_white_text_on_each_role_colour_has_enough_contrast(role, hex_colour):
    def luminance(colour: str) -> float:
        def channel(value: int) -> float:
            c = value / 255
            return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

        r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
        return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)

    assert (1.05 / (luminance(hex_colour) + 0.05)) >= 4.5, role


def test_the_badge_roles_are_the_issues_four():
    assert set(badges.ROLE_COLOURS) == {"exhibitor", "visitor", "press", "organizer"}
    assert len(set(badges.ROLE_COLOURS.values())) == 4


def test_nothing_to_print_or_a_wrong_layout_or_role_is_refused():
    with pytest.raises(ValueError, match="no badges"):
        render([])
    with pytest.raises(ValueError, match="layout"):
        render([make_badge()], layout="letter")
    with pytest.raises(ValueError, match="role"):
        make_badge(role="vip")
    with pytest.raises(ValueError, match="code"):
        dataclasses.replace(make_badge(), code="")


def test_the_code_is_printed_in_blocks_of_four():
    assert badges.grouped("K7QM2XADF4HJ9RTV5WNP3BZLCE") == "K7QM 2XAD F4HJ 9RTV 5WNP 3BZL CE"
    assert badges.grouped("ABCD") == "ABCD"


# --- qr.py ----------------------------------------------------------------------------------


@pytest.mark.parametrize("code", CODES[:2])
def test_the_png_reads_as_the_code(code):
    image = PIL.Image.open(io.BytesIO(qr.png(code, scale=6)))
    assert image.format == "PNG"
    (result,) = zxingcpp.read_barcodes(image.convert("L"), formats=zxingcpp.BarcodeFormat.QRCode)
    assert result.text == code
    # The quiet zone: 4 light modules all round.
    size = len(qr.matrix(code)) + 2 * qr.QUIET_ZONE
    assert image.size == (size * 6, size * 6)
    assert qr.png_data_uri(code).startswith("data:image/png;base64,iVBORw0KGgo")


def svg_to_image(markup: str, pixels: int = 8) -> PIL.Image.Image:
    """Rasterise segno's inline SVG: its dark path is horizontal runs ("M/m x y" then "h n")
    one module high, drawn at the run's vertical middle, over a light background path."""
    size = int(re.search(r'viewBox="0 0 (\d+) \d+"', markup)[1])
    scale = int(re.search(r"scale\((\d+)\)", markup)[1]) if "scale(" in markup else 1
    modules = size // scale
    image = PIL.Image.new("L", (modules * pixels, modules * pixels), 255)
    draw = PIL.ImageDraw.Draw(image)
    path = re.search(r'class="qrline"[^>]*\sd="([^"]+)"', markup)[1]
    x = y = 0.0
    for command, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", path):
        if command == "M":
            x, y = float(a), float(b)
        elif command == "m":
            x, y = x + float(a), y + float(b)
        else:
            top = (y - 0.5) * pixels
            draw.rectangle((x * pixels, top, (x + float(a)) * pixels - 1, top + pixels - 1), fill=0)
            x += float(a)
    return image


@pytest.mark.parametrize("code", CODES[:2])
def test_the_svg_reads_as_the_code_and_has_an_accessible_name(code):
    markup = qr.svg(code, label="QR-код билета «K7QM»", title="Билет", scale=5)
    assert markup.startswith("<svg ")
    assert "<?xml" not in markup
    assert 'role="img"' in markup
    assert 'aria-label="QR-код билета «K7QM»"' in markup
    assert "<title>Билет</title>" in markup
    assert "style=" not in markup  # the CSP forbids inline styles
    (result,) = zxingcpp.read_barcodes(svg_to_image(markup), formats=zxingcpp.BarcodeFormat.QRCode)
    assert result.text == code


def test_the_svg_label_is_escaped_and_required():
    markup = qr.svg(CODES[0], label='"><script>alert(1)</script>')
    assert "<script>" not in markup
    assert 'aria-label="&#x27;' not in markup
    assert 'aria-label="&quot;&gt;&lt;script&gt;' in markup
    assert str(markup.__html__()) == str(markup)  # a template prints it as it is
    with pytest.raises(ValueError, match="label"):
        qr.svg(CODES[0])


def test_the_qr_code_uses_error_correction_q_or_better_and_a_four_module_quiet_zone():
    symbol = qr.make(CODES[0])
    assert symbol.error in {"Q", "H"}
    assert qr.QUIET_ZONE == 4
    with pytest.raises(ValueError, match="empty"):
        qr.make("")
