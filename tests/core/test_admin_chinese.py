"""The admin in Chinese: every app and model heading on the index, every changelist's title and columns;
what cadres should not use (groups, axes' duplicate logs) is not offered."""

from __future__ import annotations

import re

import pytest
from django.contrib.admin.templatetags.admin_list import result_headers

pytestmark = pytest.mark.django_db

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def is_chinese(text) -> bool:
    return bool(CHINESE.search(str(text)))


@pytest.fixture
def admin_client(world):
    return world.client_for(world.sysadmin)


def test_every_app_and_model_heading_on_the_admin_index_is_chinese(admin_client):
    response = admin_client.get("/admin/")
    assert response.status_code == 200
    app_list = response.context["app_list"]
    assert {app["app_label"] for app in app_list} >= {"axes", "accounts", "centers", "decisions", "regions"}
    english = [app["name"] for app in app_list if not is_chinese(app["name"])]
    english += [
        f"{app['app_label']}.{model['object_name']}: {model['name']}"
        for app in app_list
        for model in app["models"]
        if not is_chinese(model["name"])
    ]
    assert english == []
    page = response.content.decode()
    for text in ("Axes", "Access attempts", "Access logs", "Access failures", "PGHISTORY", "Groups"):
        assert text not in page


def test_every_changelist_has_a_chinese_title_and_columns(admin_client):
    app_list = admin_client.get("/admin/").context["app_list"]
    urls = [model["admin_url"] for app in app_list for model in app["models"]]
    assert len(urls) >= 15
    english = []
    for url in urls:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        cl = response.context["cl"]
        headers = [
            h["text"]
            for h in result_headers(cl)
            if h.get("text") and "action-checkbox" not in h["class_attrib"]
        ]
        english += [f"{url}: {text}" for text in (cl.title, *headers) if not is_chinese(text)]
    assert english == []


def test_login_lockouts_are_listed_in_chinese_and_deleting_one_unlocks(admin_client, world):
    from axes.models import AccessAttempt
    from django.test import Client

    for _ in range(5):
        Client().post("/accounts/login/", {"username": "village_a1_clerk", "password": "wrong"})
    page = admin_client.get("/admin/axes/accessattempt/").content.decode()
    assert "登录失败与锁定" in page and "已锁定" in page and "连续失败次数" in page and "客户端地址" in page
    attempt = AccessAttempt.objects.get(username="village_a1_clerk")
    detail = admin_client.get(f"/admin/axes/accessattempt/{attempt.pk}/change/").content.decode()
    assert "请求信息" in detail and "浏览器标识" in detail
    admin_client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert not AccessAttempt.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "/admin/auth/group/",
        "/admin/axes/accesslog/",
        "/admin/axes/accessfailurelog/",
        "/admin/django_celery_beat/solarschedule/",
        "/admin/django_celery_beat/clockedschedule/",
    ],
)
def test_what_cadres_should_not_use_is_not_in_the_admin(admin_client, url):
    assert admin_client.get(url).status_code == 404


def test_every_installed_app_has_a_chinese_name():
    from django.apps import apps
    from django.utils import translation

    with translation.override("zh-hans"):
        assert [a.label for a in apps.get_app_configs() if not is_chinese(a.verbose_name)] == []
