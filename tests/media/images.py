"""Image files for the upload tests, good and hostile, made in memory."""

from __future__ import annotations

import io
import struct
import zlib

import PIL.Image

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def png(size=(64, 48), color=(200, 30, 30, 128)) -> bytes:
    out = io.BytesIO()
    PIL.Image.new("RGBA", size, color).save(out, "PNG")
    return out.getvalue()


def webp(size=(64, 48), color=(20, 120, 30)) -> bytes:
    out = io.BytesIO()
    PIL.Image.new("RGB", size, color).save(out, "WEBP")
    return out.getvalue()


def jpeg_with_gps(size=(40, 20), orientation=6) -> bytes:
    """A photo with a GPS position and an orientation: turned a quarter (6: 90° clockwise)."""
    image = PIL.Image.new("RGB", size, (10, 90, 200))
    exif = PIL.Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x010F] = "SecretCam"  # Make
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (53.0, 54.0, 0.0), 3: "E", 4: (27.0, 33.0, 0.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def bomb(width=100_000, height=100_000) -> bytes:
    """A PNG of a few dozen bytes whose header declares 10 gigapixels."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + _chunk(b"IEND", b"")
    )


HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
