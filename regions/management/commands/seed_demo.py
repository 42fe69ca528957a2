from __future__ import annotations

import datetime as dt
import random

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit.context import task_context
from core import registry
from regions.demo import COUNTY_CODE, division_table, person_name
from regions.models import Post, Region
from regions.roles import Level, Role
from regions.services import post_grant, regions_import
from spreadsheets.reading import Row

DEMO_PASSWORD = "Demo@2026"


class Command(BaseCommand):
    help = "建立演示县：生成区划代码表（14个乡镇、200余个村）、每个职务的演示账号和各项制度的演示数据。可重复执行。"

    def handle(self, *args, **options):
        started = timezone.now()
        with task_context("seed_demo"), transaction.atomic():
            rows = [Row(number=i, cells=cells) for i, cells in enumerate(division_table(), start=2)]
            result = regions_import(rows=rows)
            logins = self._people()
            self._village_secretaries()
            county = Region.objects.get(code=COUNTY_CODE)
            app_lines = []
            # Every system seeds its own demo records (core.registry), in their declared order.
            for _app, seed in registry.demo_seeds():
                app_lines += seed(county=county) or []
        self.stdout.write(f"区划：新增{result.created}个，未变{result.unchanged}个。")
        for line in app_lines:
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"演示账号（密码均为 {DEMO_PASSWORD}）："))
        for username, role_label, region_name in logins:
            self.stdout.write(f"  {username:<22} {role_label:<14} {region_name}")
        self.stdout.write(f"用时{(timezone.now() - started).total_seconds():.1f}秒。")

    def _people(self) -> list[tuple[str, str, str]]:
        rng = random.Random(5)
        county = Region.objects.get(code=COUNTY_CODE)
        townships = list(Region.objects.filter(parent=county).order_by("code")[:2])
        village_a = Region.objects.filter(parent=townships[0]).order_by("code").first()
        village_b = Region.objects.filter(parent=townships[1]).order_by("code").first()
        plan = [
            ("admin", Role.SYSTEM_ADMIN, county),
            ("county_org", Role.COUNTY_ORGANIZATION, county),
            ("county_discipline", Role.COUNTY_DISCIPLINE, county),
            ("county_politics_law", Role.COUNTY_POLITICS_LAW, county),
            ("township_leader", Role.TOWNSHIP_LEADER, townships[0]),
            ("township_org", Role.TOWNSHIP_ORGANIZATION, townships[0]),
            ("township_discipline", Role.TOWNSHIP_DISCIPLINE, townships[0]),
            ("township_justice", Role.TOWNSHIP_JUSTICE, townships[0]),
            ("liaison_cadre", Role.LIAISON_CADRE, village_a),
            ("village_secretary", Role.VILLAGE_SECRETARY, village_a),
            ("village_committee", Role.VILLAGE_COMMITTEE, village_a),
            ("first_secretary", Role.FIRST_SECRETARY, village_a),
            ("grid_worker", Role.GRID_WORKER, village_a),
            ("grid_assistant", Role.GRID_ASSISTANT, village_a),
            ("grid_police", Role.GRID_POLICE, village_a),
            ("grid_supervisor", Role.GRID_SUPERVISOR, village_a),
            ("grid_party_leader", Role.GRID_PARTY_LEADER, village_a),
            ("village_mediator", Role.VILLAGE_MEDIATOR, village_a),
            ("village_supervisor", Role.VILLAGE_SUPERVISOR, village_a),
            ("duty_volunteer", Role.DUTY_VOLUNTEER, village_a),
            ("township2_leader", Role.TOWNSHIP_LEADER, townships[1]),
            ("village2_secretary", Role.VILLAGE_SECRETARY, village_b),
        ]
        logins = []
        for username, role, region in plan:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(
                    username=username,
                    real_name=person_name(rng),
                    must_change_password=False,
                    is_staff=role == Role.SYSTEM_ADMIN,
                    is_superuser=role == Role.SYSTEM_ADMIN,
                )
                user.set_password(DEMO_PASSWORD)
                user.save()
            if not Post.objects.filter(user=user, role=role, region=region, ended_on__isnull=True).exists():
                post_grant(
                    actor=None,
                    user=user,
                    role=role,
                    region=region,
                    started_on=timezone.localdate() - dt.timedelta(days=365),
                )
            logins.append((username, role.label, region.name))
        return logins

    def _village_secretaries(self) -> None:
        """A party secretary for every demo village (not printed), so each has a roster and requests."""
        from django.contrib.auth.hashers import make_password

        county = Region.objects.get(code=COUNTY_CODE)
        villages = Region.objects.filter(prefix__startswith=county.prefix, level=Level.VILLAGE)
        have = set(
            Post.objects.filter(
                region__in=villages, role=Role.VILLAGE_SECRETARY, ended_on__isnull=True
            ).values_list("region_id", flat=True)
        )
        rng = random.Random(17)
        password = make_password(DEMO_PASSWORD)
        for village in villages.exclude(pk__in=have).order_by("code"):
            user, _ = User.objects.get_or_create(
                username=f"sec_{village.code}",
                defaults={"real_name": person_name(rng), "password": password, "must_change_password": False},
            )
            post_grant(
                actor=None,
                user=user,
                role=Role.VILLAGE_SECRETARY,
                region=village,
                started_on=timezone.localdate() - dt.timedelta(days=400),
            )
