"""How search engines and visitors find exhibitors: the company page's schema.org
Organization (read with extruct, contacts only when the company shows them), the sitemap's
exhibitor catalogues and company pages, and the logos on the catalogue's cards."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import extruct
from PIL import Image as PILImage
from werkzeug.datastructures import FileStorage

from fairplanner.extensions import db
from fairplanner.media.services import store_image
from fairplanner.registrations.models import RegistrationStatus

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def organization(app, client, slug: str) -> dict:
    html = client.get(f"/companies/{slug}", headers={"Accept-Language": "ru"}).get_data(
        as_text=True
    )
    found = extruct.extract(html, base_url=app.config["PUBLIC_BASE_URL"], syntaxes=["json-ld"])
    items = [item for item in found["json-ld"] if item]
    assert [item["@type"] for item in items] == ["Organization"]
    return items[0]


def a_logo() -> FileStorage:
    data = io.BytesIO()
    PILImage.new("RGB", (200, 120), (10, 120, 90)).save(data, "PNG")
    data.seek(0)
    return FileStorage(data, filename="logo.png", content_type="image/png")


def test_a_company_page_describes_the_organization_without_private_contacts(
    app, client, factories, make_fair
):
    company = factories.company(
        legal_name="ООО «Вятка-Экспорт»",
        short_name="Вятка-Экспорт",
        website="https://vyatka.example",
        products="Сельхозтехника  и запчасти",
        region="43",
    )
    factories.registration(make_fair(), company)
    data = organization(app, client, company.slug)
    base = app.config["PUBLIC_BASE_URL"]
    assert data["name"] == "Вятка-Экспорт"
    assert data["legalName"] == "ООО «Вятка-Экспорт»"
    assert data["url"] == f"{base}/companies/{company.slug}"
    assert data["sameAs"] == ["https://vyatka.example"]
    assert data["description"] == "Сельхозтехника и запчасти"
    assert data["address"]["addressCountry"] == company.country.value
    assert "telephone" not in data
    assert "email" not in data

    company.public_contact = True
    db.session.commit()
    data = organization(app, client, company.slug)
    assert data["telephone"] == company.phone
    assert data["email"] == company.email


def test_the_company_logo_shows_on_its_card_and_in_its_structured_data(
    app, client, factories, make_fair
):
    fair = make_fair(slug="with-logos")
    company = factories.company(legal_name="Лого и Ко")
    factories.registration(fair, company)
    company.logo = store_image(a_logo())
    db.session.commit()
    page = client.get("/fairs/with-logos/exhibitors").get_data(as_text=True)
    assert f'src="/media/{company.logo.thumb_hash}.{company.logo.ext}"' in page
    logo = organization(app, client, company.slug)["logo"]
    assert (
        logo == f"{app.config['PUBLIC_BASE_URL']}/media/{company.logo.og_hash}.{company.logo.ext}"
    )


def test_the_sitemap_lists_exhibitor_catalogues_and_company_pages(
    app, client, factories, make_fair
):
    listed, quiet = make_fair(slug="listed-fair"), make_fair(slug="quiet-fair")
    shown = factories.company(legal_name="Показанная")
    hidden = factories.company(legal_name="Скрытая")
    factories.registration(listed, shown)
    factories.registration(quiet, hidden, status=RegistrationStatus.SUBMITTED)
    root = ET.fromstring(client.get("/sitemap.xml").data)  # noqa: S314 - our own output
    urls = {url.findtext(f"{SITEMAP}loc") for url in root.iter(f"{SITEMAP}url")}
    base = app.config["PUBLIC_BASE_URL"]
    assert f"{base}/fairs/listed-fair/exhibitors" in urls
    assert f"{base}/companies/{shown.slug}" in urls
    assert f"{base}/fairs/quiet-fair/exhibitors" not in urls
    assert f"{base}/companies/{hidden.slug}" not in urls
