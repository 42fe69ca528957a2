"""The public lookup (办件查询): the outcome written for the applicant, the phone digits in a POST only,
and wrong tries limited per receipt code and per client address."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from centers.services.proxy_requests import REPLY_TEXT_REQUIRED
from centers.views.requests import (
    LOOKUP_ADDRESS_LIMIT,
    LOOKUP_CODE_DAY_LIMIT,
    LOOKUP_CODE_LIMIT,
    LOOKUP_NOT_FOUND,
    LOOKUP_PHONE_IN_URL,
    LOOKUP_TOO_MANY,
    LOOKUP_TOO_MANY_TODAY,
)
from core.ratelimit import counter_key
from tests.centers.builders import accept, transition

pytestmark = pytest.mark.django_db

OUTCOME = "低保已批准，从12月起每月发放到一卡通"


@pytest.fixture(autouse=True)
def fresh_counters():
    cache.clear()
    yield
    cache.clear()


SMALL_ADDRESS_LIMIT = 30


@pytest.fixture
def small_address_limit(monkeypatch):
    """The per-address tests below are about whose address counts, not the number: a smaller limit keeps
    them fast (the real limit is tried in test_one_proxy_address_trying_many_codes_has_a_county_sized_allowance)."""
    monkeypatch.setattr("centers.views.requests.LOOKUP_ADDRESS_LIMIT", SMALL_ADDRESS_LIMIT)


def look_up(code: str, phone_last4: str = "5678", address: str = "10.0.0.1", **extra):
    return Client().post("/lookup/", {"code": code, "phone_last4": phone_last4}, REMOTE_ADDR=address, **extra)


def done(world):
    return transition(world, transition(world, accept(world), "start"), "complete", result="报乡镇审批通过")


def test_the_reply_through_the_page_is_shown_to_the_applicant(world):
    request = done(world)
    clerk = world.client_for(world.village_a1_clerk)
    page = clerk.get(f"/requests/{request.pk}/").content.decode()
    # The reply form offers the result as a starting point for the words to the applicant.
    assert 'name="reply_text"' in page and ">报乡镇审批通过</textarea>" in page
    before = look_up(request.receipt_code).content.decode()
    assert "已办结" in before and "lookup-outcome" not in before
    request.refresh_from_db()
    response = clerk.post(
        f"/requests/{request.pk}/transition/",
        {
            "name": "reply",
            "version": request.version,
            "satisfaction": "satisfied",
            "reply_channel": "电话告知",
            "reply_text": f"  {OUTCOME} ",
        },
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "replied" and request.reply_text == OUTCOME
    assert (
        f'告知申请人</dt><dd class="col-8">{OUTCOME}'
        in clerk.get(f"/requests/{request.pk}/").content.decode()
    )
    public = look_up(request.receipt_code).content.decode().split('id="lookup-result"')[1]
    assert "已回复" in public and f"办理结果：</span>{OUTCOME}" in public
    # The internal result and the handler's name stay off the public page.
    assert "报乡镇审批通过" not in public and "village_a1_clerk" not in public


def test_a_reply_without_words_for_the_applicant_is_refused_and_changes_nothing(world):
    request = done(world)
    clerk = world.client_for(world.village_a1_clerk)
    response = clerk.post(
        f"/requests/{request.pk}/transition/",
        {"name": "reply", "version": request.version, "satisfaction": "satisfied", "reply_text": "   "},
        follow=True,
    )
    assert REPLY_TEXT_REQUIRED in response.content.decode()
    request.refresh_from_db()
    assert request.status == "done" and request.reply_text == "" and request.satisfaction == ""
    assert not request.timeline.filter(kind="reply").exists()


@pytest.mark.parametrize(
    "code,phone",
    [("ZZZZZZZZ", "5678"), ("", "5678"), (None, "0000"), (None, "56a8"), (None, ""), (None, "15678")],
    ids=["bad-code", "no-code", "wrong-phone", "letters", "no-phone", "five-digits"],
)
def test_bad_input_finds_nothing_with_one_message(world, code, phone):
    request = accept(world)
    response = look_up(request.receipt_code if code is None else code, phone)
    assert response.status_code == 200
    assert response.context["found"] is None and response.context["message"] == LOOKUP_NOT_FOUND
    assert "lookup-result" not in response.content.decode()


def test_phone_digits_in_the_url_are_not_accepted(world):
    request = accept(world)
    response = Client().get("/lookup/", {"code": request.receipt_code, "phone_last4": "5678"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "lookup-result" not in page and "found" not in response.context
    assert LOOKUP_PHONE_IN_URL in page
    # The receipt's QR code link (the code alone) fills the code in; the form posts.
    page = Client().get("/lookup/", {"code": request.receipt_code.lower()}).content.decode()
    assert f'value="{request.receipt_code}"' in page and 'method="post"' in page
    assert Client().put("/lookup/").status_code == 405


def test_wrong_tries_on_one_code_lock_that_code_only_from_any_address(world):
    request = accept(world)
    other = accept(world, applicant_phone="13900001111")
    for n in range(LOOKUP_CODE_LIMIT):
        assert look_up(request.receipt_code, "0000", address=f"10.1.0.{n}").status_code == 200
    # Even the right digits from a new address wait: the code is being guessed.
    blocked = look_up(request.receipt_code, "5678", address="10.9.9.9")
    assert blocked.status_code == 429 and LOOKUP_TOO_MANY in blocked.content.decode()
    assert blocked.context["found"] is None
    # Another applicant's code from the same addresses is unaffected.
    assert look_up(other.receipt_code, "1111", address="10.1.0.0").context["found"] == other
    # The lock is in the cache for the window; once it expires the applicant gets in.
    cache.delete(counter_key(f"lookup:code:{request.receipt_code}"))
    assert look_up(request.receipt_code, "5678", address="10.9.9.9").context["found"] == request


def test_wrong_tries_from_one_address_lock_that_address_only(world, small_address_limit):
    request = accept(world)
    for n in range(SMALL_ADDRESS_LIMIT):
        look_up(f"WRONG{n:03d}", "0000", address="10.0.0.9")
    blocked = look_up(request.receipt_code, "5678", address="10.0.0.9")
    assert blocked.status_code == 429 and blocked.context["found"] is None
    assert look_up(request.receipt_code, "5678", address="10.0.0.10").context["found"] == request


def test_a_few_wrong_tries_behind_a_shared_address_block_nobody_else(world, small_address_limit):
    """A county's villagers behind one proxy address: a few mistakes and many good lookups go on."""
    request = accept(world)
    for n in range(LOOKUP_CODE_LIMIT - 1):
        look_up(f"TYPO{n:04d}", "1234", address="192.168.1.1")
    for _ in range(SMALL_ADDRESS_LIMIT + 5):  # successful lookups are not counted
        assert look_up(request.receipt_code, address="192.168.1.1").context["found"] == request


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_trusted_proxy_the_limit_is_per_forwarded_client(world, small_address_limit):
    """The proxy (10.0.0.1) appends the address it saw; what the client wrote before it is ignored."""
    request = accept(world)
    for n in range(SMALL_ADDRESS_LIMIT):
        spoofed = f"198.18.0.{n}, 203.0.113.7"  # a client rotating a made-up address
        look_up(f"WRONG{n:03d}", "0000", address="10.0.0.1", HTTP_X_FORWARDED_FOR=spoofed)
    blocked = look_up(request.receipt_code, address="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert blocked.status_code == 429
    other = look_up(request.receipt_code, address="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert other.status_code == 200 and other.context["found"] == request


def test_without_a_trusted_proxy_a_forwarded_header_is_ignored(world, small_address_limit):
    request = accept(world)
    for n in range(SMALL_ADDRESS_LIMIT):
        look_up(f"WRONG{n:03d}", "0000", address="10.0.0.1", HTTP_X_FORWARDED_FOR=f"198.18.0.{n}")
    blocked = look_up(request.receipt_code, address="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert blocked.status_code == 429


def test_a_try_is_counted_before_the_lookup_so_parallel_tries_cannot_all_pass(world, monkeypatch):
    """Tries sent at the same moment each see the others' counts: the count goes up before the lookup runs
    (and a right answer takes it back afterwards)."""
    from centers import selectors

    seen = []

    def lookup_while_counting(**kwargs):
        seen.append(
            (cache.get(counter_key("lookup:code:ABCD2345")), cache.get(counter_key("lookup:addr:10.0.0.9")))
        )
        return None

    monkeypatch.setattr(selectors, "proxy_request_public", lookup_while_counting)
    look_up("ABCD2345", address="10.0.0.9")
    assert seen == [(1, 1)]


def test_a_wrong_code_and_a_wrong_phone_get_the_same_page(world):
    """Nothing in the answer tells a guesser whether the code exists."""
    request = accept(world)
    wrong_phone = look_up(request.receipt_code, "0000")
    wrong_code = look_up("ZZZZ2345", "0000")
    assert wrong_phone.status_code == wrong_code.status_code == 200

    def page(response, code):
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode()).replace(
            code, "CODE"
        )

    assert page(wrong_phone, request.receipt_code) == page(wrong_code, "ZZZZ2345")


def test_many_addresses_guessing_one_code_are_stopped_for_the_day(world):
    """Rotating addresses and waiting out each 10-minute window still leaves 20 guesses a day per code: the
    20th wrong try is answered, the 21st is refused even with the right digits; other codes are unaffected."""
    request = accept(world)
    other = accept(world, applicant_phone="13900001111")
    for n in range(LOOKUP_CODE_DAY_LIMIT):
        if n and n % LOOKUP_CODE_LIMIT == 0:
            cache.delete(counter_key(f"lookup:code:{request.receipt_code}"))  # the 10-minute window expires
        answer = look_up(request.receipt_code, "0000", address=f"10.2.{n}.1")
        assert answer.status_code == 200 and answer.context["message"] == LOOKUP_NOT_FOUND
    cache.delete(counter_key(f"lookup:code:{request.receipt_code}"))
    blocked = look_up(request.receipt_code, "5678", address="10.3.0.1")
    assert blocked.status_code == 429 and blocked.context["found"] is None
    assert blocked.context["message"] == LOOKUP_TOO_MANY_TODAY
    assert look_up(other.receipt_code, "1111", address="10.2.0.1").context["found"] == other


def test_one_proxy_address_trying_many_codes_has_a_county_sized_allowance(world):
    """A county's villagers behind one proxy address (TRUSTED_PROXY_COUNT=0), each mistyping a different
    code: ten times the per-code limit of wrong tries still leaves lookup open; the address is refused only
    past LOOKUP_ADDRESS_LIMIT wrong tries (the limit-th is answered)."""
    assert LOOKUP_ADDRESS_LIMIT >= 50 * LOOKUP_CODE_LIMIT
    request = accept(world)
    for n in range(LOOKUP_ADDRESS_LIMIT - 1):
        look_up(f"TYPO{n:04d}", "1234", address="192.168.1.1")
    assert look_up(request.receipt_code, address="192.168.1.1").context["found"] == request
    last = look_up("TYPOLAST", "1234", address="192.168.1.1")
    assert last.status_code == 200 and last.context["message"] == LOOKUP_NOT_FOUND
    blocked = look_up(request.receipt_code, address="192.168.1.1")
    assert blocked.status_code == 429 and LOOKUP_TOO_MANY in blocked.content.decode()
