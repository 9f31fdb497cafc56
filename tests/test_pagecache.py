"""The page cache's key: the parameters a page reads, normalised, so junk parameters neither
miss the cache nor add entries to it (the cache-poisoning failure of issue 12)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

import config
from fairplanner import pagecache
from fairplanner.cache import MemoryCache, RedisCache
from fairplanner.catalogue.forms import FilterForm
from fairplanner.catalogue.views import FILTER_KEYS
from tests.redis_helpers import shared_redis


def junk() -> str:
    return f"{secrets.token_hex(4)}={secrets.token_urlsafe(12)}"


@pytest.fixture(params=["memory", "redis"])
def store(request: pytest.FixtureRequest, app: Flask, caching: None, monkeypatch) -> Iterator[Any]:
    """The page cache in this process's memory, or in database 11 of the machine's Redis;
    `store.count()` is the number of pages in it."""
    if request.param == "memory":
        cache = app.extensions["cache"]
        cache.count = lambda: sum(key.startswith("page:") for key in list(cache.items))
        yield cache
        return
    client = shared_redis()
    cache = RedisCache(config.REDIS_TEST_URL)
    cache.count = lambda: len(list(client.scan_iter(match="fairplanner:page:*")))
    monkeypatch.setitem(app.extensions, "cache", cache)
    yield cache
    client.flushdb()


@pytest.fixture
def paths(make_fair) -> dict[str, str]:
    fair = make_fair(name_ru="Белагро")
    return {
        "list": "/",
        "fair": f"/fairs/{fair.slug}",
        "month": f"/calendar/{fair.starts_on.year}/{fair.starts_on.month}",
    }


@pytest.mark.parametrize("page", ["list", "fair", "month"])
def test_junk_parameters_are_served_from_the_cache_and_store_nothing(client, store, paths, page):
    path = paths[page]
    assert client.get(path).headers["X-Cache"] == "miss"
    stored = store.count()
    assert stored >= 1
    for _ in range(100):
        response = client.get(f"{path}?{junk()}&{junk()}")
        assert response.status_code == 200
        assert response.headers["X-Cache"] == "hit"
    assert store.count() == stored


def test_a_page_rendered_for_junk_is_not_stored(client, store, paths):
    response = client.get("/?evil=%3Ch1%3EINJECTED%3C%2Fh1%3E")
    assert response.status_code == 200
    assert "X-Cache" not in response.headers
    assert store.count() == 0
    clean = client.get("/")
    assert clean.headers["X-Cache"] == "miss"  # rendered afresh, then stored
    assert "INJECTED" not in clean.get_data(as_text=True)
    assert client.get("/?evil=1").get_data(as_text=True) == clean.get_data(as_text=True)


@pytest.mark.parametrize(
    ("first", "same"),
    [
        ("/?sector=food&q=belagro", "/?q=belagro&sector=food"),
        ("/?q=belagro", "/?q=belagro&utm_source=mail&fbclid=x"),
        ("/?page=2", "/?page=2&lang=en"),  # the interface language comes from a cookie
        ("/?past=1&from=2027-01-01", "/?from=2027-01-01&x=1&past=1"),
    ],
)
def test_the_same_parameters_in_any_order_share_a_page(client, store, paths, first, same):
    assert client.get(first).headers["X-Cache"] == "miss"
    assert client.get(same).headers["X-Cache"] == "hit"


@pytest.mark.parametrize(
    ("first", "other"),
    [
        ("/?q=belagro", "/?q=belagr"),
        ("/?q=belagro", "/?q=belagro&q=other"),  # every value counts, as a form may read it
        ("/", "/?q="),
        ("/", "/?page=2"),
        ("/?sector=food", "/?sector=junk"),  # a bad value is shown back in a notice
    ],
)
def test_other_values_are_other_pages(client, store, paths, first, other):
    client.get(first)
    response = client.get(other)
    assert response.headers["X-Cache"] == "miss"
    assert store.count() == 2


def test_the_key_lists_every_parameter_the_filter_form_reads(app):
    with app.test_request_context("/"):
        names = {field.name for field in FilterForm()}
    assert set(pagecache.FILTER_PARAMETERS) == names
    assert set(FILTER_KEYS) <= names


def test_the_cache_may_be_a_redis_of_its_own(app, monkeypatch):
    from fairplanner import create_app

    other = create_app(
        config.TestingConfig,
        REDIS_URL="redis://127.0.0.1:1/0",
        REDIS_CACHE_URL=config.REDIS_TEST_URL,
    )
    cache = other.extensions["cache"]
    assert isinstance(cache, RedisCache)
    assert cache.client.connection_pool.connection_kwargs["db"] == 11
    assert isinstance(app.extensions["cache"], MemoryCache)  # none configured: in memory
