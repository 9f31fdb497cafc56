"""Uploaded images: checked, re-encoded, resized and served by content hash. Knows no domain.

Storage is a database table of blobs keyed by the SHA-256 of their bytes (`MediaBlob`), and
an `Image` per distinct upload that names the blobs of its sizes. The database, not a local
directory: every app server already shares it (a file written by one gunicorn host would be
missing on the others), it is in the backups and the restore drills with everything else, an
upload and the row that uses it commit or roll back together (no orphan files after a failed
save, no row naming a file that never got written), and there is no second service (S3 or a
shared volume) to run for a catalogue's worth of logos and covers — a few hundred kilobytes
per image after re-encoding, bounded by MEDIA_MAX_BYTES and MEDIA_MAX_PIXELS. The URL holds
the content hash (`/media/<sha256>.<ext>`), so the bytes behind a URL never change: browsers
and any CDN or nginx cache in front keep them for a year (`immutable`) and the database is
read once per file per cache. Should the volume outgrow the database, `MediaBlob` is the one
place to swap for an object store; the URLs and the API stay.

The API other packages use (`services.store_image`, `Image`, and `media_url(image, size)` in
templates) is generic: what an image is for (a company logo, a fair cover, a hall plan) is
the business of the row that refers to it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """Serve /media/… and give templates `media_url`."""
    from fairplanner.media.services import media_url
    from fairplanner.media.views import bp

    app.register_blueprint(bp)
    app.jinja_env.globals["media_url"] = media_url
