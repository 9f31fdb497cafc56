"""Uploading a company's logo and a fair's logo and cover through the pages, and where they
show: the profile, the catalogue's cards, the fair page and its Open Graph tags."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from fairplanner.accounts.models import Role
from fairplanner.catalogue.models import FairStatus
from fairplanner.i18n import minsk_today
from fairplanner.media.models import Image, MediaBlob
from fairplanner.media.services import store_image
from fairplanner.organizers.models import FairChange
from tests.media import images

EN = {"Accept-Language": "en"}


def stored(db):
    return (
        db.session.scalar(select(func.count()).select_from(Image)),
        db.session.scalar(select(func.count()).select_from(MediaBlob)),
    )


def multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    """A multipart body built here, in memory (the test client's own spools large files to
    temporary files it leaves open)."""
    boundary = "fairplanner-test-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    for name, (data, filename) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: image/png\r\n\r\n'.encode()
            + data
            + b"\r\n"
        )
    return b"".join([*parts, f"--{boundary}--\r\n".encode()]), (
        f"multipart/form-data; boundary={boundary}"
    )


def upload(client, url, data, name, field="logo-image", headers=EN, fields=None):
    body, content_type = multipart(fields or {}, {field: (data, name)})
    return client.post(url, data=body, content_type=content_type, headers=headers)


def test_a_company_uploads_replaces_and_removes_its_logo(client, db, member):
    response = upload(client, "/company/logo", images.png(), "logo.png")
    assert response.status_code == 302
    company = member.company
    assert company.logo is not None
    page = client.get("/company", headers=EN).get_data(as_text=True)
    assert f'src="/media/{company.logo.thumb_hash}.png"' in page
    assert "Replace" in page

    upload(client, "/company/logo", images.webp(), "logo.webp")
    db.session.refresh(company)
    assert company.logo.ext == "jpg"

    ask = client.post("/company/logo/remove", headers=EN)
    assert ask.status_code == 200
    assert "Remove the logo?" in ask.get_data(as_text=True)
    db.session.refresh(company)
    assert company.logo is not None  # nothing changes before the confirmation
    done = client.post("/company/logo/remove", data={"confirmed": "1"}, headers=EN)
    assert done.status_code == 302
    db.session.refresh(company)
    assert company.logo is None


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (images.HTML, "logo.png", "This file is not a PNG, JPEG or WebP image."),
        (images.bomb(), "bomb.png", "The image has too many pixels"),
    ],
    ids=["html-renamed-png", "decompression-bomb"],
)
def test_a_hostile_logo_is_refused_on_the_form_and_nothing_is_stored(
    client, db, member, data, name, message
):
    response = upload(client, "/company/logo", data, name)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert 'aria-invalid="true"' in page
    assert "Company profile" in page  # the whole page, with the profile form filled in
    assert f'value="{member.company.legal_name}"' in page.replace("&#34;", '"')
    db.session.refresh(member.company)
    assert member.company.logo is None
    assert stored(db) == (0, 0)


def test_the_refusal_is_in_russian_for_a_russian_reader(client, db, member):
    response = upload(client, "/company/logo", images.HTML, "logo.png", headers={})
    assert response.status_code == 422
    assert "Этот файл — не изображение PNG, JPEG или WebP." in response.get_data(as_text=True)
    assert stored(db) == (0, 0)


def test_no_file_chosen_is_a_clear_error(client, db, member):
    response = client.post("/company/logo", data={}, content_type="multipart/form-data", headers=EN)
    assert response.status_code == 422
    assert "Choose an image file" in response.get_data(as_text=True)


def test_a_50_mb_body_gets_the_413_page_and_nothing_is_stored(client, db, member):
    big = b"\x89PNG\r\n\x1a\n" + b"\x00" * (50 * 1024 * 1024)
    response = upload(client, "/company/logo", big, "huge.png")
    assert response.status_code == 413
    assert "Request too large" in response.get_data(as_text=True)
    assert stored(db) == (0, 0)


def test_a_file_over_the_image_limit_but_under_the_body_limit_is_refused_on_the_form(
    app, client, db, member, monkeypatch
):
    monkeypatch.setitem(app.config, "MEDIA_MAX_BYTES", 1024)
    response = upload(
        client, "/company/logo", images.png(size=(400, 400)) + b"\x00" * 2048, "a.png"
    )
    assert response.status_code == 422
    assert "The file is larger than" in response.get_data(as_text=True)
    assert stored(db) == (0, 0)


def test_an_upload_larger_than_the_app_wide_limit_passes_csrf(app, client, db, member, monkeypatch):
    """CSRF protection reads the form before the view: the upload's own limit must apply
    then already, not the app's 1 MB."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    page = client.get("/company").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    assert token
    padded = images.png() + b"\x00" * (2 * 1024 * 1024)  # PNG readers ignore what follows IEND
    response = upload(
        client, "/company/logo", padded, "logo.png", fields={"csrf_token": token.group(1)}
    )
    assert response.status_code == 302
    db.session.refresh(member.company)
    assert member.company.logo is not None


