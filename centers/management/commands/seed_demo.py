from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
import random

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit.context import task_context
from centers.demo import division_table, person_name
from centers.models import ChecklistEntry, Post, Region, RoomType, ServiceCenter
from centers.roles import Level, Role
from centers.selectors import checklist_items_for
from centers.services import post_grant, regions_import
from centers.standards import service_items_ensure, standard_lists_ensure
from spreadsheets.reading import Row

DEMO_PASSWORD = "Demo@2026"


class Command(BaseCommand):
    help = "建立演示县：生成区划代码表（14个乡镇、200余个村）、各级党群服务中心和每个职务的演示账号。可重复执行。"

    def handle(self, *args, **options):
        started = timezone.now()
        with task_context("seed_demo"), transaction.atomic():
            standard_lists_ensure()
            service_items_ensure()
            rows = [Row(number=i, cells=cells) for i, cells in enumerate(division_table(), start=2)]
            result = regions_import(rows=rows)
            self._fill_centers()
            logins = self._people()
            self._village_secretaries()
            self._duty_and_requests()
            app_lines = self._app_demos()
        self.stdout.write(f"区划：新增{result.created}个，未变{result.unchanged}个。")
        for line in app_lines:
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"演示账号（密码均为 {DEMO_PASSWORD}）："))
        for username, role_label, region_name in logins:
            self.stdout.write(f"  {username:<22} {role_label:<14} {region_name}")
        self.stdout.write(f"用时{(timezone.now() - started).total_seconds():.1f}秒。")

    def _app_demos(self) -> list[str]:
        """The hook for apps above centers (centers must not import them): every installed app with a
        ``<app>.demo`` module defining ``seed_after_centers(*, county)`` is called, in INSTALLED_APPS order,
        in the same transaction once the county, its people, shifts and requests exist. It must be
        idempotent (a second run adds nothing) and returns the lines to print (may be empty)."""
        county = Region.objects.get(code=division_table()[0][0])
        lines: list[str] = []
        for config in apps.get_app_configs():
            name = f"{config.name}.demo"
            if importlib.util.find_spec(name) is None:
                continue
            seed = getattr(importlib.import_module(name), "seed_after_centers", None)
            if seed is not None:
                lines += seed(county=county) or []
        return lines

    def _fill_centers(self) -> None:
        rng = random.Random(11)
        county = Region.objects.get(code=division_table()[0][0])
        items = list(checklist_items_for(county))
        rooms = list(RoomType.objects.filter(county__isnull=True))
        today = timezone.localdate()
        centers = ServiceCenter.objects.filter(region__prefix__startswith=county.prefix).select_related("region")
        have = set(ChecklistEntry.objects.filter(center__in=centers).values_list("center_id", "item_id"))
        new_entries = []
        for center in centers:
            if not center.address:
                center.address = f"{center.region.name}{'人民路' if center.region.level != Level.VILLAGE else ''}{rng.randint(1, 99)}号"
                center.duty_phone = f"0395-{rng.randint(5000000, 8999999)}"
                center.save(update_fields=["address", "duty_phone"])
                center.rooms.set(rng.sample(rooms, rng.randint(4, len(rooms))))
            # Varied states: most centers meet most items; a few lag behind.
            share = rng.choice([1.0, 0.9, 0.75, 0.5, 0.25])
            for item in items:
                if (center.pk, item.pk) not in have:
                    met = rng.random() < share
                    new_entries.append(ChecklistEntry(
                        center=center, region_id=center.region_id, item=item, is_met=met,
                        checked_on=today - dt.timedelta(days=rng.randint(1, 90)),
                        note="" if met else "待整改"))
        ChecklistEntry.objects.bulk_create(new_entries, batch_size=2000)

    def _people(self) -> list[tuple[str, str, str]]:
        rng = random.Random(5)
        county = Region.objects.get(code=division_table()[0][0])
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
            ("village_mediator", Role.VILLAGE_MEDIATOR, village_a),
            ("village_supervisor", Role.VILLAGE_SUPERVISOR, village_a),
            ("township2_leader", Role.TOWNSHIP_LEADER, townships[1]),
            ("village2_secretary", Role.VILLAGE_SECRETARY, village_b),
        ]
        logins = []
        for username, role, region in plan:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username, real_name=person_name(rng), must_change_password=False,
                            is_staff=role == Role.SYSTEM_ADMIN, is_superuser=role == Role.SYSTEM_ADMIN)
                user.set_password(DEMO_PASSWORD)
                user.save()
            if not Post.objects.filter(user=user, role=role, region=region, ended_on__isnull=True).exists():
                post_grant(actor=None, user=user, role=role, region=region,
                           started_on=timezone.localdate() - dt.timedelta(days=365))
            logins.append((username, role.label, region.name))
        return logins

    def _village_secretaries(self) -> None:
        """A party secretary for every demo village (not printed), so each has a roster and requests."""
        from django.contrib.auth.hashers import make_password

        county = Region.objects.get(code=division_table()[0][0])
        villages = Region.objects.filter(prefix__startswith=county.prefix, level=Level.VILLAGE)
        have = set(Post.objects.filter(region__in=villages, role=Role.VILLAGE_SECRETARY, ended_on__isnull=True)
                   .values_list("region_id", flat=True))
        rng = random.Random(17)
        password = make_password(DEMO_PASSWORD)
        for village in villages.exclude(pk__in=have).order_by("code"):
            user, _ = User.objects.get_or_create(username=f"sec_{village.code}", defaults={
                "real_name": person_name(rng), "password": password, "must_change_password": False})
            post_grant(actor=None, user=user, role=Role.VILLAGE_SECRETARY, region=village,
                       started_on=timezone.localdate() - dt.timedelta(days=400))

    def _duty_and_requests(self) -> None:
        """Thirty days of duty shifts and a few proxy requests per village, once (skipped when present)."""
        from centers.models import DutyShift, ProxyRequest, ProxyRequestStep, ServiceItem
        from centers.services.proxy_requests import _new_codes, _promise
        from centers.workdays import is_working_day

        county = Region.objects.get(code=division_table()[0][0])
        if DutyShift.objects.filter(village__prefix__startswith=county.prefix).exists():
            return
        rng = random.Random(23)
        today = timezone.localdate()
        secretaries = {p.region_id: p.user for p in Post.objects.filter(
            region__prefix__startswith=county.prefix, role=Role.VILLAGE_SECRETARY, ended_on__isnull=True)
            .select_related("user")}
        shifts = []
        for region_id, cadre in secretaries.items():
            for offset in range(-30, 15):
                day = today + dt.timedelta(days=offset)
                if not is_working_day(day, {}):
                    continue
                shift = DutyShift(village_id=region_id, date=day, cadre=cadre)
                if offset < 0:
                    roll = rng.random()
                    shift.attendance = "absent" if roll < 0.04 else ("late" if roll < 0.12 else "on_time")
                    if shift.attendance != "absent":
                        minute = rng.randint(15, 58) if shift.attendance == "on_time" else rng.randint(12, 50)
                        hour = 8 if shift.attendance == "on_time" else 9
                        shift.checked_in_at = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))
                        shift.checked_out_at = timezone.make_aware(dt.datetime.combine(day, dt.time(17, 35)))
                        shift.visitors = rng.randint(0, 12)
                shifts.append(shift)
        DutyShift.objects.bulk_create(shifts, batch_size=5000)
        items = list(ServiceItem.objects.filter(region__isnull=True, is_active=True))
        villages = {r.pk: r for r in Region.objects.filter(pk__in=secretaries)}
        surnames = "王李张刘陈杨赵黄周吴"
        for region_id, cadre in secretaries.items():
            for _ in range(rng.randint(2, 5)):
                item = rng.choice(items)
                accepted = today - dt.timedelta(days=rng.randint(0, 40))
                promised, warn = _promise(villages[region_id], accepted, item.promised_days)
                number, code = _new_codes(accepted)
                status = rng.choice(["accepted", "in_progress", "in_progress", "done", "replied", "replied"])
                request = ProxyRequest.objects.create(
                    number=number, receipt_code=code, village_id=region_id, item=item,
                    applicant_name=rng.choice(surnames) + rng.choice(["大爷", "奶奶", "大哥", "大姐"]),
                    applicant_phone=f"13{rng.randint(100000000, 999999999)}", materials_received=item.material_list[:2],
                    accepted_by=cadre, accepted_on=accepted, handler=cadre, office=item.office,
                    promised_date=promised, warn_on=warn, status=status,
                    result="已办结" if status in ("done", "replied") else "",
                    finished_on=min(today, promised) if status in ("done", "replied") else None,
                    satisfaction=rng.choice(["satisfied", "satisfied", "fairly"]) if status == "replied" else "")
                ProxyRequestStep.objects.create(request=request, kind="accept", to_status="accepted", actor=cadre,
                                                note=f"承诺{promised:%Y年%m月%d日}前办结")
