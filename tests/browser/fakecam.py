"""A still picture as Chromium's fake camera: a YUV4MPEG2 (.y4m) file it plays in a loop.

Chromium started with `--use-fake-device-for-media-stream --use-fake-ui-for-media-stream
--use-file-for-fake-video-capture=<file>.y4m` offers the file as the only camera and grants
getUserMedia without asking. Its Y4M reader takes 4:2:0 planes only: a frame is the full-size luma
plane then the two chroma planes at half width and height. The picture is a printed page (a
badge PDF through `pdf_picture`) or a bare QR code (`qr_picture`).
"""

from __future__ import annotations

import io
from pathlib import Path

import segno
from PIL import Image

WIDTH, HEIGHT, FPS = 640, 480, 10
FAKE_CAMERA_ARGS = ("--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream")


def camera_args(video: Path) -> list[str]:
    """The chromium switches that make `video` the camera."""
    return [*FAKE_CAMERA_ARGS, f"--use-file-for-fake-video-capture={video}"]


def qr_picture(data: str, *, size: int = 360) -> Image.Image:
    """A QR code of `data` as a badge would hold it: dark modules on white, with a quiet zone."""
    qr = segno.make(data, error="m", micro=False)
    scale = max(1, size // qr.symbol_size(border=4)[0])
    png = io.BytesIO()
    qr.save(png, kind="png", scale=scale, border=4, dark="black", light="white")
    png.seek(0)
    return Image.open(png).convert("RGB")


def write_y4m(picture: Image.Image, path: Path, *, seconds: float = 1.0) -> Path:
    """Write `picture`, centred on a grey 640x480 frame, as `seconds` of a 10 fps video."""
    frame = Image.new("RGB", (WIDTH, HEIGHT), (128, 128, 128))
    picture = picture.convert("RGB")
    picture.thumbnail((WIDTH, HEIGHT))
    frame.paste(picture, ((WIDTH - picture.width) // 2, (HEIGHT - picture.height) // 2))
    # Pillow's YCbCr is JPEG's full-range BT.601, the colour space "C420jpeg" names.
    luma, blue, red = frame.convert("YCbCr").split()
    half = (WIDTH // 2, HEIGHT // 2)
    planes = luma.tobytes() + blue.resize(half).tobytes() + red.resize(half).tobytes()
    header = f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F{FPS}:1 Ip A1:1 C420jpeg\n".encode("ascii")
    with path.open("wb") as out:
        out.write(header)
        for _ in range(max(1, round(seconds * FPS))):
            out.write(b"FRAME\n")
            out.write(planes)
    return path


def pdf_picture(pdf: bytes, *, page: int = 0, height: int = HEIGHT) -> Image.Image:
    """A page of a PDF (a printed badge) as a picture `height` pixels high, rendered by pdfium."""
    import pypdfium2 as pdfium  # only the tests that film a printed page need it

    document = pdfium.PdfDocument(pdf)
    try:
        sheet = document[page]
        return sheet.render(scale=height / sheet.get_height()).to_pil().convert("RGB")
    finally:
        document.close()
