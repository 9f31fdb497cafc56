"""/media/<sha256>.<ext>: stored image bytes, cached for a year (the URL changes with them)."""

from __future__ import annotations

import re

from flask import Blueprint, Response, abort, request
from sqlalchemy import select

from fairplanner.extensions import db
from fairplanner.media.models import CONTENT_TYPES, MediaBlob

bp = Blueprint("media", __name__)
DIGEST = re.compile(r"[0-9a-f]{64}")
YEAR = 365 * 24 * 3600


@bp.get("/media/<digest>.<ext>")
def serve(digest: str, ext: str) -> Response:
    content_type = CONTENT_TYPES.get(ext)
    if content_type is None or not DIGEST.fullmatch(digest):
        abort(404)
    headers = {
        "Cache-Control": f"public, max-age={YEAR}, immutable",
        "X-Content-Type-Options": "nosniff",
    }
    if request.if_none_match.contains(digest):
        # The bytes of a hash never change: no need to read them to answer "not modified".
        exists = db.session.scalar(select(MediaBlob.content_type).where(MediaBlob.hash == digest))
        if exists == content_type:
            response = Response(status=304, headers=headers)
            response.set_etag(digest)
            return response
    blob = db.session.get(MediaBlob, digest)
    if blob is None or blob.content_type != content_type:
        abort(404)
    response = Response(blob.data, mimetype=content_type, headers=headers)
    response.headers["Content-Disposition"] = "inline"
    response.set_etag(digest)
    return response
