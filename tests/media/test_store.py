"""fairplanner.media: what is stored of an upload, and what is refused."""

from __future__ import annotations

import io

import PIL.Image
import pytest
from sqlalchemy import func, select

from fairplanner.media.models import SIZES, Image, MediaBlob
from fairplanner.media.services import ImageError, media_url, store_image
from tests.media import images


def counts(db):
    return (
        db.session.scalar(select(func.count()).select_from(Image)),
        db.session.scalar(select(func.count()).select_from(MediaBlob)),
    )


def blob(db, image, size):
    return db.session.get(MediaBlob, image.blob_hash(size))


def test_a_png_is_stored_once_at_every_size(app, db):
    with app.test_request_context():
        first = store_image(io.BytesIO(images.png()))
        stored = counts(db)
        again = store_image(io.BytesIO(images.png()))
    assert again.id == first.id
    assert counts(db) == stored == (1, stored[1])
    assert first.ext == "png"  # transparency kept
    assert (first.width, first.height) == (64, 48)
    og = PIL.Image.open(io.BytesIO(blob(db, first, "og").data))
    assert og.size == SIZES["og"]
    assert og.format == "PNG"


@pytest.mark.parametrize("make", [images.png, images.webp, images.jpeg_with_gps])
def test_every_accepted_format_is_re_encoded(app, db, make):
    with app.test_request_context():
        image = store_image(io.BytesIO(make()))
        url = media_url(image, "card")
    data = blob(db, image, "full").data
    assert data != make()  # never served as uploaded
    assert PIL.Image.open(io.BytesIO(data)).format == ("PNG" if image.ext == "png" else "JPEG")
    assert url == f"/media/{image.card_hash}.{image.ext}"


def test_exif_and_gps_are_gone_and_the_photo_is_upright(app, db):
    upload = images.jpeg_with_gps(size=(40, 20), orientation=6)
    assert b"SecretCam" in upload
    assert PIL.Image.open(io.BytesIO(upload)).getexif().get_ifd(images.GPS_IFD)
    with app.test_request_context():
        image = store_image(io.BytesIO(upload))
    assert (image.width, image.height) == (20, 40)  # turned as the camera said
    for size in SIZES:
        data = blob(db, image, size).data
        assert b"SecretCam" not in data
        assert b"Exif" not in data
        served = PIL.Image.open(io.BytesIO(data))
        assert not served.getexif()
        assert "exif" not in served.info


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (images.HTML, "not a PNG, JPEG or WebP image"),
        (b"GIF89a" + b"\x00" * 40, "not a PNG, JPEG or WebP image"),
        (images.bomb(), "too many pixels"),
        (images.png()[:60], "damaged or incomplete"),
        (b"", "empty"),
    ],
    ids=["html-renamed-png", "gif", "decompression-bomb", "truncated", "empty"],
)
def test_hostile_uploads_are_refused_and_nothing_is_stored(app, db, data, message):
    with (
        app.test_request_context(headers={"Accept-Language": "en"}),
        pytest.raises(ImageError) as refused,
    ):
        store_image(io.BytesIO(data))
    assert message in refused.value.message
    assert counts(db) == (0, 0)


def test_the_byte_limit_is_read_from_the_config(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "MEDIA_MAX_BYTES", 1024 * 1024)
    noise = PIL.Image.frombytes("RGB", (800, 800), bytes(range(256)) * 7500)
    out = io.BytesIO()
    noise.save(out, "PNG", compress_level=0)
    assert out.tell() > 1024 * 1024
    with (
        app.test_request_context(headers={"Accept-Language": "en"}),
        pytest.raises(ImageError, match="larger than 1 MB"),
    ):
        store_image(io.BytesIO(out.getvalue()))
    assert counts(db) == (0, 0)


def test_the_pixel_limit_is_checked_before_decoding(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "MEDIA_MAX_PIXELS", 1000)
    with (
        app.test_request_context(headers={"Accept-Language": "en"}),
        pytest.raises(ImageError, match=r"too many pixels: make it at most 0\.001 megapixels"),
    ):
        store_image(io.BytesIO(images.png()))
    assert counts(db) == (0, 0)


def test_the_served_file_has_long_caching_its_type_and_an_etag(app, db, client):
    with app.test_request_context():
        image = store_image(io.BytesIO(images.jpeg_with_gps()))
        url = media_url(image, "thumb")
    db.session.commit()
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/jpeg"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["ETag"] == f'"{image.thumb_hash}"'
    assert response.data == blob(db, image, "thumb").data
    again = client.get(url, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_unknown_hashes_and_wrong_extensions_are_404(app, db, client):
    with app.test_request_context():
        image = store_image(io.BytesIO(images.png()))
    db.session.commit()
    assert client.get(f"/media/{'0' * 64}.png").status_code == 404
    assert client.get(f"/media/{image.card_hash}.jpg").status_code == 404
    assert client.get(f"/media/{image.card_hash[:-1]}.png").status_code == 404
    assert client.get(f"/media/{image.card_hash.upper()}.png").status_code == 404
    assert client.get(f"/media/{image.card_hash}.png").status_code == 200


def test_an_image_nothing_refers_to_is_discarded_with_its_blobs(app, db, factories):
    from fairplanner.accounts.services import set_company_logo

    company = factories.company()
    fair = factories.fair()
    with app.test_request_context():
        shared = store_image(io.BytesIO(images.png()))
        own = store_image(io.BytesIO(images.webp()))
    set_company_logo(company, shared)
    fair.logo = shared
    db.session.flush()
    set_company_logo(company, own)  # the fair still shows the first one: it stays
    assert db.session.get(Image, shared.id) is not None
    fair.logo = None
    db.session.flush()
    from fairplanner.media.services import discard_if_unused

    assert discard_if_unused(shared)
    assert counts(db)[0] == 1
    assert db.session.get(MediaBlob, shared.og_hash) is None
    assert db.session.get(MediaBlob, own.og_hash) is not None
    set_company_logo(company, None)  # removed: nothing refers to it, its URL stops working
    assert counts(db) == (0, 0)


@pytest.mark.parametrize("history", [False, True], ids=["deleted", "tombstone"])
def test_an_erased_company_keeps_no_logo(app, db, factories, make_user, history):
    """The anonymised row organizers keep (or the deleted one) shows no logo, and the logo's
    URL stops answering: it would say whose the row was."""
    from fairplanner.accounts.services import set_company_logo
    from fairplanner.erasure import services as erasure
    from fairplanner.i18n import minsk_today
    from fairplanner.registrations.models import Registration, RegistrationRole

    company = factories.company()
    user = make_user(company=company)
    if history:
        factories._save(
            Registration(fair=factories.fair(), company=company, role=RegistrationRole.VISITOR)
        )
    with app.test_request_context():
        set_company_logo(company, store_image(io.BytesIO(images.png())))
        erasure.delete_company(company, actor=user, today=minsk_today())
    db.session.flush()
    assert counts(db) == (0, 0)
    if history:
        assert company.logo_id is None
