"""The checkers the browser tests run on every page they visit.

- The Nu HTML checker (vnu.jar, the W3C validator) on the HTML as the server sent it, not the
  DOM: it runs once per test session as a local HTTP service (`Vnu`) and each document is
  POSTed to it. Its errors fail the test; its warnings are listed, they do not fail.
- axe-core on the rendered page (`axe_violations`): every violation fails the test.

Both come from the npm packages pinned in tests/browser/package.json, installed by
`make browser` (scripts/install-checkers.sh) into tests/browser/node_modules.

axe is put into the page with `page.evaluate`, which runs through the DevTools protocol and is
not subject to the page's Content-Security-Policy. So the contexts keep the strict CSP (no
`bypass_csp`): a `<script>` tag added with `add_script_tag` would be refused by it, and
bypassing the CSP would hide the very violations the console check catches.

`watch_page` makes a page check each HTML document it loads before the test acts on the next
one (any call on the page object), and when its context closes: a browser test thus checks
every page it visits without a line of its own.
"""

from __future__ import annotations

import functools
import hashlib
import http.client
import json
import re
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Error as PlaywrightError

from tests.notifications.conftest import free_port

CHECKERS_DIR = Path(__file__).with_name("node_modules")
VNU_JAR = CHECKERS_DIR / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = CHECKERS_DIR / "axe-core" / "axe.min.js"
INSTALL_HINT = "`make browser` installs them (sh scripts/install-checkers.sh)"


@dataclass(frozen=True)
class Known:
    """A violation in a page that is being fixed elsewhere: tolerated until its fix lands."""

    path: str  # a regular expression searched in the URL's path
    finding: str  # a piece of the finding's text
    reason: str


# Violations tolerated for now, each with the change that removes it. The every-page test
# marks the pages they concern as expected failures (strict: it fails once they are fixed,
# so that the entry is removed); the other browser tests ignore these findings.
_CSRF = "Duplicate ID “csrf_token”"
_CSRF_FIX = "use forms.csrf() (templates/_macros/forms.html) instead of hidden_tag()/csrf_token"
KNOWN_VIOLATIONS: list[Known] = []


def missing_checkers() -> list[str]:
    """What the checkers need and this machine does not have."""
    missing = []
    if shutil.which("java") is None:
        missing.append("java (Debian: default-jre-headless)")
    if not VNU_JAR.is_file():
        missing.append(f"vnu.jar ({VNU_JAR})")
    if not AXE_JS.is_file():
        missing.append(f"axe-core ({AXE_JS})")
    return missing


@dataclass
class Report:
    """What both checkers found on one document."""

    url: str
    vnu_errors: list[str] = field(default_factory=list)
    vnu_warnings: list[str] = field(default_factory=list)
    axe: list[str] = field(default_factory=list)

    @property
    def path(self) -> str:
        return urlsplit(self.url).path

    @property
    def findings(self) -> list[str]:
        return self.vnu_errors + self.axe

    def unexpected(self) -> list[str]:
        """The findings that no entry of KNOWN_VIOLATIONS excuses."""
        return [f for f in self.findings if not known_for(self.path, f)]

    def describe(self, findings: list[str] | None = None) -> str:
        shown = self.findings if findings is None else findings
        lines = [f"{len(shown)} violation(s) on {self.url}:"]
        lines += [f"  - {f}" for f in shown]
        return "\n".join(lines)


def known_for(path: str, finding: str | None = None) -> list[Known]:
    """The KNOWN_VIOLATIONS entries for a path (and a finding, when given)."""
    return [
        k
        for k in KNOWN_VIOLATIONS
        if re.search(k.path, path) and (finding is None or k.finding in finding)
    ]


