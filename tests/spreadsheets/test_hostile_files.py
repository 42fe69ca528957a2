"""Hostile spreadsheets (issue 11, section 1): each is refused through the real upload pages with one clear
Chinese message and nothing written, and reading it takes under a few seconds and 200 MB whatever it
declares. The reader runs in a child process for the measure (its own peak resident size, VmHWM)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from centers.models import ServiceCenter, ServiceItem
from regions.models import Post, Region
from spreadsheets import reading
from tests.spreadsheets import hostile_files

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[2]
SECONDS = 5.0
EXTRA_MB = 200

# Each hostile file and the message that refuses it (a name in spreadsheets.reading; looked up after the
# request, so that on a reader without it the test fails on the answer, not on the import).
EXPECTED = {
    "dimension_bomb": ("TOO_MANY_ROWS", {"n": 100_000}),
    "shared_string_bomb": ("TOO_LARGE_UNPACKED", {"mb": 50}),
    "deep_xml": ("ODD_STRUCTURE", {}),
    "entity_bomb": ("ODD_STRUCTURE", {}),
    "many_sheets": ("TOO_MANY_SHEETS", {"n": 20}),
    "ratio_bomb": ("ODD_COMPRESSION", {}),
    "formula_without_type": ("BAD_CELL", {"n": 3}),
    # Today's reader already refused this one (as "not a table"): kept so that the declared sizes stay binding.
    "lying_sizes": ("DAMAGED", {}),
}


def _expected_message(name: str) -> str:
    constant, fields = EXPECTED[name]
    return getattr(reading, constant).format(**fields)


def _counts() -> tuple[int, ...]:
    return (
        Region.objects.count(),
        ServiceCenter.objects.count(),
        User.objects.count(),
        Post.objects.count(),
        ServiceItem.objects.count(),
    )


def _form_errors(response) -> list[str]:
    return list(response.context["form"].errors.get("file", []))


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    return {name: make() for name, make in hostile_files.HOSTILE_FILES.items()}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_region_import_refuses_each_hostile_file_with_a_clear_message(world, files, name):
    client = world.client_for(world.county_admin)
    before = _counts()
    response = client.post("/regions/import/", {"file": SimpleUploadedFile("t.xlsx", files[name])})
    assert response.status_code == 200
    assert _counts() == before
    assert response.context["result"] is None and len(_form_errors(response)) == 1
    assert _form_errors(response) == [_expected_message(name)]
    assert _expected_message(name) in response.content.decode()


@pytest.mark.parametrize("name", ["dimension_bomb", "formula_without_type", "deep_xml"])
def test_people_and_service_item_imports_refuse_hostile_files(world, files, name):
    """The same reader serves every import; each states its own row limit (people: 5,000; items: 2,000)."""
    limits = {"people": 5_000, "items": 2_000}
    before = _counts()
    people = world.client_for(world.county_admin).post(
        "/people/import/", {"file": SimpleUploadedFile("p.xlsx", files[name])}
    )
    items = world.client_for(world.county_admin).post(
        "/service-items/import/",
        {"owner": world.county.pk, "file": SimpleUploadedFile("s.xlsx", files[name])},
    )
    for response, limit in ((people, limits["people"]), (items, limits["items"])):
        assert response.status_code == 200
        expected = (
            reading.TOO_MANY_ROWS.format(n=limit) if name == "dimension_bomb" else _expected_message(name)
        )
        assert _form_errors(response) == [expected]
    assert _counts() == before


_MEASURE = """
import inspect, json, re, sys, time
sys.path.insert(0, sys.argv[1])
import openpyxl, openpyxl.reader.excel  # loaded before the baseline: the library is not the file's cost
from spreadsheets.reading import TableReadError, table_rows

def status_mb(key):
    with open("/proc/self/status") as status:
        return int(re.search(key + r":\\s+(\\d+) kB", status.read()).group(1)) / 1024

data = open(sys.argv[2], "rb").read()
# The process's own peak (VmHWM), reset to now: ru_maxrss would carry the parent's peak across exec.
with open("/proc/self/clear_refs", "w") as clear:
    clear.write("5")
base = status_mb("VmRSS")
started = time.perf_counter()
# The division import's limits (a reader that takes no limits is measured as it is).
bounded = "max_rows" in inspect.signature(table_rows).parameters
limits = {"max_rows": 100_000, "max_columns": 2} if bounded else {}
try:
    table_rows(data, "t.xlsx", **limits)
    outcome = "read"
