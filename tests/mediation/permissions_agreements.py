"""The permission matrix's entries of the agreement part of a dispute (mediation/views/agreements.py), for
tests/mediation/permissions.py to merge: ``AGREEMENT_ENTRIES`` (its ENTRIES) and
``build_side_agreements(ctx, side)`` (called from its build_side).

A side gets a dispute of its village, registered and mediated by the side's person (a 村两委成员, who
handles disputes), agreed in writing, signed by both parties and sealed (so effective, state 调解成功),
with a signed scan (a PNG) and a pending 司法确认 application. Names on the side start with ``agr_``.

Who sees a case: the handling village's cadres and grid workers (the clerk; the read-only persona is a
网格员, who handles cases too) and the system administrator; the township and county organization posts
of the world hold no mediation permission, so a case does not exist for them (404), in scope or not.
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from mediation import services as ms
from mediation.models import Agreement
from tests.conftest import png_bytes
from tests.mediation.builders import ID_A, ID_B
from tests.permissions.engine import BOTH, SCOPE, Ctx, Entry, Side, kwargs_of, logged_in, pk_of, row


def build_side_agreements(ctx: Ctx, side: Side) -> None:
    person, village = side.person, side.region
    today = timezone.localdate()
    dispute = ms.dispute_register(
        actor=person,
        village=village,
        data=ms.DisputeInput(
            source="visit",
            dispute_type="neighbours",
            summary=f"{village.name}两户因排水沟发生争执",
            parties=[
                ms.PartyInput(name="沈大", side="applicant", id_number=ID_A, phone="13812345678"),
                ms.PartyInput(name="沈二", side="respondent", id_number=ID_B, phone="13987654321"),
            ],
        ),
    )
    dispute = ms.dispute_accept(actor=person, dispute=dispute, version=dispute.version, application="oral")
    dispute = ms.mediators_assign(
        actor=person,
        dispute=dispute,
        version=dispute.version,
        mediators=[ms.MediatorInput(name="李调解", is_lead=True)],
    )
    ms.agreement_record(
        actor=person,
        dispute=dispute,
        version=dispute.version,
        data=ms.AgreementInput(
            form=Agreement.Form.WRITTEN,
            facts="双方因排水沟走向发生争执，各有责任。",
            terms="沈大出资疏通排水沟，沈二让出半米通道。",
            performance_manner="当场履行",
            reached_on=today,
        ),
    )
    for party in dispute.parties.order_by("id"):
        ms.agreement_sign(actor=person, dispute=dispute, party=party, signed_on=today)
    ms.agreement_seal(actor=person, dispute=dispute, sealed_on=today)
    ms.agreement_scan_upload(
        actor=person, dispute=dispute, uploaded=SimpleUploadedFile("scan.png", png_bytes(), "image/png")
    )
    confirmation = ms.confirmation_record(actor=person, dispute=dispute, applied_on=today, court="人民法院")
    dispute.refresh_from_db()
    side.add(agr_dispute=dispute, agr_confirmation=confirmation)


# Reads: whoever sees the handling village's cases; the world's township and county posts see none.
VIEWS = row(302, SCOPE, SCOPE, 404, 404, 404, BOTH)
# Acting (and revealing ID numbers): the same people here, since the village's grid worker and secretary
# both handle cases; a grid assistant who only reports gets 403 (tests/mediation/test_agreements_permissions.py).
ACTS = VIEWS
ACTS_REDIRECT = row(302, (302, 404), (302, 404), 404, 404, 404, (302, 302))


def to_agreement(c: Ctx, role: str, which: str, method: str) -> str:
    """Back to the agreement part of the case's page."""
    return f"{c.side(role, which).agr_dispute.get_absolute_url()}#agreement"


AGREEMENT = pk_of("agr_dispute")

AGREEMENT_ENTRIES: dict[str, Entry] = {
    # the agreement part on a page of its own, the scan (an image here), the case file (一案一卷)
    "mediation:agreement-detail": Entry("scoped", kwargs=AGREEMENT, get=VIEWS),
    "mediation:agreement-scan": Entry("scoped", kwargs=AGREEMENT, get=VIEWS, image=True),
    "mediation:case-file": Entry("scoped", kwargs=AGREEMENT, get=VIEWS),
    # the printable 调解协议书: masked for viewers; the POST prints ID numbers in full (recorded)
    "mediation:agreement-print": Entry("scoped", kwargs=AGREEMENT, get=VIEWS, post=ACTS),
    # the side's case is already agreed: the agreement form sends a handler back to the agreement with the
    # refusal; an (empty) POST gets the form again with its errors
    "mediation:agreement-create": Entry(
        "scoped", kwargs=AGREEMENT, get=ACTS_REDIRECT, post=ACTS, location=to_agreement
    ),
    # the agreement is effective, so a follow-up visit may be recorded (an empty POST: the form again)
    "mediation:follow-up-create": Entry("scoped", kwargs=AGREEMENT, get=ACTS, post=ACTS),
    # POST-only actions: an empty form is refused with a message on the agreement's page
    "mediation:agreement-sign": Entry(
        "scoped", kwargs=AGREEMENT, get=logged_in(405), post=ACTS_REDIRECT, location=to_agreement
    ),
    "mediation:agreement-seal": Entry(
        "scoped", kwargs=AGREEMENT, get=logged_in(405), post=ACTS_REDIRECT, location=to_agreement
    ),
    "mediation:agreement-scan-upload": Entry(
        "scoped", kwargs=AGREEMENT, get=logged_in(405), post=ACTS_REDIRECT, location=to_agreement
    ),
    "mediation:dispute-close": Entry(
        "scoped", kwargs=AGREEMENT, get=logged_in(405), post=ACTS_REDIRECT, location=to_agreement
    ),
    "mediation:confirmation-create": Entry(
        "scoped", kwargs=AGREEMENT, get=logged_in(405), post=ACTS_REDIRECT, location=to_agreement
    ),
    "mediation:confirmation-result": Entry(
        "scoped",
        kwargs=kwargs_of(pk="agr_dispute", confirmation_pk="agr_confirmation"),
        get=logged_in(405),
        post=ACTS_REDIRECT,
        location=to_agreement,
    ),
}
