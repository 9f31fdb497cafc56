"""The page checkers themselves: a watched page fails on a bad document and passes a good one."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser import checks

pytestmark = pytest.mark.browser

GOOD = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Good</title></head>
<body><main><h1>Good</h1><p>Nothing wrong here.</p></main></body></html>"""

# vnu: a <form> inside a <p>, a duplicate id, no alt; axe: an image without a text alternative.
BAD = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Bad</title></head>
<body><main><h1>Bad</h1>
<p><form method="post"><input type="hidden" id="t" name="t"><button>Go</button></form></p>
<input type="hidden" id="t" name="u">
<img src="/static/img/favicon.svg">
</main></body></html>"""


REQUIRED_SELECT = "The first “option” element in a “select” element with a “required” attribute"


def serve(page: Any, url: str, html: str) -> None:
    page.route(
        url,
        lambda route: route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html),
    )


def test_a_watched_page_fails_on_the_next_call_after_a_bad_document(live: Any, chromium: Any):
    context = chromium.new_context()
    page = context.new_page()
    serve(page, f"{live.url}/checks/bad", BAD)
    page.goto(f"{live.url}/checks/bad")
    with pytest.raises(AssertionError) as failure:
        page.locator("h1").text_content()
    message = str(failure.value)
    assert "/checks/bad" in message
    assert "No “p” element in scope but a “p” end tag seen" in message
    assert "Duplicate ID “t”" in message
    assert "axe image-alt (critical)" in message
    context.close()  # nothing left to check: it closes without a second failure


def test_a_watched_page_passes_a_good_document_and_keeps_the_csp(live: Any, chromium: Any):
    context = chromium.new_context()
    page = context.new_page()
    serve(page, f"{live.url}/checks/good", GOOD)
    page.goto(f"{live.url}/checks/good")
    page.goto(live.url + "/")  # checks the good page, then the catalogue at the next call
    assert page.locator("h1").count() == 1
    reports = page.a11y.reports
    assert [r.path for r in reports] == ["/checks/good", "/"]
    assert all(r.findings == [] for r in reports)
    # axe ran without loosening the policy: an inline script is still refused.
    assert (
        page.evaluate(
            """() => { const s = document.createElement("script");
                   s.textContent = "window.inlineRan = true";
                   document.head.append(s); return window.inlineRan === true; }"""
        )
        is False
    )
    context.close()


def test_the_close_of_a_context_checks_the_page_it_showed_last(live: Any, chromium: Any):
    context = chromium.new_context()
    page = context.new_page()
    serve(page, f"{live.url}/checks/bad", BAD)
    page.goto(f"{live.url}/checks/bad")
    with pytest.raises(AssertionError, match="axe image-alt"):
        context.close()


def test_vnu_tells_errors_from_warnings(checkers: checks.Checkers):
    errors, warnings = checkers.vnu.check(BAD.encode())
    assert len(errors) == 3  # the <p>, the id, the image's missing alt
    assert any("The first occurrence of ID “t” was here" in w for w in warnings)
    assert checkers.vnu.check(GOOD.encode()) == ([], [])


@pytest.mark.parametrize(
    ("path", "finding", "excused"),
    [
        ("/organizer/fairs/new", f"vnu: {REQUIRED_SELECT} without a “multiple” attribute", True),
        ("/organizer/fairs/new", "vnu: Duplicate ID “csrf_token”.", False),
        ("/fairs/new", f"vnu: {REQUIRED_SELECT} without a “multiple” attribute", False),
    ],
)
def test_known_violations_excuse_only_their_finding_on_their_pages(
    monkeypatch: pytest.MonkeyPatch, path: str, finding: str, excused: bool
):
    known = checks.Known(r"^/organizer/fairs/new$", REQUIRED_SELECT, "a placeholder choice")
    monkeypatch.setattr(checks, "KNOWN_VIOLATIONS", [known])
    report = checks.Report(url=f"http://127.0.0.1{path}", vnu_errors=[finding])
    assert (report.unexpected() == []) is excused
    assert (checks.known_for(path) == [known]) is path.startswith("/organizer")
