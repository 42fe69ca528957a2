"""Dispute mediation for the benchmark database: a year of disputes (about 1,400 at county scale, 6,000 at
city scale), the grids and mediation committees of every village, and the mediation posts the pages are
measured with.

Runs after ``bench/activity.py`` (it needs the villages and their ``sec<code>`` secretaries). The rows are
built by the demo's generator (``mediation.demo.year_of_cases``: every state, written and oral agreements,
follow-ups, escalations to the township and the county, petitions and a 积案 per county, with their
timeline events as mediation.workflows writes them) and inserted with ``bulk_create`` in one transaction
with ``SET CONSTRAINTS ALL IMMEDIATE``, then ``ANALYZE``. Per county 18 cases are left unresolved in the
other states; the others are resolved.

The measured users (``pages``): the county's 政法委 (``politics<county6>``), the first township's 司法所
(``justice<township9>``) and the first village's secretary (``sec<code>``), each on the dispute list, a
case of the first village, the figures page (when its URL exists), the 积案 list and their home page (the
region page with the mediation panels).
"""

from __future__ import annotations

import time

# Cases per village: county scale 400 villages x 3.5 = 1,400; city scale 1,500 x 4 = 6,000.
PER_VILLAGE = {"county": (2, 5), "city": (3, 5)}


def populate(*, scale: str, progress=print) -> dict:
    from django.db import connection, transaction
    from django.db.models import Count

    from accounts.models import User
    from mediation.demo import committees_ensure, grids_ensure, year_of_cases
    from mediation.models import Dispute
    from regions.models import Region
    from regions.roles import Level, Role
    from regions.services import post_grant

    started = time.perf_counter()
    counties = list(Region.objects.filter(level=Level.COUNTY).order_by("code"))
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        grids = committees = cases = 0
        for county in counties:
            grids += grids_ensure(county)
            committees += committees_ensure(county)
            cases += year_of_cases(county, per_village=PER_VILLAGE[scale])
        county = counties[0]
        township = Region.objects.filter(parent=county).order_by("code").first()
        for username, role, region in (
            (f"politics{county.code[:6]}", Role.COUNTY_POLITICS_LAW, county),
            (f"justice{township.code[:9]}", Role.TOWNSHIP_JUSTICE, township),
        ):
            user = User.objects.create(username=username, real_name=username, must_change_password=False)
            post_grant(actor=None, user=user, role=role, region=region)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    total = time.perf_counter() - started
    made = {
        "disputes": cases,
        "grids": grids,
        "committees": committees,
        "states": dict(Dispute.objects.values_list("state").order_by("state").annotate(n=Count("pk"))),
        "total_s": total,
    }
    progress(
        f"   mediation: {cases} disputes, {grids} grids, {committees} committees in {total:.1f} s (with ANALYZE)"
    )
    return made


def pages() -> list[tuple[str, object, list[tuple[str, str | None]]]]:
    """(label, user, [(page, url)]) of the mediation pages; url None is the user's home page."""
    from django.db.models import Count
    from django.urls import reverse

    from accounts.models import User
    from bench import generate
    from mediation.models import Dispute
    from mediation.models import Level as CaseLevel
    from regions.models import Region

    county = Region.objects.get(code=generate.FIRST_COUNTY_CODE)
    township = Region.objects.filter(parent=county).order_by("code").first()
    village = Region.objects.filter(parent=township).order_by("code").first()
    # A case every one of the three users may see, in the same state at every scale (the page's queries
    # depend on what the case holds, not on how many cases there are): the first village's case with a
    # written agreement in effect and its follow-ups (the page's fullest state), else its longest timeline.
    mine = Dispute.objects.filter(village=village, level__in=(CaseLevel.GRID, CaseLevel.VILLAGE))
    case = (
        mine.filter(
            agreement__form="written", agreement__effective_on__isnull=False, follow_ups__isnull=False
        )
        .order_by("id")
        .first()
        or mine.annotate(steps=Count("timeline")).order_by("-steps", "id").first()
    )
    measured = [
        ("dispute list", "/mediation/"),
        ("dispute detail", case.get_absolute_url() if case else "/mediation/"),
        ("backlog", reverse("mediation:backlog")),
    ]
    import datetime as dt

    from django.utils import timezone

    today = timezone.localdate()
    year_ago = today - dt.timedelta(days=365)
    figures = reverse("mediation:figures")
    measured.append(
        ("mediation figures (a year)", f"{figures}?start={year_ago:%Y-%m-%d}&end={today:%Y-%m-%d}")
    )
    measured.append(("home (panels)", None))
    users = (
        ("county politics-law", f"politics{county.code[:6]}"),
        ("township justice", f"justice{township.code[:9]}"),
        ("village secretary", f"sec{village.code}"),
    )
    return [(label, User.objects.get(username=username), measured) for label, username in users]