class Vnu:
    """The Nu HTML checker as a local HTTP service, started once for the test session."""

    def __init__(self, log_path: Path) -> None:
        java = shutil.which("java")
        if java is None or not VNU_JAR.is_file():
            raise RuntimeError(f"the Nu HTML checker cannot run: {', '.join(missing_checkers())}")
        self.port = free_port()
        self.log_path = log_path
        self._log = log_path.open("wb")
        # The schema is deeply recursive: the default stack of the main thread overflows.
        self._process = subprocess.Popen(
            [
                java,
                "-Xss8m",
                "-Xmx1g",
                "-Dnu.validator.servlet.bind-address=127.0.0.1",
                "-cp",
                str(VNU_JAR),
                "nu.validator.servlet.Main",
                str(self.port),
            ],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        self._ready = False

    def _request(self, method: str, body: bytes | None = None) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            headers = {"User-Agent": "fairplanner-tests"}  # the service wants one
            if body is not None:
                headers["Content-Type"] = "text/html; charset=utf-8"
            connection.request(method, "/?out=json", body=body, headers=headers)
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def wait_ready(self, timeout: float = 120) -> None:
        """Wait until the service answers (a few seconds: it loads its schemas first)."""
        if self._ready:
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(
                    f"the Nu HTML checker stopped (exit {self._process.returncode}): "
                    + self.log_path.read_text(errors="replace")[-2000:]
                )
            try:
                self._request("GET")  # any answer: the service is up (a GET is a 400 to it)
            except OSError:
                time.sleep(0.2)
                continue
            self._ready = True
            return
        raise RuntimeError(f"the Nu HTML checker did not answer within {timeout:.0f} s")

    def check(self, html: bytes) -> tuple[list[str], list[str]]:
        """(errors, warnings) for one HTML document, as readable lines."""
        self.wait_ready()
        status, body = self._request("POST", html)
        if status != 200:
            raise RuntimeError(f"the Nu HTML checker answered {status}: {body[:500]!r}")
        errors, warnings = [], []
        for message in json.loads(body)["messages"]:
            kind = message.get("type")
            line = _vnu_line(message)
            if kind in ("error", "non-document-error"):
                errors.append(line)
            elif kind == "info" and message.get("subType") == "warning":
                warnings.append(line)
        return errors, warnings

    def close(self) -> None:
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=10)
        self._log.close()


def _vnu_line(message: dict[str, Any]) -> str:
    extract = " ".join(message.get("extract", "").split())
    where = f"line {message['lastLine']}" if "lastLine" in message else "document"
    return f"vnu: {message.get('message', '')} [{where}: {extract}]"


AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(n => n.target.join(" ")),
  }));
}"""


def axe_violations(page: Any, evaluate: Callable[..., Any] | None = None) -> list[str]:
    """axe-core's violations on the page as it is rendered now, one line per rule."""
    evaluate = evaluate or page.evaluate
    if not evaluate("() => typeof window.axe === 'object'"):
        evaluate(_axe_source())
    lines = []
    for v in evaluate(AXE_RUN):
        targets = ", ".join(v["targets"][:5]) + (" …" if len(v["targets"]) > 5 else "")
        lines.append(f"axe {v['id']} ({v['impact']}): {v['help']} [{targets}]")
    return lines


@functools.cache
def _axe_source() -> str:
    # A function body, so that evaluate runs it once as a script and axe sets window.axe.
    return "() => {\n" + AXE_JS.read_text(encoding="utf-8") + "\n}"


# Per-request values that do not change what the checkers see.
_VOLATILE = re.compile(rb'(name="csrf_token"[^>]*?value=")[^"]*"')


class Checkers:
    """Both checkers for a test session, remembering the documents already checked."""

    def __init__(self, vnu: Vnu) -> None:
        self.vnu = vnu
        self._vnu_seen: dict[bytes, tuple[list[str], list[str]]] = {}
        self._axe_seen: dict[tuple[bytes, str], list[str]] = {}

    def check(
        self, page: Any | None, html: bytes, url: str, evaluate: Callable[..., Any] | None = None
    ) -> Report:
        """Check a document: `html` as served, and `page` (if given) showing it rendered now."""
        key = hashlib.sha256(_VOLATILE.sub(rb"\1", html)).digest()
        if key not in self._vnu_seen:
            self._vnu_seen[key] = self.vnu.check(html)
        errors, warnings = self._vnu_seen[key]
        axe: list[str] = []
        if page is not None:
            viewport = page.viewport_size or {}
            axe_key = (key, f"{viewport.get('width')}x{viewport.get('height')}")
            if axe_key not in self._axe_seen:
                self._axe_seen[axe_key] = axe_violations(page, evaluate)
            axe = self._axe_seen[axe_key]
        return Report(url, list(errors), list(warnings), list(axe))


