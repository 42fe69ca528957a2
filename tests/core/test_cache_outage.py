"""A cache outage costs freshness or speed, never a page or a write (issue 11): with the cache pointed at a
closed port (a real refused connection, core.cache.RedisCache as in production) the public bulletin, the
lookup, a login and the pages after it answer, decision writes are stored, the lookup's limit still holds
(counted in the process), and /healthz/ answers 200 with the cache reported on its own. The bulletin's
version is bumped only after the write commits."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from centers.views.requests import LOOKUP_CODE_LIMIT, LOOKUP_TOO_MANY
from core import ratelimit, region_cache
from decisions.caching import BULLETIN
from decisions.models import Disclosure, Objection
from tests.centers.builders import accept
from tests.conftest import PASSWORD
from tests.decisions.builders import disclose, matter_register, resolve, roster_for
from tests.decisions.conftest import disclose_post

pytestmark = pytest.mark.django_db

CLOSED_PORT = "redis://127.0.0.1:1/0"
FILING = {"name": "张三", "phone": "138 1234 5678", "summary": "广场占用了村民的集体晒场"}


@pytest.fixture(autouse=True)
def _region_cache_bumps_at_once():
    """Overrides tests/conftest.py's: here the bumps wait for the commit, as in production."""
    yield


@pytest.fixture
def cache_down(settings):
    settings.CACHES = {"default": {"BACKEND": "core.cache.RedisCache", "LOCATION": CLOSED_PORT}}
    ratelimit._local.clear()
    yield
    ratelimit._local.clear()


@pytest.fixture
def running(world) -> Disclosure:
    """A resolution of village A1 posted yesterday: its period runs, objections are accepted."""
    secretary = world.village_a1_clerk
    roster_for(world.village_a1, actor=secretary)
    today = timezone.localdate()
    matter = resolve(
        secretary, matter_register(secretary, world.village_a1), held_on=today - timedelta(days=5)
    )
    return disclose(secretary, matter, posted_on=today - timedelta(days=1))


def bulletin_url(world) -> str:
    return reverse("bulletin", args=[world.village_a1.code])


def objection_url(disclosure: Disclosure) -> str:
    return reverse("bulletin-objection", args=[disclosure.village.code, disclosure.pk])


def test_the_bulletin_and_the_lookup_answer_while_the_cache_is_down(world, cache_down, running):
    for _ in range(2):  # neither read nor written: rendered each time
        response = Client().get(bulletin_url(world))
        assert response.status_code == 200 and running.matter.title in response.content.decode()
    assert Client().get("/lookup/").status_code == 200
    request = accept(world)
    found = Client().post("/lookup/", {"code": request.receipt_code, "phone_last4": "5678"})
    assert found.status_code == 200 and found.context["found"] == request


