"""Screenshots of the organizer console for the README: `make screenshots`.

Builds a scratch SQLite database with the demo data, serves the app on a free local port, logs
in as the demo staff of BelExpo and saves each page under docs/ (Russian, 1280 px wide), plus a
390 px copy of each in /tmp for a look at the phone layout; then the public exhibitor catalogue
of the demo fair with the most exhibitors, as a visitor sees it (docs/exhibitors.png).
"""

from __future__ import annotations

import re
import sys
import tempfile
import threading
from pathlib import Path

from flask_migrate import upgrade
from playwright.sync_api import sync_playwright
from sqlalchemy import func, select
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import config  # noqa: E402
from fairplanner import create_app  # noqa: E402
from fairplanner.catalogue.models import Fair  # noqa: E402
from fairplanner.exhibitors.queries import public  # noqa: E402
from fairplanner.extensions import db  # noqa: E402
from fairplanner.registrations.models import Registration  # noqa: E402

STAFF = ("staff@belexpo.example", "staff-password-2026")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def serve() -> tuple[str, object]:
    path = Path(tempfile.mkdtemp()) / "shots.sqlite3"
    app = create_app(config.TestingConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
    with app.app_context():
        upgrade()
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    if result.exit_code:
        raise SystemExit(result.output)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server


def busiest_catalogue(app: object) -> str:
    """The slug of the fair whose exhibitor catalogue lists the most companies."""
    with app.app_context():
        return db.session.scalars(
            select(Fair.slug)
            .join(Registration, Registration.fair_id == Fair.id)
            .join(Registration.company)
            .where(public())
            .group_by(Fair.id, Fair.slug)
            .order_by(func.count(Registration.id).desc(), Fair.starts_on)
            .limit(1)
        ).one()


def main() -> None:
    base, server = serve()
    out = ROOT / "docs"
    phone_dir = Path(tempfile.gettempdir()) / "fairplanner-shots"
    phone_dir.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=config.CHROMIUM_PATH, args=ARGS)
        for lang, width, folder in (("ru", 1280, out), ("ru", 390, phone_dir)):
            context = browser.new_context(
                locale=lang, viewport={"width": width, "height": 900}, device_scale_factor=1
            )
            page = context.new_page()
            page.goto(f"{base}/login")
            page.fill("input[name=email]", STAFF[0])
            page.fill("input[name=password]", STAFF[1])
            page.click("main form button[type=submit]")
            page.wait_for_url("**/organizer/")
            page.goto(f"{base}/organizer/")
            page.screenshot(path=folder / "console-home.png", full_page=True)
            href = page.locator("a[href*='/registrations']").first.get_attribute("href")
            slug = re.search(r"/fairs/([^/]+)/", href).group(1)
            page.goto(f"{base}/organizer/fairs/{slug}/registrations")
            page.screenshot(path=folder / "console-attendees.png", full_page=True)
            page.locator("table a[href*='/organizer/registrations/']").first.click()
            page.screenshot(path=folder / "console-application.png", full_page=True)
            page.goto(f"{base}/organizer/fairs/{slug}/numbers")
            page.screenshot(path=folder / "console-numbers.png", full_page=True)
            page.goto(f"{base}/organizer/fairs/{slug}/log")
            page.screenshot(path=folder / "console-log.png", full_page=True)
            context.close()
            visitor = browser.new_context(
                locale=lang, viewport={"width": width, "height": 1000}, device_scale_factor=1
            )
            page = visitor.new_page()
            page.goto(f"{base}/fairs/{busiest_catalogue(server.app)}/exhibitors")
            page.wait_for_load_state("networkidle")  # the logos
            page.screenshot(path=folder / "exhibitors.png", full_page=width < 1280)
            visitor.close()
        browser.close()
    server.shutdown()
    print(f"saved to {out} and {phone_dir}")


if __name__ == "__main__":
    main()