except TableReadError as exc:
    outcome = str(exc)
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "extra_mb": status_mb("VmHWM") - base, "outcome": outcome}))
"""


def _measure(path: Path) -> dict:
    """Reads the file with the division import's limits in a child process, capped at 1.5 GB of address
    space and 60 s: a reader that goes past them fails the test instead of the machine."""

    def limits() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (1536 * 1024 * 1024,) * 2)

    try:
        done = subprocess.run(
            [sys.executable, "-c", _MEASURE, str(REPO), str(path)],
            capture_output=True,
            text=True,
            timeout=60,
            preexec_fn=limits,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"reading {path.name} took more than 60 s")
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_reading_each_hostile_file_is_bounded_in_time_and_memory(files, name, tmp_path):
    path = tmp_path / f"{name}.xlsx"
    path.write_bytes(files[name])
    figures = _measure(path)
    assert figures["outcome"] == _expected_message(name)
    assert figures["seconds"] < SECONDS, figures
    assert figures["extra_mb"] < EXTRA_MB, figures


def test_a_declared_dimension_is_ignored_and_real_rows_import(world):
    """A sheet that claims A1:XFD1048576 but holds two rows imports those rows, quickly."""
    client = world.client_for(world.county_admin)
    data = hostile_files.dimension_declared()
    response = client.post("/regions/import/", {"file": SimpleUploadedFile("t.xlsx", data)})
    assert _form_errors(response) == []
    assert response.context["result"].errors == []
    assert Region.objects.filter(code="419901000000").exists()
    rows = reading.table_rows(data, "t.xlsx", max_columns=2)
    assert [(r.number, r.cells) for r in rows] == [(2, ("419901000000", "示例县"))]


def test_rows_are_capped_to_the_columns_the_import_reads():
    data = ("a,b\n" + "x," * 10_000 + "y\n").encode()
    assert reading.table_rows(data, "t.csv", max_columns=3)[0].cells == ("x", "x", "x")


def test_row_limit_takes_the_maximum_and_refuses_the_first_row_past_it():
    at_limit = ("代码,名称\n" + "1,甲\n" * 3).encode()
    assert len(reading.table_rows(at_limit, "t.csv", max_rows=3)) == 3
    past = at_limit + b"4,\xe4\xb9\x99\n"
    with pytest.raises(reading.TableReadError, match="^文件超过3行上限，请分批导入。$"):
        reading.table_rows(past, "t.csv", max_rows=3)


def test_service_item_upload_past_its_documented_maximum_is_refused_whole(world):
    """2,000 items is the documented maximum (shown on the page); 2,001 rows are refused, nothing written."""
    client = world.client_for(world.county_admin)
    page = client.get("/service-items/import/").content.decode()
    assert "每个文件最多2000行数据" in page
    row = "新事项{},其他,代理办,科室,,3,是\n"
    header = "事项名称,类别,办理方式,责任科室,所需材料,承诺时限,是否需要身份证号\n"
    data = (header + "".join(row.format(i) for i in range(2_001))).encode()
    before = _counts()
    response = client.post(
        "/service-items/import/", {"owner": world.county.pk, "file": SimpleUploadedFile("s.csv", data)}
    )
    assert _form_errors(response) == [reading.TOO_MANY_ROWS.format(n=2_000)]
    assert _counts() == before


@pytest.mark.parametrize(("sheets", "refused"), [(20, False), (21, True)])
def test_sheet_count_boundary(sheets, refused):
    data = hostile_files.many_sheets(sheets)
    if refused:
        with pytest.raises(reading.TableReadError, match="工作表过多"):
            reading.table_rows(data, "t.xlsx")
    else:
        assert len(reading.table_rows(data, "t.xlsx")) == 1


def test_nesting_at_the_depth_limit_reads_and_one_deeper_is_refused():
    """Depth counts from the worksheet element: worksheet, sheetData, row, c, is and the nest inside."""
    inner = reading.MAX_XML_DEPTH - 5
    assert len(reading.table_rows(hostile_files.deep_xml(inner), "t.xlsx")) >= 1
    with pytest.raises(reading.TableReadError, match="嵌套过深"):
        reading.table_rows(hostile_files.deep_xml(inner + 1), "t.xlsx")


def test_a_csv_field_past_the_limit_is_a_message_not_an_error():
    data = b'a,b\n"' + b"x" * (reading.CSV_FIELD_LIMIT + 10) + b'",1\n'
    with pytest.raises(reading.TableReadError, match="第2行有超长的内容"):
        reading.table_rows(data, "t.csv")


def test_openpyxl_parses_uploads_through_defusedxml():
    """Besides the reader's own scan, openpyxl refuses entity declarations itself (defusedxml installed)."""
    import openpyxl.xml
    import openpyxl.xml.functions

    assert openpyxl.xml.DEFUSEDXML is True
    assert openpyxl.xml.functions.iterparse.__module__.startswith("defusedxml")


def test_progress_is_reported_every_thousand_rows():
    data = ("代码,名称\n" + "1,甲\n" * 2_500).encode()
    seen: list[int] = []
    assert len(reading.table_rows(data, "t.csv", progress=seen.append)) == 2_500
    assert seen == [1_000, 2_000]
