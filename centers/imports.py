"""The service center's imports (spreadsheets.imports): service items (服务事项)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from spreadsheets.imports import ImportKind

SERVICE_ITEMS_MAX_ROWS = 2_000  # a county's catalogue is some hundreds of items
NO_ITEMS_PERMISSION = "您没有维护服务事项的权限。"


def _service_items_run(user, rows, params):
    from centers import selectors, services

    owner = selectors.service_item_owner_choices(user=user).filter(pk=params.get("owner")).first()
    if owner is None:
        raise PermissionDenied(NO_ITEMS_PERMISSION)
    return services.service_items_import(actor=user, region=owner, rows=rows)


SERVICE_ITEMS = ImportKind(
    kind="service_items",
    title="导入服务事项",
    columns=7,
    max_rows=SERVICE_ITEMS_MAX_ROWS,
    run=_service_items_run,
    summary=lambda r: {"text": f"导入完成：新增{r.created}项，更新{r.updated}项。"},
)
