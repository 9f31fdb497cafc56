"""/metrics: Prometheus text that prometheus_client's own parser reads, by URL rule and status,
with the outbox's state; only for the token's holder or this host."""

from __future__ import annotations

from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families

from fairplanner.calendars.services import feed_token
from fairplanner.db import utcnow
from fairplanner.notifications.models import OutboxMessage, OutboxStatus
from fairplanner.observability import metrics


def scrape(client, **kwargs) -> dict[tuple[str, tuple], float]:
    """{(sample name, sorted labels): value} of one scrape."""
    response = client.get("/metrics", **kwargs)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=")
    assert response.headers["Cache-Control"] == "no-store"
    samples = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def requests_of(samples, route: str, status: str, method: str = "GET") -> float:
    labels = (("method", method), ("route", route), ("status", status))
    return samples.get(("fairplanner_http_requests_total", labels), 0.0)


def test_requests_are_counted_by_rule_and_status(client, make_fair, factories):
    make_fair(slug="belagro")
    token = feed_token(factories.company()).token
    before = scrape(client)
    for _ in range(3):
        client.get("/fairs/belagro")
    client.get("/fairs/no-such-fair")
    client.get(f"/calendar/{token}.ics")
    client.get("/no/such/page/at/all")
    after = scrape(client)

    def delta(route: str, status: str) -> float:
        return requests_of(after, route, status) - requests_of(before, route, status)

    assert delta("/fairs/<slug>", "200") == 3
    assert delta("/fairs/<slug>", "404") == 1
    assert delta("/calendar/<token>.ics", "200") == 1
    assert delta("<unmatched>", "404") == 1
    # The scrape itself counts (the second one sees the first).
    assert delta("/metrics", "200") == 1
    # The duration histogram has the same labels; its count follows the counter.
    labels = (("method", "GET"), ("route", "/fairs/<slug>"), ("status", "200"))
    count = ("fairplanner_http_request_duration_seconds_count", labels)
    assert after[count] - before.get(count, 0) == 3
    inf = ("fairplanner_http_request_duration_seconds_bucket", (("le", "+Inf"), *labels))
    assert after[inf] == after[count]
    # No path, so no secret, in any label.
    text = client.get("/metrics").get_data(as_text=True)
    assert token not in text
    assert "no-such-fair" not in text
    assert "/no/such/page" not in text


def test_the_outbox_queue_is_measured_at_scrape_time(client, db):
    now = utcnow()

    def message(n: int, status: OutboxStatus, age: timedelta) -> OutboxMessage:
        return OutboxMessage(
            kind="registration",
            to_email=f"m{n}@example.com",
            lang="ru",
            subject="s",
            body_text="t",
            body_html="<p>t</p>",
            message_id=f"<m{n}@test>",
            status=status,
            created_at=now - age,
        )

    empty = scrape(client)
    assert empty[("fairplanner_outbox_queue_depth", ())] == 0
    assert empty[("fairplanner_outbox_oldest_pending_age_seconds", ())] == 0
    db.session.add_all(
        [
            message(1, OutboxStatus.PENDING, timedelta(minutes=5)),
            message(2, OutboxStatus.SENDING, timedelta(minutes=50)),
            message(3, OutboxStatus.PENDING, timedelta(seconds=1)),
            message(4, OutboxStatus.SENT, timedelta(days=3)),  # sent: not waiting
            message(5, OutboxStatus.PARKED, timedelta(days=2)),
        ]
    )
    db.session.flush()
    samples = scrape(client)
    assert samples[("fairplanner_outbox_queue_depth", ())] == 3
    age = samples[("fairplanner_outbox_oldest_pending_age_seconds", ())]
    assert 50 * 60 <= age < 51 * 60
    assert samples[("fairplanner_outbox_parked_messages", ())] == 1


def test_the_outbox_gauges_take_one_query(client, db, count_queries):
    with count_queries() as counter:
        scrape(client)
    assert counter.count == 1, counter.statements