def test_a_villagers_objection_is_stored_while_the_cache_is_down(
    world, cache_down, running, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:  # the bump fails after commit
        response = Client().post(objection_url(running), FILING, REMOTE_ADDR="10.1.1.1")
    assert response.status_code == 302 and callbacks
    objection = Objection.objects.get()
    assert (objection.disclosure, objection.name, objection.summary) == (running, "张三", FILING["summary"])
    assert "收到异议1条" in Client().get(bulletin_url(world)).content.decode()


def test_a_cadre_signs_in_and_posts_a_disclosure_while_the_cache_is_down(
    world, cache_down, django_capture_on_commit_callbacks
):
    secretary = world.village_a1_clerk
    roster_for(world.village_a1, actor=secretary)
    today = timezone.localdate()
    matter = resolve(
        secretary, matter_register(secretary, world.village_a1), held_on=today - timedelta(days=2)
    )
    client = Client()
    signed_in = client.post("/accounts/login/", {"username": secretary.username, "password": PASSWORD})
    assert signed_in.status_code == 302  # the session is written to the database, read back from it
    assert client.get("/", follow=True).status_code == 200  # the village's page
    with django_capture_on_commit_callbacks(execute=True):
        response = disclose_post(client, matter, posted_on=today)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Disclosure.objects.get(matter=matter).posted_on == today
    assert client.get(matter.get_absolute_url()).status_code == 200


def test_wrong_lookups_are_still_limited_in_the_process_while_the_cache_is_down(world, cache_down):
    def wrong():
        return Client().post("/lookup/", {"code": "ABCDEFGHJKLM", "phone_last4": "0000"})

    assert [wrong().status_code for _ in range(LOOKUP_CODE_LIMIT)] == [200] * LOOKUP_CODE_LIMIT
    refused = wrong()
    assert refused.status_code == 429 and refused.context["message"] == LOOKUP_TOO_MANY


def bulletin_version(world) -> int:
    key = region_cache._version_key(BULLETIN, world.village_a1.prefix)
    return region_cache._versions([key])[key]


def test_the_bulletins_version_is_bumped_only_after_the_write_commits(
    world, running, django_capture_on_commit_callbacks
):
    assert "收到异议" not in Client().get(bulletin_url(world)).content.decode()  # now cached
    before = bulletin_version(world)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert Client().post(objection_url(running), FILING).status_code == 302
    # Not committed yet: the version and the cached page are the old ones.
    assert bulletin_version(world) == before
    assert "收到异议" not in Client().get(bulletin_url(world)).content.decode()
    for callback in callbacks:  # the commit
        callback()
    assert bulletin_version(world) == before + 1
    assert "收到异议1条" in Client().get(bulletin_url(world)).content.decode()


def health(client=None):
    response = (client or Client()).get("/healthz/")
    return response.status_code, json.loads(response.content), response


def test_healthz_reports_each_part_and_stays_200_while_only_redis_is_down(world, settings):
    status, body, response = health()
    assert status == 200 and body["status"] == "ok"
    assert (body["database"], body["cache"]) == ("ok", "ok")
    assert "no-cache" in response["Cache-Control"]
    settings.CACHES = {
        "default": {"BACKEND": "core.cache.RedisCache", "LOCATION": "redis://127.0.0.1:6379/10"}
    }
    assert health()[1]["cache"] == "ok"  # the real Redis answers the ping
    settings.CACHES = {"default": {"BACKEND": "core.cache.RedisCache", "LOCATION": CLOSED_PORT}}
    settings.CELERY_TASK_ALWAYS_EAGER, settings.CELERY_BROKER_URL = False, CLOSED_PORT
    status, body, _ = health()
    assert status == 200 and body == {
        "status": "degraded",
        "database": "ok",
        "cache": "error: ConnectionError",
        "broker": "error: ConnectionError",
    }


def backend(location: str):
    from core.cache import RedisCache

    return RedisCache(location, {"KEY_PREFIX": "test-cache-outage"})


def test_an_unavailable_cache_behaves_as_an_empty_one_and_is_passed_over_for_a_while():
    down = backend(CLOSED_PORT)
    assert down.get("k", "default") == "default" and down.get_many(["k"]) == {}
    assert down.add("k", 1) is False and down.has_key("k") is False and down.delete("k") is False
    assert down.set_many({"a": 1, "b": 2}) == ["a", "b"]  # the keys not stored
    down.set("k", 1)
    with pytest.raises(ValueError):  # as for a missing key: callers already handle it
        down.incr("k")
    with pytest.raises(ValueError):
        down.decr("k")
    assert down._passed_over_until > 0  # the next calls do not even try, for RETRY_AFTER seconds


def test_keys_written_while_the_cache_was_passed_over_are_deleted_when_it_answers_again():
    """A Redis that was unreachable but kept its data must not serve an ended session or old settings."""
    import time

    cache = backend("redis://127.0.0.1:6379/10")
    cache.set("session", "signed in", 60)
    cache.set("settings", "old", 60)
    cache.set("version", 3, 60)
    cache.set("counter", 7, 60)
    cache._passed_over_until = time.monotonic() + 60  # as after an error
    cache.delete("session")  # logout during the outage
    cache.set("settings", "new", 60)
    with pytest.raises(ValueError):  # region_cache's bump: incr, then a reset to 2 (dropped too)
        cache.incr("version")
    cache.set("version", 2, 60)
    for delta in (1, 1, -1):  # two tries counted, one given back
        with pytest.raises(ValueError):
            cache.incr("counter", delta)
    with pytest.raises(ValueError):
        cache.incr("gone")  # expired meanwhile: not created again without its expiry
    assert cache.get("session") is None  # passed over
    cache._passed_over_until = 0.0  # Redis answers again
    assert cache.get("session") is None and cache.get("settings") is None
    assert (cache.get("version"), cache.get("counter"), cache.get("gone")) == (4, 8, None)
    assert cache._dropped == {} and cache._unbumped == {}
    cache.delete_many(["version", "counter"])
