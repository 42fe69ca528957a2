"""Permission boundaries of the agreement part: another village's cadre finds no case (404, reads and
writes alike); a grid assistant of the village (协管员: VIEW and REPORT only) reads the case but every write
answers 403 and changes nothing; anonymous users are sent to log in."""

from __future__ import annotations

import pytest
from django.utils import timezone

from mediation.models import Agreement, FollowUp, JudicialConfirmation, Signature
from regions.roles import Role
from tests.conftest import make_user
from tests.mediation.agreements_builders import effective, url, written
from tests.mediation.builders import mediating

pytestmark = pytest.mark.django_db

READS = ("agreement-detail", "agreement-print", "case-file")


def _writes(dispute, confirmation_pk: int) -> list[tuple[str, str, dict]]:
    today = timezone.localdate().isoformat()
    party = dispute.parties.order_by("id").first()
    return [
        ("agreement-create", url("agreement-create", dispute), {"version": dispute.version, "form": "oral"}),
        ("agreement-sign", url("agreement-sign", dispute), {"party": party.pk, "signed_on": today}),
        ("agreement-seal", url("agreement-seal", dispute), {"sealed_on": today}),
        ("agreement-scan-upload", url("agreement-scan-upload", dispute), {}),
        ("agreement-print", url("agreement-print", dispute), {}),
        (
            "follow-up-create",
            url("follow-up-create", dispute),
            {"version": dispute.version, "visited_on": today, "visitor": "某", "performance": "performed"},
        ),
        ("dispute-close", url("dispute-close", dispute), {"version": dispute.version}),
        ("confirmation-create", url("confirmation-create", dispute), {"applied_on": today, "court": "法院"}),
        ("confirmation-result", url("confirmation-result", dispute, confirmation_pk), {"outcome": "valid"}),
    ]


def _case(world):
    agreement = effective(world)
    dispute = agreement.dispute
    confirmation = JudicialConfirmation.objects.create(
        dispute=dispute,
        applied_on=timezone.localdate(),
        court="测试县人民法院",
        in_time=True,
        recorded_by=world.village_a1_clerk,
    )
    return dispute, confirmation


def _nothing_changed(dispute) -> None:
    assert not FollowUp.objects.filter(dispute=dispute).exists()
    assert JudicialConfirmation.objects.filter(dispute=dispute).count() == 1
    assert JudicialConfirmation.objects.get(dispute=dispute).outcome == "pending"


def test_another_villages_cadre_gets_404_everywhere(world):
    dispute, confirmation = _case(world)
    stranger = make_user("b1_secretary", Role.VILLAGE_SECRETARY, world.village_b1)
    client = world.client_for(stranger)
    for name in (*READS, "agreement-scan", "agreement-create", "follow-up-create"):
        assert client.get(url(name, dispute)).status_code == 404, name
    for name, path, data in _writes(dispute, confirmation.pk):
        assert client.post(path, data).status_code == 404, name
    _nothing_changed(dispute)


def test_a_grid_assistant_reads_but_gets_403_on_every_write(world):
    dispute, confirmation = _case(world)
    assistant = make_user("grid_assistant_a1", Role.GRID_ASSISTANT, world.village_a1)
    client = world.client_for(assistant)
    for name in READS:
        response = client.get(url(name, dispute))
        assert response.status_code == 200, name
    page = client.get(url("agreement-detail", dispute)).content.decode()
    # Nothing offered to act on.
    assert (
        "记录回访" not in page
        and "记录申请" not in page
        and "上传扫描件" not in page
        and 'id="close-button"' not in page
    )
    for name in ("agreement-create", "follow-up-create"):
        assert client.get(url(name, dispute)).status_code == 403, name
    for name, path, data in _writes(dispute, confirmation.pk):
        assert client.post(path, data).status_code == 403, name
    _nothing_changed(dispute)


def test_a_grid_assistant_cannot_sign_a_pending_agreement(world):
    agreement = written(world)
    assistant = make_user("grid_assistant_a1", Role.GRID_ASSISTANT, world.village_a1)
    client = world.client_for(assistant)
    party = agreement.dispute.parties.first()
    today = timezone.localdate().isoformat()
    assert (
        client.post(url("agreement-sign", agreement), {"party": party.pk, "signed_on": today}).status_code
        == 403
    )
    assert client.post(url("agreement-seal", agreement), {"sealed_on": today}).status_code == 403
    assert not Signature.objects.filter(agreement=agreement).exists()
    page = client.get(url("agreement-detail", agreement)).content.decode()
    assert "记录签署" not in page and "记录签名盖章" not in page


def test_a_grid_assistant_cannot_record_the_agreement(world):
    dispute = mediating(world)
    assistant = make_user("grid_assistant_a1", Role.GRID_ASSISTANT, world.village_a1)
    client = world.client_for(assistant)
    assert client.get(url("agreement-create", dispute)).status_code == 403
    assert "记录调解成功" not in client.get(url("agreement-detail", dispute)).content.decode()
    assert not Agreement.objects.filter(dispute=dispute).exists()


def test_anonymous_users_are_sent_to_log_in_and_post_only_urls_refuse_get(world):
    dispute, confirmation = _case(world)
    anonymous = world.client_for(None)
    for name in READS:
        response = anonymous.get(url(name, dispute))
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    clerk = world.client_for(world.village_a1_clerk)
    for name in (
        "agreement-sign",
        "agreement-seal",
        "agreement-scan-upload",
        "dispute-close",
        "confirmation-create",
    ):
        assert clerk.get(url(name, dispute)).status_code == 405, name
    assert clerk.get(url("confirmation-result", dispute, confirmation.pk)).status_code == 405
