"""What a company's public page tells search engines: schema.org `Organization` as JSON-LD
(written by fairplanner.catalogue.structured.json_ld, safe inside HTML). Contact details only
when the company chose to show them (`public_contact`), as on the page itself."""

from __future__ import annotations

from typing import Any

from fairplanner import display
from fairplanner.accounts.models import Company, Country
from fairplanner.catalogue.structured import SCHEMA
from fairplanner.core.urls import public_url
from fairplanner.media.services import media_url


def organization(company: Company, *, url: str) -> dict[str, Any]:
    """The company as an `Organization`; `url`: its page's path."""
    data: dict[str, Any] = {
        "@context": SCHEMA,
        "@type": "Organization",
        "name": company.display_name,
        "legalName": company.legal_name,
        "url": public_url(url),
    }
    if company.website:
        data["sameAs"] = [company.website]
    logo = media_url(company.logo, "og", external=True)
    if logo:
        data["logo"] = logo
    if company.products:
        data["description"] = " ".join(company.products.split())
    if company.country in (Country.BELARUS, Country.RUSSIA):
        address: dict[str, Any] = {
            "@type": "PostalAddress",
            "addressCountry": company.country.value,
        }
        region = display.region_name(company.country, company.region)
        if company.region and region:
            address["addressRegion"] = region
        data["address"] = address
    if company.public_contact:
        if company.phone:
            data["telephone"] = company.phone
        if company.email:
            data["email"] = company.email
    return data
