"""The upload form every image field uses (one file per form)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField


class ImageUploadForm(FlaskForm):
    image = FileField(_l("Image (PNG, JPEG or WebP, at most 5 MB)"))
