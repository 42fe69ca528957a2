"""The foundation's imports (spreadsheets.imports): the division-code table and people with their posts."""

from __future__ import annotations

from spreadsheets.imports import ImportKind

# The documented maxima of data rows per file (shown on the upload pages): a province's division table
# is about 55,000 rows; people are imported a township or a county at a time.
REGIONS_MAX_ROWS = 100_000
PEOPLE_MAX_ROWS = 5_000
NO_IMPORT_PERMISSION = "您没有导入区划代码的权限。"
NO_PEOPLE_PERMISSION = "您没有管理人员和职务的权限。"


def _regions_run(user, rows, params):
    from regions import services
    from regions.roles import IMPORT_REGIONS
    from regions.scoping import require_somewhere

    prefixes = require_somewhere(user, IMPORT_REGIONS, message=NO_IMPORT_PERMISSION)
    return services.regions_import(rows=rows, scope_prefixes=None if "" in prefixes else prefixes)


def _people_run(user, rows, params):
    from regions import services
    from regions.roles import MANAGE_PEOPLE
    from regions.scoping import require_somewhere

    require_somewhere(user, MANAGE_PEOPLE, message=NO_PEOPLE_PERMISSION)
    return services.people_import(actor=user, rows=rows)


REGIONS = ImportKind(
    kind="regions",
    title="导入统计用区划代码",
    columns=2,
    max_rows=REGIONS_MAX_ROWS,
    run=_regions_run,
    summary=lambda r: {"text": f"导入完成：新增{r.created}个，更名{r.renamed}个，未变{r.unchanged}个。"},
)
PEOPLE = ImportKind(
    kind="people",
    title="批量导入人员和职务",
    columns=7,
    max_rows=PEOPLE_MAX_ROWS,
    run=_people_run,
    summary=lambda r: {
        "text": f"导入完成：任命职务{r.posts}个，新建账号{len(r.created_users)}个。",
        "accounts": [[u.username, u.real_name, password] for u, password in r.created_users],
    },
)