@pytest.fixture
def staff(factories, make_user, login_as, make_fair):
    fair = make_fair(status=FairStatus.PUBLISHED)
    user = login_as(make_user(role=Role.STAFF, organizer_id=fair.organizer_id))
    return user, fair


def test_a_fair_logo_and_cover_show_on_the_card_the_page_and_open_graph(
    app, client, db, staff, caching
):
    _user, fair = staff
    before = client.get("/", headers=EN).get_data(as_text=True)
    assert "fair-card-cover" not in before

    assert (
        upload(
            client, f"/organizer/fairs/{fair.slug}/images/logo", images.png(), "l.png", "logo-image"
        ).status_code
        == 302
    )
    assert (
        upload(
            client,
            f"/organizer/fairs/{fair.slug}/images/cover",
            images.jpeg_with_gps(),
            "c.jpg",
            "cover-image",
        ).status_code
        == 302
    )
    db.session.refresh(fair)
    assert fair.logo is not None
    assert fair.cover is not None

    client.get("/logout")
    card = client.get("/", headers=EN).get_data(as_text=True)  # the stored cards were renewed
    assert f'src="/media/{fair.cover.card_hash}.jpg"' in card
    assert f'src="/media/{fair.logo.thumb_hash}.png"' in card
    page = client.get(f"/fairs/{fair.slug}", headers=EN).get_data(as_text=True)
    assert f'src="/media/{fair.cover.page_hash}.jpg"' in page
    base = app.config["PUBLIC_BASE_URL"]  # shared links use the site's public address
    assert f'<meta property="og:image" content="{base}/media/{fair.cover.og_hash}.jpg">' in page
    assert f'content="{base}/fairs/{fair.slug}"' in page
    again = client.get(f"/fairs/{fair.slug}", headers=EN).get_data(as_text=True)
    assert again == page  # the page served from its stored blocks keeps the head


def test_fair_image_changes_are_logged_and_removal_asks_first(client, db, staff):
    _user, fair = staff
    url = f"/organizer/fairs/{fair.slug}/images/logo"
    upload(client, url, images.png(), "l.png")
    ask = client.post(f"{url}/remove", headers=EN)
    assert "Remove the logo?" in ask.get_data(as_text=True)
    db.session.refresh(fair)
    assert fair.logo is not None
    client.post(f"{url}/remove", data={"confirmed": "1"}, headers=EN)
    db.session.refresh(fair)
    assert fair.logo is None
    actions = db.session.scalars(
        select(FairChange.changes)
        .where(FairChange.fair_id == fair.id, FairChange.action == "image changed")
        .order_by(FairChange.id)
    ).all()
    assert [list(c) for c in actions] == [["logo"], ["logo"]]
    assert actions[0]["logo"][0] is None
    assert actions[1]["logo"][1] is None
    log = client.get(f"/organizer/fairs/{fair.slug}/log", headers=EN).get_data(as_text=True)
    assert "Logo uploaded" in log
    assert "Logo removed" in log


def test_a_hostile_cover_is_refused_on_the_edit_page(client, db, staff):
    _user, fair = staff
    response = upload(
        client, f"/organizer/fairs/{fair.slug}/images/cover", images.HTML, "c.png", "cover-image"
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "This file is not a PNG, JPEG or WebP image." in page
    assert f'value="{fair.slug}"' in page  # the fair's form, as saved
    assert stored(db) == (0, 0)


def test_another_organizers_fair_takes_no_image(client, db, make_fair, make_user, login_as):
    fair = make_fair(status=FairStatus.PUBLISHED)
    other = make_fair(status=FairStatus.PUBLISHED, organizer="minskexpo")
    login_as(make_user(role=Role.STAFF, organizer_id=fair.organizer_id))
    response = upload(client, f"/organizer/fairs/{other.slug}/images/logo", images.png(), "l.png")
    assert response.status_code == 404
    assert stored(db) == (0, 0)


def test_cards_with_images_take_no_statement_per_fair(app, client, db, make_fair, count_queries):
    """The list loads every card's logo and cover with the fairs (joined), not one by one."""
    today = minsk_today()
    make_fair(slug="one", starts_on=today + timedelta(days=1))
    with count_queries() as plain:
        client.get("/")
    with app.test_request_context():
        for i in range(12):
            fair = make_fair(slug=f"pictured-{i}", starts_on=today + timedelta(days=2 + i))
            fair.logo = store_image(io.BytesIO(images.png(color=(i, 10, 10, 255))))
            fair.cover = store_image(io.BytesIO(images.webp(color=(10, i, 10))))
    db.session.commit()
    with count_queries() as pictured:
        page = client.get("/").get_data(as_text=True)
    assert page.count('class="fair-card-logo"') == 12
    assert page.count('class="fair-card-cover"') == 12
    assert pictured.count == plain.count, pictured.statements
    with count_queries() as without:
        client.get("/fairs/one")
    with count_queries() as with_images:
        assert "fair-cover" in client.get("/fairs/pictured-3").get_data(as_text=True)
    assert with_images.count == without.count, with_images.statements
