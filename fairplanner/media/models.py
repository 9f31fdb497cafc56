"""Stored image bytes (content-addressed blobs) and the uploads that use them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from fairplanner.db import UTCDateTime, utcnow
from fairplanner.extensions import db

# The sizes made of every upload, as (width, height) boxes. Each fits the image inside its box
# without enlarging it, except "og", which is exactly 1200×630 (Open Graph's preview: the
# image is scaled to fit and padded with white).
SIZES: dict[str, tuple[int, int]] = {
    "full": (2000, 2000),  # the largest kept; the original upload is never kept
    "page": (960, 540),  # the fair page's cover, a company page's logo
    "card": (400, 240),  # catalogue cards
    "thumb": (160, 160),  # logos in lists and forms
    "og": (1200, 630),
}
CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg"}


class MediaBlob(db.Model):
    """Bytes served at /media/<hash>.<ext>: the hash is the SHA-256 of `data`, so a blob is
    stored once however many images (or sizes) share it, and never changes."""

    __tablename__ = "media_blobs"

    hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Image(db.Model):
    """One distinct upload (by the SHA-256 of the bytes sent: the same file uploaded twice is
    one row) and the blobs of its sizes, all in one format (`ext`)."""

    __tablename__ = "images"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_hash: Mapped[str] = mapped_column(String(64), unique=True)
    ext: Mapped[str] = mapped_column(String(4))
    # Of the "full" size, after the EXIF orientation was applied.
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    full_hash: Mapped[str] = mapped_column(ForeignKey("media_blobs.hash"))
    page_hash: Mapped[str] = mapped_column(ForeignKey("media_blobs.hash"))
    card_hash: Mapped[str] = mapped_column(ForeignKey("media_blobs.hash"))
    thumb_hash: Mapped[str] = mapped_column(ForeignKey("media_blobs.hash"))
    og_hash: Mapped[str] = mapped_column(ForeignKey("media_blobs.hash"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def blob_hash(self, size: str) -> str:
        if size not in SIZES:
            raise ValueError(f"unknown image size {size!r}")
        return getattr(self, f"{size}_hash")
