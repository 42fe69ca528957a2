"""Error pages in production (DEBUG off): Chinese, with a way home and to the public lookup."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("production_errors")]

WAY_BACK = ('href="/"', "返回首页", 'href="/lookup/"', "办件进度查询")


@pytest.fixture
def production_errors():
    with override_settings(DEBUG=False):
        yield


def assert_friendly(response, status: int, *texts: str) -> None:
    assert response.status_code == status
    page = response.content.decode()
    for text in (*texts, *WAY_BACK):
        assert text in page
    assert 'lang="zh-Hans"' in page
    for english in ("Not Found", "Forbidden", "Server Error", "Bad Request", "CSRF verification failed"):
        assert english not in page


def test_a_mistyped_address_answers_404_in_chinese():
    assert_friendly(Client().get("/lookup/typo/"), 404, "没有找到这个页面", "回执码")


def test_an_out_of_scope_record_answers_the_same_404(world):
    from tests.centers.builders import accept

    request = accept(world)
    response = world.client_for(world.township_b_officer).get(f"/requests/{request.pk}/")
    assert_friendly(response, 404, "没有找到这个页面")


def test_a_refusal_answers_403_with_the_views_reason(world):
    response = world.client_for(world.township_a_officer).get(reverse("auditlog:event-list"))
    assert_friendly(response, 403, "您没有权限进行这项操作", "只有县级管理员和系统管理员可以查看审计日志。")


@override_settings(ALLOWED_HOSTS=["testserver"])
def test_a_bad_request_answers_400_in_chinese():
    # A Host header the site does not serve is a SuspiciousOperation: 400, without the host echoed.
    response = Client().get("/lookup/", HTTP_HOST="evil.example.com")
    assert_friendly(response, 400, "无法处理这次请求")
    assert "evil.example.com" not in response.content.decode()


def test_a_form_posted_without_its_csrf_token_answers_the_chinese_csrf_page():
    response = Client(enforce_csrf_checks=True).post("/lookup/", {"code": "ABCDEFGH", "phone_last4": "5678"})
    assert_friendly(response, 403, "页面已过期，请刷新后重新提交", "Cookie")


@override_settings(ROOT_URLCONF="tests.core.error_urls")
def test_a_failing_view_answers_500_in_chinese_without_a_request_context(django_assert_num_queries):
    client = Client(raise_request_exception=False)
    with django_assert_num_queries(0):
        response = client.get("/test-broken/")
    assert_friendly(response, 500, "系统暂时出了点问题", "值班电话")
    assert "RuntimeError" not in response.content.decode()