# The page methods after which a test may act on what a navigation brought: calling one
# first checks the documents loaded since the last check.
_ACTIONS = (
    *("goto", "reload", "go_back", "go_forward", "set_content", "close", "content", "title"),
    *("click", "dblclick", "fill", "type", "press", "check", "uncheck", "select_option"),
    *("set_input_files", "hover", "tap", "focus", "locator", "frame_locator"),
    *("get_by_role", "get_by_label", "get_by_text", "get_by_placeholder", "get_by_title"),
    *("get_by_alt_text", "get_by_test_id", "inner_text", "text_content", "input_value"),
    *("get_attribute", "evaluate", "evaluate_handle", "screenshot", "pdf", "wait_for_selector"),
    *("wait_for_url", "wait_for_load_state", "expect_navigation", "expect_download"),
    *("expect_response", "expect_popup"),
)


class PageWatch:
    """Checks every HTML document a page loads (see the module's docstring)."""

    def __init__(self, page: Any, checkers: Checkers, *, script: bool = True) -> None:
        self.page = page
        self.checkers = checkers
        # axe runs in the page: with script disabled, evaluate never returns, so only vnu checks.
        self.script = script
        self.pending: list[Any] = []
        self.reports: list[Report] = []
        cls = type(page)
        self._evaluate = functools.partial(cls.evaluate, page)
        self._wait_for_load_state = functools.partial(cls.wait_for_load_state, page)
        page.on("response", self._on_response)
        for name in _ACTIONS:
            setattr(page, name, self._before(getattr(cls, name)))
        page.a11y = self

    def _on_response(self, response: Any) -> None:
        # Only remembered here: the checks run when the test next calls the page.
        request = response.request
        try:
            frame = request.frame
        except PlaywrightError:  # a service worker's request: no frame
            return
        if (
            request.is_navigation_request()
            and frame == self.page.main_frame
            and not 300 <= response.status < 400
            and "text/html" in response.headers.get("content-type", "")
        ):
            self.pending.append(response)

    def _before(self, method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def call(*args: Any, **kwargs: Any) -> Any:
            self.flush()
            return method(self.page, *args, **kwargs)

        return call

    def flush(self) -> None:
        """Check the documents loaded since the last check; fail on unexpected violations."""
        if not self.pending or self.page.is_closed():
            self.pending = []
            return
        responses, self.pending = self.pending, []
        self._wait_for_load_state("load")
        failures = []
        for i, response in enumerate(responses):
            current = i == len(responses) - 1
            try:
                html = response.body()
            except PlaywrightError:  # a document left long ago: its body is gone
                continue
            report = self.checkers.check(
                self.page if current and self.script else None, html, response.url, self._evaluate
            )
            self.reports.append(report)
            if unexpected := report.unexpected():
                failures.append(report.describe(unexpected))
        if failures:
            raise AssertionError(
                "the page checkers (vnu, axe-core) found violations:\n" + "\n".join(failures)
            )


def watch_context(context: Any, checkers: Checkers, *, script: bool = True) -> Any:
    """Make the context's new pages check what they load, and check them when it closes."""
    cls = type(context)
    watches: list[PageWatch] = []

    def new_page() -> Any:
        page = cls.new_page(context)
        watches.append(PageWatch(page, checkers, script=script))
        return page

    def close(**kwargs: Any) -> None:
        try:
            for watch in watches:
                watch.flush()
        finally:
            cls.close(context, **kwargs)

    context.new_page = new_page
    context.close = close
    context.a11y_watches = watches
    return context
