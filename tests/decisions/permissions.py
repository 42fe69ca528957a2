"""The permission matrix's entries of decisions (四议两公开): matters and their records, categories, rosters,
oversight, and the public village-affairs bulletin.

A side gets a matter of its village taken through the four meetings (three days ago) by the side's
person (a 村两委成员, who manages the village's matters), its resolution posted today (so it stays at
决议公开 while the period runs), with a meeting paper, a board photo and an objection received during the
period; and a category the side's township added.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from decisions import services as ds
from decisions.models import BODIES_OF_STEP, MEETING_STEPS, DecisionRules, Disclosure, Matter, MatterCategory
from decisions.selectors import roster_on
from decisions.views_public import short_code
from regions.models import Urging
from regions.services import county_settings_save
from tests.conftest import png_bytes
from tests.permissions.engine import (
    BOTH,
    SCOPE,
    Ctx,
    Entry,
    Side,
    code_of,
    everyone,
    kwargs_of,
    logged_in,
    pk_of,
    row,
    to,
    to_object,
    to_url,
)

# Matters, meetings and disclosures change only through the services; categories (the statutory ones
# among them) and a county's rules may be added, never deleted.
ADMIN_NO_ADD = {"decisions.matter", "decisions.meeting", "decisions.disclosure"}
ADMIN_NO_DELETE = {
    "decisions.mattercategory",
    "decisions.decisionrules",
    "decisions.matter",
    "decisions.meeting",
    "decisions.disclosure",
}


def _decided_matter(side: Side) -> dict:
    village, person = side.region, side.person
    today = timezone.localdate()
    ds.roster_record(
        actor=None,
        village=village,
        valid_from=today - timedelta(days=400),
        counts=ds.RosterCounts(
            branch_committee=5,
            party_members=41,
            committee_members=7,
            representatives=30,
            village_committee=5,
            adults=900,
            households=300,
        ),
    )
    matter = ds.matter_register(
        actor=person,
        village=village,
        category=MatterCategory.objects.get(name="公益事业的兴办和筹资筹劳方案及建设承包方案"),
        title=f"{village.name}修建文化广场",
        content="在村东头空地修建文化广场。",
        estimated_amount=None,
        proposed_by="村党组织",
    )
    roster = roster_on(village=village, day=today)
    held_on = today - timedelta(days=3)
    for step in MEETING_STEPS:
        body = BODIES_OF_STEP[step][0]
        matter.refresh_from_db()
        entitled = roster.entitled_for(body)
        meeting = ds.meeting_record(
            actor=person,
            matter=matter,
            version=matter.version,
            data=ds.MeetingInput(
                step=step,
                body=body,
                held_on=held_on,
                place="村委会会议室",
                chair="王书记",
                recorder="李会计",
                entitled=entitled,
                present=entitled,
                votes_for=entitled,
                minutes="一致通过。",
            ),
        )
        assert meeting.passed, step
    attachment = ds.attachment_add(
        actor=person,
        meeting=meeting,
        kind="attendance",
        uploaded=SimpleUploadedFile("sign.png", png_bytes(), "image/png"),
    )
    matter.refresh_from_db()
    # 一监督: the committee reviewed the text first (the system acting for it).
    review = ds.review_decide(
        actor=None,
        review=ds.review_submit(
            actor=person,
            matter=matter,
            kind=Disclosure.Kind.RESOLUTION,
            data=ds.ReviewInput(text="决议：修建文化广场。"),
        ),
        verdict="agree",
    )
    disclosure = ds.disclosure_post(
        actor=person,
        matter=matter,
        version=matter.version,
        kind=Disclosure.Kind.RESOLUTION,
        data=ds.DisclosureInput(text="决议：修建文化广场。", posted_on=today),
        board_photo=SimpleUploadedFile("board.png", png_bytes(), "image/png"),
    )
    objection = ds.objection_record(
        actor=person, disclosure=disclosure, received_on=today, summary="选址有意见"
    )
    # A villager's objection filed on the public bulletin (name and phone, shown masked).
    public_objection = ds.objection_file_public(
        disclosure=disclosure, name="张三", phone="13812345678", summary="占用了村民的晒场"
    )
    # The village's supervision committee objected to the posting (recorded by the system here).
    supervision_objection = ds.opinion_record(
        actor=None, matter=matter, verdict="object", reason="公示内容不全"
    )
    # A correction of the posted text, waiting for the committee's sign-off.
    amendment = ds.amendment_create(
        actor=person,
        disclosure=disclosure,
        field="text",
        corrected="决议：修建文化广场及停车场。",
        reason="漏写停车场",
    )
    matter.refresh_from_db()
    assert matter.is_open and matter.step == "resolution_disclosure", matter.step
    return {
        "supervision_objection": supervision_objection,
        "review": review,
        "amendment": amendment,
        "matter": matter,
        "meeting": meeting,
        "attachment": attachment,
        "disclosure": disclosure,
        "board_photo": disclosure.board_photos.get(),
        "objection": objection,
        "public_objection": public_objection,
    }


def build_side(ctx: Ctx, side: Side) -> None:
    township = side.region.parent
    decided = _decided_matter(side)
    side.add(
        **decided,
        township_category=ds.category_create(actor=None, region=township, name=f"{township.name}自定事项"),
        # A 督办 on the side's matter, made directly (the service urges only a stuck matter).
        matter_urging=Urging.objects.create(
            content_type=ContentType.objects.get_for_model(Matter),
            object_id=decided["matter"].pk,
            village=side.region,
            issued_by=side.person,
            issued_on=timezone.localdate(),
            message="请尽快推进",
        ),
    )


def build_world(ctx: Ctx) -> None:
    # a county's rules, for the admin's object pages
    county_settings_save(
        actor=None,
        county=ctx.world.county,
        model=DecisionRules,
        values={
            "disclosure_days": 7,
            "resolution_within_days": 60,
            "record_within_days": 7,
            "stuck_days": 30,
        },
    )


def _short(c: Ctx, role: str, which: str) -> dict:
    return {"short": short_code(c.side(role, which).region.code)}


# Who manages a village's matters: its own cadres (the clerk, for A1) and the system administrator;
# everyone else who can view the matter may not act on it (403), and out of scope it does not exist (404).
MANAGES = row(302, (403, 404), SCOPE, (403, 404), (403, 404), (403, 404), BOTH)
MANAGES_REDIRECT = row(302, (403, 404), (302, 404), (403, 404), (403, 404), (403, 404), (302, 302))
VIEWS = row(302, SCOPE, SCOPE, SCOPE, SCOPE, SCOPE, BOTH)
to_matter = to_object("matter")  # where the matter's actions (and refusals of the wrong step) send the user

ENTRIES: dict[str, Entry] = {
    # -- public: the village-affairs bulletin (村务公开栏) of a village, its poster and its short link ------
    "bulletin": Entry("public", kwargs=code_of("region"), get=everyone(200)),
    "bulletin-poster": Entry("public", kwargs=code_of("region"), get=everyone(200)),
    "bulletin-short": Entry(
        "public", kwargs=_short, get=everyone(302), location=to_url("bulletin", code="region.code")
    ),
    # a villager's objection to a running posting of the village's bulletin (an empty form is shown again)
    "bulletin-objection": Entry(
        "public", kwargs=kwargs_of(code="region.code", pk="disclosure"), get=everyone(200), post=everyone(200)
    ),
    # -- any logged-in user; a permission held somewhere -------------------------------------------
    "decisions:matter-list": Entry("login", get=logged_in(200)),
    "decisions:oversight": Entry("login", get=logged_in(200)),
    # registering needs manage_decisions on a village: only the village's cadres and the system administrator
    "decisions:matter-create": Entry("login", get=row(302, 403, 200, 403, 403, 403, 200)),
    # categories: county and township administrators
    "decisions:categories": Entry("login", get=row(302, 403, 403, 200, 200, 200, 200)),
    # a township's own category: in the scope of its township's and county's administrators only
    "decisions:category-toggle": Entry(
        "scoped",
        kwargs=pk_of("township_category"),
        get=logged_in(405),
        post=row(302, 404, 404, (302, 404), (302, 404), (302, 404), (302, 302)),
        location=to("/decisions/categories/"),
    ),
    # -- view scope reads a matter, its record book, its papers and photos, a village's roster and record book
    "decisions:matter-detail": Entry("scoped", kwargs=pk_of("matter"), get=VIEWS),
    "decisions:matter-record": Entry("scoped", kwargs=pk_of("matter"), get=VIEWS),
    "decisions:attachment-file": Entry("scoped", kwargs=pk_of("attachment"), get=VIEWS, image=True),
    "decisions:board-photo-file": Entry("scoped", kwargs=pk_of("board_photo"), get=VIEWS, image=True),
    "decisions:roster": Entry("scoped", kwargs=code_of("region"), get=VIEWS),
    "decisions:record-book": Entry("scoped", kwargs=code_of("region"), get=VIEWS),
    # -- manage_decisions scope acts; the matter is at 决议公开 with its resolution posted, so neither a
    # meeting nor a posting is due: a manager's GET is sent back to the matter
    "decisions:meeting-create": Entry(
        "scoped", kwargs=pk_of("matter"), get=MANAGES_REDIRECT, location=to_matter
    ),
    "decisions:disclosure-create": Entry(
        "scoped", kwargs=pk_of("matter"), get=MANAGES_REDIRECT, location=to_matter
    ),
    "decisions:amendment-create": Entry("scoped", kwargs=pk_of("disclosure"), get=MANAGES),
    # POST-only actions: an empty form (or a matter that was not rejected) is refused with a message on the
    # matter's page
    "decisions:matter-repropose": Entry(
        "scoped", kwargs=pk_of("matter"), get=logged_in(405), post=MANAGES_REDIRECT, location=to_matter
    ),
    "decisions:attachment-add": Entry(
        "scoped", kwargs=pk_of("meeting"), get=logged_in(405), post=MANAGES_REDIRECT, location=to_matter
    ),
    "decisions:board-photo-add": Entry(
        "scoped", kwargs=pk_of("disclosure"), get=logged_in(405), post=MANAGES_REDIRECT, location=to_matter
    ),
    "decisions:objection-create": Entry(
        "scoped", kwargs=pk_of("disclosure"), get=logged_in(405), post=MANAGES_REDIRECT, location=to_matter
    ),
    "decisions:objection-answer": Entry(
        "scoped", kwargs=pk_of("objection"), get=logged_in(405), post=MANAGES_REDIRECT, location=to_matter
    ),
    # 异议成立 (the empty form is refused with a message on the matter's page)
    "decisions:objection-uphold": Entry(
        "scoped", kwargs=pk_of("objection"), get=logged_in(405), post=MANAGES_REDIRECT, location=to_matter
    ),
    # a villager's full name and phone, to those who manage the village's matters (each reveal recorded)
    "decisions:objection-reveal": Entry(
        "scoped", kwargs=pk_of("public_objection"), get=logged_in(405), post=MANAGES
    ),
    # 撤回: the matrix's matter is past its resolution, so a manager's POST is refused on the matter's page
    "decisions:matter-withdraw": Entry(
        "scoped", kwargs=pk_of("matter"), get=logged_in(405), post=MANAGES_REDIRECT, location=to_matter
    ),
    # 终止: the matrix's matter has its resolution posted, so a manager gets the form
    "decisions:matter-terminate": Entry("scoped", kwargs=pk_of("matter"), get=MANAGES),
    # the village answers the committee's objection (an empty answer is refused with a message)
    "decisions:supervision-objection-answer": Entry(
        "scoped",
        kwargs=pk_of("supervision_objection"),
        get=logged_in(405),
        post=MANAGES_REDIRECT,
        location=to_matter,
    ),
    # supervise_decisions: the village's supervision committee, which no role here holds but the superuser
    "decisions:supervision-objection-close": Entry(
        "scoped",
        kwargs=pk_of("supervision_objection"),
        get=logged_in(405),
        post=row(302, *[(403, 404)] * 5, (302, 302)),
        location=to_matter,
    ),
    # 一监督: sending a posting's content for review (the matrix's matter has its resolution posted, so no
    # review is due: a manager's GET is sent back to the matter, a POST gets the form back with the refusal)
    "decisions:review-create": Entry(
        "scoped", kwargs=pk_of("matter"), get=MANAGES_REDIRECT, post=MANAGES, location=to_matter
    ),
    # the committee reviews (the side's review is already agreed: refused with a message on the matter)
    "decisions:review-decide": Entry(
        "scoped",
        kwargs=pk_of("review"),
        get=logged_in(405),
        post=row(302, *[(403, 404)] * 5, (302, 302)),
        location=to_matter,
    ),
    # the village answers an objection (the side's review has none: refused with a message on the matter)
    "decisions:review-answer": Entry(
        "scoped", kwargs=pk_of("review"), get=logged_in(405), post=MANAGES_REDIRECT, location=to_matter
    ),
    # the committee confirms or refuses a correction of substance (an empty form is refused with a message)
    "decisions:amendment-signoff": Entry(
        "scoped",
        kwargs=pk_of("amendment"),
        get=logged_in(405),
        post=row(302, *[(403, 404)] * 5, (302, 302)),
        location=to_matter,
    ),
    "decisions:opinion-create": Entry(
        "scoped",
        kwargs=pk_of("matter"),
        get=logged_in(405),
        post=row(302, *[(403, 404)] * 5, (302, 302)),
        location=to_matter,
    ),
    # 督办: township leaders and organization members and the county organization (urge_village_work);
    # the matrix's matter is not stuck, so a permitted POST is refused with a message on the matter
    "decisions:matter-urge": Entry(
        "scoped",
        kwargs=pk_of("matter"),
        get=logged_in(405),
        post=row(302, (403, 404), (403, 404), (302, 404), (302, 404), (302, 404), (302, 302)),
        location=to_matter,
    ),
    # answering a 督办: whoever manages the village's matters
    "decisions:matter-urging-answer": Entry(
        "scoped",
        kwargs=kwargs_of(pk="matter", urging_pk="matter_urging"),
        get=logged_in(405),
        post=MANAGES_REDIRECT,
        location=to_matter,
    ),
}
