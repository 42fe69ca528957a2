"""Writes on the hierarchy, posts, people and service centers (see the modules for each)."""

from centers.services.catalog import catalog_entry_toggle, checklist_item_create, room_type_create  # noqa: F401
from centers.services.centers import (  # noqa: F401
    center_update,
    checklist_entry_update,
    checklist_reminders_send,
    service_centers_ensure,
)
from centers.services.people import people_import, person_create, person_password_reset  # noqa: F401
from centers.services.posts import post_end, post_grant, post_permissions_sync  # noqa: F401
from centers.services.proxy_requests import (  # noqa: F401, E402
    StepInput,
    allowed_steps,
    proxy_request_accept,
    proxy_request_step,
)
from centers.services.regions import RegionImportResult, regions_import  # noqa: F401
from centers.services.service_items import (  # noqa: F401
    calendar_day_remove,
    calendar_day_set,
    service_item_create,
    service_item_toggle,
    service_item_update,
    service_items_import,
)
