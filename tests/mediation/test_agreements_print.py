"""The printable 调解协议书 (人民调解法 第29条: N parties, N+1 originals, ID numbers masked unless a holder of
the reveal permission prints them, which is recorded), the signed scan's upload (PDF or image, at most
10 MB, a refused file stores nothing) and the case file (一案一卷), each page at a fixed number of queries."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import PersonalDataReveal
from core.personal_data import mask_id_number
from mediation.models import Agreement, Committee
from mediation.services import agreements as sa
from regions.roles import Role
from tests.conftest import make_user, png_bytes
from tests.mediation.agreements_builders import full_case, url, written
from tests.mediation.builders import ID_A, ID_B
from uploads.documents import DOCUMENT_NOT_ALLOWED, DOCUMENT_TOO_LARGE

pytestmark = pytest.mark.django_db


def test_print_shows_n_plus_one_originals_and_masked_ids(world):
    agreement = written(world)
    client = world.client_for(world.village_a1_clerk)
    page = client.get(url("agreement-print", agreement)).content.decode()
    assert "本协议书一式三份，双方当事人各执一份，人民调解委员会留存一份。" in page
    assert mask_id_number(ID_A) in page and mask_id_number(ID_B) in page
    assert ID_A not in page and ID_B not in page
    # The law's contents: particulars (sex and age read from the ID), facts, terms, performance, signatures.
    assert "沈大，女" in page and "岁" in page and "白马村1组" in page
    assert "双方因排水沟走向发生争执" in page and "沈大出资疏通排水沟" in page and "当场履行" in page
    assert page.count("party-sign") == 2 and "人民调解员（签名）" in page
    # No committee registered: the handling village's name.
    assert "白马村人民调解委员会（印章）" in page
    assert not PersonalDataReveal.objects.exists()


def test_print_with_six_parties_has_seven_originals_and_names_the_active_committee(world):
    import datetime as dt

    Committee.objects.create(
        region=world.village_a1,
        name="白马村民调解委员会",
        term_starts_on=dt.date(2025, 1, 1),
        term_ends_on=dt.date(2028, 1, 1),
    )
    agreement = written(world, n=6)
    page = world.client_for(world.village_a1_clerk).get(url("agreement-print", agreement)).content.decode()
    assert "本协议书一式七份，各方当事人各执一份，人民调解委员会留存一份。" in page
    assert page.count("party-sign") == 6
    assert "白马村民调解委员会（印章）" in page


def test_reveal_on_print_writes_an_audit_row_per_party(world):
    agreement = written(world)
    client = world.client_for(world.village_a1_clerk)
    assert 'id="reveal-print"' in client.get(url("agreement-print", agreement)).content.decode()
    response = client.post(url("agreement-print", agreement))
    page = response.content.decode()
    assert response.status_code == 200 and ID_A in page and ID_B in page
    rows = PersonalDataReveal.objects.filter(user=world.village_a1_clerk, record_type="mediation.Party")
    assert sorted(rows.values_list("record_id", flat=True)) == sorted(
        agreement.dispute.parties.values_list("pk", flat=True)
    )
    assert set(rows.values_list("fields", flat=True)) == {"id_number"}


def test_reveal_on_print_is_refused_without_the_permission(world):
    agreement = written(world)
    assistant = make_user("grid_assistant_a1", Role.GRID_ASSISTANT, world.village_a1)
    client = world.client_for(assistant)
    page = client.get(url("agreement-print", agreement)).content.decode()
    assert 'id="reveal-print"' not in page and ID_A not in page
    assert client.post(url("agreement-print", agreement)).status_code == 403
    assert not PersonalDataReveal.objects.exists()


def _pdf(size: int = 0) -> bytes:
    body = b"%PDF-1.4\n1 0 obj<<>>endobj\n" + b"0" * size
    return body + b"\n%%EOF\n"


def test_upload_of_the_signed_scan_and_its_scoped_file(world):
    agreement = written(world)
    client = world.client_for(world.village_a1_clerk)
    response = client.post(
        url("agreement-scan-upload", agreement),
        {"scan": SimpleUploadedFile("签署.pdf", _pdf(), "application/pdf")},
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.scan.name.endswith(".pdf")
    response = client.get(url("agreement-scan", agreement))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    b"".join(response.streaming_content)
    # An image replaces it and is served inline as an image.
    client.post(url("agreement-scan-upload", agreement), {"scan": SimpleUploadedFile("s.png", png_bytes())})
    response = client.get(url("agreement-scan", agreement))
    assert response["Content-Type"] == "image/png"
    b"".join(response.streaming_content)
    # Another village's cadre does not find it.
    stranger = make_user("b1_secretary", Role.VILLAGE_SECRETARY, world.village_b1)
    assert world.client_for(stranger).get(url("agreement-scan", agreement)).status_code == 404


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            lambda: SimpleUploadedFile("协议.docx", b"PK\x03\x04 not a pdf", "application/pdf"),
            DOCUMENT_NOT_ALLOWED,
        ),
        (
            lambda: SimpleUploadedFile("协议.pdf", _pdf(sa.MAX_SCAN_BYTES), "application/pdf"),
            DOCUMENT_TOO_LARGE,
        ),
    ],
    ids=["not-a-pdf-or-image", "oversized"],
)
def test_upload_refuses_a_bad_file_with_a_chinese_message_and_stores_nothing(
    world, settings, upload, message
):
    agreement = written(world)
    uploaded = upload()
    folder = settings.MEDIA_ROOT / "mediation" / "agreements"
    before = sorted(p.name for p in folder.rglob("*")) if folder.exists() else []
    response = world.client_for(world.village_a1_clerk).post(
        url("agreement-scan-upload", agreement), {"scan": uploaded}, follow=True
    )
    expected = message.format(name=uploaded.name, mb=sa.MAX_SCAN_BYTES // (1024 * 1024))
    assert expected in response.content.decode()
    agreement = Agreement.objects.get(pk=agreement.pk)
    assert not agreement.scan
    after = sorted(p.name for p in folder.rglob("*")) if folder.exists() else []
    assert after == before


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", ["agreement-print", "case-file", "agreement-detail"])
def test_page_queries_are_bounded_and_the_same_for_2_and_6_parties(world, name):
    small = full_case(world, n=2, sessions=1)
    large = full_case(world, n=6, sessions=4)
    client = world.client_for(world.village_a1_clerk)
    client.get(url(name, small))  # warm the session and the user's grants
    counts = [_queries(client, url(name, small)), _queries(client, url(name, large))]
    assert counts[0] == counts[1] and counts[0] <= 15, counts


def test_the_case_file_gathers_the_whole_case(world):
    agreement = full_case(world, n=3, sessions=2)
    page = world.client_for(world.village_a1_clerk).get(url("case-file", agreement)).content.decode()
    for section in (
        "file-registration",
        "file-parties",
        "file-sessions",
        "file-agreement",
        "file-follow-ups",
        "file-timeline",
    ):
        assert f'id="{section}"' in page
    assert "第2次调解" in page and "沈三" in page and "已履行" in page and "协议生效" in page
    assert mask_id_number(ID_A) in page and ID_A not in page and "138****5678" in page
