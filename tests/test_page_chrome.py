"""The page chrome of base.html (head, header links, language switch, footer) is rendered once
per language and page and kept (fairplanner.chrome); what belongs to the reader (name, company
links, CSRF token, flashes, the verify banner, the "next" address) is rendered per request.
Every page must be the same, byte for byte, as base.html rendered in full."""

from __future__ import annotations

import difflib
import re
from typing import Any

import pytest

from fairplanner.accounts.models import Role

CSRF = re.compile(r'(name="csrf_token"(?: type="hidden")? value=")[^"]+"')
CSRF_VALUE = re.compile(r'name="csrf_token" value="([^"]+)"')
READERS = ["anonymous", "member", "unverified", "staff", "admin-with-company"]
LANGS = ["ru", "en"]


def reader_client(app: Any, make_user: Any, who: str) -> Any:
    client = app.test_client()
    user = None
    if who == "member":
        user = make_user()
    elif who == "unverified":
        user = make_user(email_verified_at=None)
    elif who == "staff":
        user = make_user(role=Role.STAFF)
    elif who == "admin-with-company":
        user = make_user(role=Role.ADMIN)
    if user is not None:
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
    return client


def page_paths(fair: Any) -> list[str]:
    return [
        "/",
        "/?sector=food&q=%3Cb%3E",
        f"/fairs/{fair.slug}",
        f"/calendar/{fair.starts_on.year}/{fair.starts_on.month}",
        "/login?next=/my/fairs",
        "/signup",
        "/my/fairs",
        "/company",
        "/account/password",
        "/organizer/",
        "/privacy",
        "/no-such-page",
    ]


def difference(one: str, other: str) -> str:
    lines = difflib.unified_diff(one.splitlines(), other.splitlines(), lineterm="", n=1)
    return "\n".join(list(lines)[:20])


def rendered(client: Any, path: str) -> tuple[int, str]:
    response = client.get(path)
    return response.status_code, CSRF.sub(r'\1"', response.get_data(as_text=True))


@pytest.mark.parametrize("who", READERS)
def test_pages_with_kept_chrome_are_byte_identical_to_full_rendering(
    app, db, make_user, make_fair, monkeypatch, who
):
    fair = make_fair()
    client = reader_client(app, make_user, who)
    for lang in LANGS:
        client.set_cookie("lang", lang)
        # The same requests in the same order (a redirect's flash shows on the next page):
        # base.html in full, then with the chrome kept, then reusing what was kept.
        passes = []
        for kept in (False, True, True):
            monkeypatch.setitem(app.config, "TEMPLATE_CHROME", kept)
            passes.append([rendered(client, path) for path in page_paths(fair)])
        full = passes[0]
        for again in passes[1:]:
            for path, one, other in zip(page_paths(fair), full, again, strict=True):
                assert other == one, (lang, path, difference(one[1], other[1]))


@pytest.mark.usefixtures("caching")
def test_kept_chrome_spares_the_translations(app, db, make_user, make_fair, monkeypatch):
    """With the page's blocks stored and its chrome kept, a signed-in page looks up only the
    reader's own strings ("Log out"); base.html in full looks up twenty-odd."""
    from fairplanner import i18n

    fair = make_fair()
    client = reader_client(app, make_user, "member")
    path = f"/calendar/{fair.starts_on.year}/{fair.starts_on.month}"
    client.get(path)
    calls = []
    real = i18n.template_translations
    monkeypatch.setattr(i18n, "template_translations", lambda: calls.append(1) or real())
    assert client.get(path).status_code == 200
    kept_calls = len(calls)
    monkeypatch.setitem(app.config, "TEMPLATE_CHROME", False)
    calls.clear()
    assert client.get(path).status_code == 200
    assert kept_calls <= 2 < len(calls), (kept_calls, len(calls))


def test_each_language_keeps_its_own_chrome(app, db, make_user, make_fair):
    client = reader_client(app, make_user, "anonymous")
    client.set_cookie("lang", "en")
    assert "Skip to content" in client.get("/signup").get_data(as_text=True)
    client.set_cookie("lang", "ru")
    page = client.get("/signup").get_data(as_text=True)
    assert "Перейти к содержимому" in page
    assert "Skip to content" not in page


def catalogue_paths(fair: Any) -> list[str]:
    return [
        "/",
        "/?sector=food&q=%3Cb%3E",
        f"/fairs/{fair.slug}",
        f"/calendar/{fair.starts_on.year}/{fair.starts_on.month}",
    ]


@pytest.mark.usefixtures("caching")
@pytest.mark.parametrize("who", READERS)
def test_pages_around_stored_blocks_are_byte_identical_to_full_rendering(
    app, db, make_user, make_fair, monkeypatch, who
):
    """The catalogue's pages come from stored blocks in a kept frame (fairplanner.chrome.
    page_frame) once visited: the same bytes as base.html rendered in full around them, with
    the reader's flashed messages (escaped) and the page's own "next" address."""
    monkeypatch.setitem(app.extensions, "chrome", {})
    fair = make_fair()
    client = reader_client(app, make_user, who)
    for lang in LANGS:
        client.set_cookie("lang", lang)
        for path in catalogue_paths(fair):
            client.get(path)  # stores the page's blocks
            pages = []
            for kept in (False, True, True):
                monkeypatch.setitem(app.config, "TEMPLATE_CHROME", kept)
                with client.session_transaction() as session:
                    session["_flashes"] = [("info", "Сохранено <b>&</b>")]
                pages.append(rendered(client, path))
            assert pages[1] == pages[0], (lang, path, difference(pages[0][1], pages[1][1]))
            assert pages[2] == pages[0], (lang, path, difference(pages[0][1], pages[2][1]))
            assert "Сохранено &lt;b&gt;&amp;&lt;/b&gt;" in pages[0][1]
    frames = [v for k, v in app.extensions["chrome"].items() if k[0] == "frame"]
    assert len(frames) == 2 * len(catalogue_paths(fair)) - 2  # the two searches share one
    assert all(frames), "a page fell back to full rendering"


@pytest.mark.usefixtures("caching")
def test_readers_of_one_kind_share_a_frame_but_see_their_own_values(
    app, db, make_user, make_fair, monkeypatch
):
    monkeypatch.setitem(app.extensions, "chrome", {})
    fair = make_fair()
    one, other = make_user(email="one@vyatka.example"), make_user(email="two@vyatka.example")
    pages = {}
    for user in (one, other, one):
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
        response = client.get(f"/fairs/{fair.slug}")
        pages[user.email] = page = response.get_data(as_text=True)
        assert user.email in page
        assert f'value="/fairs/{fair.slug}"' in page
    assert "two@vyatka.example" not in pages["one@vyatka.example"]
    assert "one@vyatka.example" not in pages["two@vyatka.example"]
    tokens = [CSRF_VALUE.search(page).group(1) for page in pages.values()]
    assert len(set(tokens)) == 2
    frames = [v for k, v in app.extensions["chrome"].items() if k[0] == "frame"]
    assert len(frames) == 1
    assert frames[0]
