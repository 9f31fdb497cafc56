"""Checking, re-encoding and storing uploaded images; their URLs.

Nothing uploaded is served as sent: the bytes must decode as PNG, JPEG or WebP (by content,
whatever the file is called), stay within MEDIA_MAX_BYTES and MEDIA_MAX_PIXELS (the pixel
count is checked from the header, before anything is decoded: a decompression bomb is refused
without allocating its pixels), and are then decoded, turned upright by their EXIF
orientation, and written anew as PNG (when the image has transparency) or JPEG at each size
of `SIZES` — without EXIF, GPS, ICC or text chunks, since only the pixels are copied.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from typing import IO

import PIL.Image
from flask import current_app, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from PIL import ImageOps, UnidentifiedImageError
from sqlalchemy import delete, select

from fairplanner.core.urls import public_url
from fairplanner.errors import DomainError
from fairplanner.extensions import db
from fairplanner.media.models import CONTENT_TYPES, SIZES, Image, MediaBlob

FORMATS = ("PNG", "JPEG", "WEBP")
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_PIXELS = 25_000_000
# Pillow's own guard, for any decoding anywhere in the process: twice this raises.
PIL.Image.MAX_IMAGE_PIXELS = DEFAULT_MAX_PIXELS
JPEG_QUALITY = 85


class ImageError(DomainError):
    """An upload that is not an image this site accepts; the message says why."""


def _limits() -> tuple[int, int]:
    config = current_app.config
    return (
        int(config.get("MEDIA_MAX_BYTES", DEFAULT_MAX_BYTES)),
        int(config.get("MEDIA_MAX_PIXELS", DEFAULT_MAX_PIXELS)),
    )


def _read(file: IO[bytes], max_bytes: int) -> bytes:
    data = file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ImageError(
            _(
                "The file is larger than %(size)s MB. Save the image smaller and upload it again.",
                size=max_bytes // (1024 * 1024),
            )
        )
    if not data:
        raise ImageError(_("The file is empty. Choose a PNG, JPEG or WebP image."))
    return data


def _decode(data: bytes, max_pixels: int) -> PIL.Image.Image:
    """The image decoded and upright, or ImageError; refuses bombs before decoding."""
    not_image = _("This file is not a PNG, JPEG or WebP image. Choose an image file.")
    with warnings.catch_warnings():
        # A DecompressionBombWarning is a refusal here, as is Pillow's own error.
        warnings.simplefilter("error", PIL.Image.DecompressionBombWarning)
        too_large = _(
            "The image has too many pixels: make it at most %(megapixels)s megapixels "
            "(width × height) and upload it again.",
            megapixels=format_decimal(max_pixels / 1_000_000),
        )
        try:
            # Reads the header only; Pillow refuses far too many pixels here already.
            image = PIL.Image.open(io.BytesIO(data), formats=FORMATS)
        except (PIL.Image.DecompressionBombError, PIL.Image.DecompressionBombWarning):
            raise ImageError(too_large) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise ImageError(not_image) from None
        width, height = image.size
        if width < 1 or height < 1 or width * height > max_pixels:
            raise ImageError(too_large)
        try:
            image.seek(0)  # an animation keeps its first frame
            image.load()
            upright = ImageOps.exif_transpose(image)
        except (OSError, SyntaxError, ValueError, EOFError, Warning):
            raise ImageError(
                _("The image file is damaged or incomplete. Save it again and upload it.")
            ) from None
    return upright if upright is not None else image


def _has_alpha(image: PIL.Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )


def _clean(image: PIL.Image.Image) -> PIL.Image.Image:
    """Only the pixels, in RGB or RGBA: no EXIF, ICC profile, text chunks or palette."""
    mode = "RGBA" if _has_alpha(image) else "RGB"
    converted = image.convert(mode)
    return PIL.Image.frombytes(mode, converted.size, converted.tobytes())


def _sized(image: PIL.Image.Image, size: str) -> PIL.Image.Image:
    box = SIZES[size]
    if size == "og":
        background = (255, 255, 255, 0) if image.mode == "RGBA" else (255, 255, 255)
        return ImageOps.pad(image, box, method=PIL.Image.Resampling.LANCZOS, color=background)
    copy = image.copy()
    copy.thumbnail(box, PIL.Image.Resampling.LANCZOS)
    return copy


def _encode(image: PIL.Image.Image, ext: str) -> bytes:
    out = io.BytesIO()
    if ext == "png":
        image.save(out, "PNG", optimize=True)
    else:
        image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return out.getvalue()


def _blob(data: bytes, ext: str) -> str:
    digest = hashlib.sha256(data).hexdigest()
    if db.session.get(MediaBlob, digest) is None:
        db.session.add(
            MediaBlob(hash=digest, content_type=CONTENT_TYPES[ext], size=len(data), data=data)
        )
    return digest


def store_image(file: IO[bytes]) -> Image:
    """Check an uploaded file, store its sizes and return its `Image` (the existing one when
    the same bytes were uploaded before). Raises ImageError (a DomainError, translated) and
    then stores nothing. The caller commits, with whatever row refers to the image."""
    max_bytes, max_pixels = _limits()
    data = _read(file, max_bytes)
    source_hash = hashlib.sha256(data).hexdigest()
    found = db.session.scalar(select(Image).where(Image.source_hash == source_hash))
    if found is not None:
        return found
    image = _clean(_decode(data, max_pixels))
    ext = "png" if image.mode == "RGBA" else "jpg"
    sized = {size: _sized(image, size) for size in SIZES}
    hashes = {f"{size}_hash": _blob(_encode(sized[size], ext), ext) for size in SIZES}
    db.session.flush()  # the blobs before the image that names them
    full = sized["full"]
    stored = Image(source_hash=source_hash, ext=ext, width=full.width, height=full.height, **hashes)
    db.session.add(stored)
    db.session.flush()
    return stored


def media_url(image: Image | None, size: str = "card", *, external: bool = False) -> str | None:
    """The URL of `image` at `size` (a key of SIZES), under the public address
    (PUBLIC_BASE_URL) when `external`; None for no image, so that templates can write
    `{% if media_url(fair.logo) %}`."""
    if image is None:
        return None
    path = url_for("media.serve", digest=image.blob_hash(size), ext=image.ext)
    return public_url(path) if external else path


def _references(column_of: str) -> list:
    """Every column of the schema that refers to `column_of` ("images.id"): found from the
    foreign keys, so media needs to know none of the packages that use it."""
    return [
        fk.parent
        for table in db.metadata.tables.values()
        for fk in table.foreign_keys
        if fk.target_fullname == column_of
    ]


def discard_if_unused(image: Image | None) -> bool:
    """Delete `image`, and the blobs no other image uses, when no row refers to it any more
    (a company erased, a logo removed): its bytes then stop being served. Call after the
    reference is gone (flushed). Whether it was deleted."""
    if image is None:
        return False
    db.session.flush()
    for column in _references("images.id"):
        used = select(column).where(column == image.id).limit(1)
        if db.session.scalar(used) is not None:
            return False
    hashes = {image.blob_hash(size) for size in SIZES}
    db.session.delete(image)
    db.session.flush()
    for digest in hashes:
        if not any(
            db.session.scalar(select(Image.id).where(getattr(Image, f"{size}_hash") == digest))
            for size in SIZES
        ):
            db.session.execute(delete(MediaBlob).where(MediaBlob.hash == digest))
    return True
