"""Import of the statistical division-code table (统计用区划代码): all-or-nothing, every bad row named."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection, transaction

from core import region_cache, registry
from core.text import is_ascii_digits
from regions.models import REGION_NAME_MAX, Region
from regions.roles import LEVEL_DEPTH, PREFIX_LENGTH, level_of, prefix_of
from regions.selectors import REGIONS_TOPIC
from spreadsheets.reading import Row

NOT_A_NUMBER = "区划代码“{code}”不是数字（应为半角数字0-9）"
WRONG_LENGTH = "区划代码“{code}”长度为{n}位，应为6、9或12位"
EMPTY_NAME = "名称为空"
NAME_TOO_LONG = "名称超过{n}字（现有{length}字）"
DUPLICATE_CODE = "区划代码{code}与第{other}行相同但名称不同（“{name}”与“{other_name}”）"
PARENT_MISSING = "上级区划（代码{parent}）既不在文件中也不在系统中"
OUT_OF_SCOPE = "区划{code}不在您的管辖范围内"
BAD_CODE_SHAPE = "区划代码“{code}”不是有效的区划代码"


@dataclass
class RegionImportResult:
    created: int = 0
    renamed: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)


def parent_code_of(code12: str, level: str) -> str | None:
    depth = LEVEL_DEPTH[level]
    if depth == 0:
        return None
    parent_level = [lv for lv, d in LEVEL_DEPTH.items() if d == depth - 1][0]
    n = PREFIX_LENGTH[parent_level]
    return code12[:n].ljust(12, "0")


SEGMENTS = ((0, 2), (2, 4), (4, 6), (6, 9), (9, 12))


def _well_shaped(code12: str) -> bool:
    """Province digits are not zero, and once a level's digits are all zero every deeper one is too."""
    parts = [code12[a:b] for a, b in SEGMENTS]
    if set(parts[0]) == {"0"}:
        return False
    zero_seen = False
    for part in parts:
        if set(part) == {"0"}:
            zero_seen = True
        elif zero_seen:
            return False
    return True


@dataclass
class _Parsed:
    row: int
    code: str
    name: str
    level: str
    parent_code: str | None


def _parse(rows: list[Row], errors: list[tuple[int, str]]) -> dict[str, _Parsed]:
    parsed: dict[str, _Parsed] = {}
    for row in rows:
        raw_code, name = row.cell(0).replace(" ", ""), row.cell(1).strip()
        problems = []
        if not is_ascii_digits(raw_code):
            problems.append(NOT_A_NUMBER.format(code=raw_code))
        elif len(raw_code) not in (6, 9, 12):
            problems.append(WRONG_LENGTH.format(code=raw_code, n=len(raw_code)))
        elif not _well_shaped(raw_code.ljust(12, "0")):
            problems.append(BAD_CODE_SHAPE.format(code=raw_code))
        if not name:
            problems.append(EMPTY_NAME)
        elif len(name) > REGION_NAME_MAX:
            problems.append(NAME_TOO_LONG.format(n=REGION_NAME_MAX, length=len(name)))
        if problems:
            errors.append((row.number, "；".join(problems)))
            continue
        code = raw_code.ljust(12, "0")
        level = level_of(code)
        seen = parsed.get(code)
        if seen is not None:
            if seen.name != name:
                errors.append(
                    (
                        row.number,
                        DUPLICATE_CODE.format(code=code, other=seen.row, name=name, other_name=seen.name),
                    )
                )
            continue
        parsed[code] = _Parsed(row.number, code, name, level, parent_code_of(code, level))
    return parsed


@transaction.atomic
def regions_import(*, rows: list[Row], scope_prefixes: tuple[str, ...] | None = None) -> RegionImportResult:
    """Creates or renames regions from a division table; on any bad row nothing is written.

    ``scope_prefixes`` limits the regions the uploader may touch (None: no limit, the command line).
    Parents are inferred from the codes. From the command line the shallowest level in the file
    needs no parent (a county's table starts with the county); an uploader's regions need their
    parent unless that parent lies above the uploader's scope (the county admin's county itself).
    The systems are told of the new regions (a service center for each, say) through the registry.
    """
    result = RegionImportResult()
    errors: list[tuple[int, str]] = []
    parsed = _parse(rows, errors)
    existing = {
        r.code: r
        for r in Region.objects.filter(
            code__in=[*parsed, *{p.parent_code for p in parsed.values() if p.parent_code}]
        )
    }
    top_depth = min((LEVEL_DEPTH[p.level] for p in parsed.values()), default=0)
    for item in parsed.values():
        problems = []
        prefix = item.code[: PREFIX_LENGTH[item.level]]
        if scope_prefixes is not None and not any(prefix.startswith(s) for s in scope_prefixes):
            problems.append(OUT_OF_SCOPE.format(code=item.code))
        if scope_prefixes is None:
            parent_required = LEVEL_DEPTH[item.level] > top_depth
        else:
            parent_required = item.parent_code is not None and any(
                prefix_of(item.parent_code).startswith(s) for s in scope_prefixes
            )
        if parent_required and item.parent_code not in parsed and item.parent_code not in existing:
            problems.append(PARENT_MISSING.format(parent=item.parent_code))
        if problems:
            errors.append((item.row, "；".join(problems)))
    if errors:
        result.errors = [f"第{number}行：{message}" for number, message in sorted(errors)]
        return result

    # Check foreign keys row by row rather than queueing them to commit: with the audit triggers'
    # subtransactions, a long deferred-check queue makes each insert cost O(rows so far).
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    to_rename, created = [], []
    for depth in sorted({LEVEL_DEPTH[p.level] for p in parsed.values()}):
        new = []
        for item in (p for p in parsed.values() if LEVEL_DEPTH[p.level] == depth):
            region = existing.get(item.code)
            parent = existing.get(item.parent_code) if item.parent_code else None
            if region is None:
                new.append(
                    Region(
                        code=item.code,
                        prefix=item.code[: PREFIX_LENGTH[item.level]],
                        name=item.name,
                        level=item.level,
                        parent=parent,
                    )
                )
            elif region.name != item.name or (parent is not None and region.parent_id != parent.pk):
                region.name = item.name
                region.parent = parent or region.parent
                to_rename.append(region)
            else:
                result.unchanged += 1
        for region in Region.objects.bulk_create(new, batch_size=2000):
            existing[region.code] = region
            created.append(region)
    if to_rename:
        Region.objects.bulk_update(to_rename, ["name", "parent"], batch_size=2000)
    result.created, result.renamed = len(created), len(to_rename)
    for region in {r.parent for r in created if r.parent is not None}:
        region_cache.touch("children", region)
    if created or to_rename:
        region_cache.touch_everywhere(REGIONS_TOPIC)
    for hook in registry.regions_created_hooks():
        hook(regions=created)
    return result