def test_cache_hits_and_misses_are_counted(client):
    def value(samples, name: str) -> float:
        return samples.get((name, (("cache", "page"),)), 0.0)

    before = scrape(client)
    metrics.count_cache_hit("page")
    metrics.count_cache_hit("page")
    metrics.count_cache_miss("page")
    after = scrape(client)
    assert (
        value(after, "fairplanner_cache_hits_total") - value(before, "fairplanner_cache_hits_total")
        == 2
    )
    assert (
        value(after, "fairplanner_cache_misses_total")
        - value(before, "fairplanner_cache_misses_total")
        == 1
    )


@pytest.mark.parametrize(
    ("address", "status"),
    [("127.0.0.1", 200), ("::1", 200), ("10.0.0.7", 404), ("203.0.113.9", 404)],
)
def test_without_a_token_only_this_host_may_scrape(client, address, status):
    response = client.get("/metrics", environ_base={"REMOTE_ADDR": address})
    assert response.status_code == status
    if status != 200:
        assert b"fairplanner_http_requests_total" not in response.data


def test_behind_a_proxy_the_forwarded_client_address_decides(app, db):
    """With PROXY_COUNT=1, a scrape through nginx from outside is not "this host"."""
    import config
    from fairplanner import create_app

    proxied = create_app(
        config.TestingConfig,
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
        PROXY_COUNT=1,
    )
    client = proxied.test_client()
    outside = client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
    assert outside.status_code == 404
    inside = client.get("/metrics", headers={"X-Forwarded-For": "127.0.0.1"})
    assert inside.status_code == 200
    with proxied.app_context():
        db.engine.dispose()


@pytest.mark.parametrize(
    ("authorization", "address", "status"),
    [
        ("Bearer s3cret-metrics-token-value", "203.0.113.9", 200),
        ("Bearer s3cret-metrics-token-value", "127.0.0.1", 200),
        (None, "127.0.0.1", 403),  # with a token, this host needs it too
        (None, "203.0.113.9", 403),
        ("Bearer wrong", "203.0.113.9", 403),
        ("s3cret-metrics-token-value", "203.0.113.9", 403),
        ("Basic czNjcmV0", "203.0.113.9", 403),
    ],
)
def test_with_a_token_only_its_holder_may_scrape(
    app, client, monkeypatch, authorization, address, status
):
    monkeypatch.setitem(app.config, "METRICS_TOKEN", "s3cret-metrics-token-value")
    headers = {"Authorization": authorization} if authorization else {}
    response = client.get("/metrics", headers=headers, environ_base={"REMOTE_ADDR": address})
    assert response.status_code == status


def test_cache_lookups_are_labelled_by_kind(client):
    def value(samples, name: str, kind: str) -> float:
        return samples.get((name, (("cache", kind),)), 0.0)

    before = scrape(client)
    metrics.count_cache_lookup("company-feed:0f3a", found=True)
    metrics.count_cache_lookup("company-feed:0f3a", found=False)
    metrics.count_cache_lookup("page:77aa", found=False)
    after = scrape(client)
    hits, misses = "fairplanner_cache_hits_total", "fairplanner_cache_misses_total"
    assert value(after, hits, "company-feed") - value(before, hits, "company-feed") == 1
    assert value(after, misses, "company-feed") - value(before, misses, "company-feed") == 1
    assert value(after, misses, "page") - value(before, misses, "page") == 1


def test_the_page_cache_counts_its_hits_and_misses(client, caching, make_fair):
    make_fair(slug="belagro")

    def page(samples, name: str) -> float:
        return samples.get((name, (("cache", "page"),)), 0.0)

    before = scrape(client)
    assert client.get("/fairs/belagro").headers["X-Cache"] == "miss"
    assert client.get("/fairs/belagro").headers["X-Cache"] == "hit"
    after = scrape(client)
    hits, misses = "fairplanner_cache_hits_total", "fairplanner_cache_misses_total"
    assert page(after, hits) - page(before, hits) == 1
    assert page(after, misses) - page(before, misses) == 1
