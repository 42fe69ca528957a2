"""Writes of the service center system (see the modules for each)."""

from centers.services.centers import (  # noqa: F401
    center_update,
    checklist_entry_update,
    checklist_item_create,
    checklist_reminders_send,
    room_type_create,
    service_centers_ensure,
)
from centers.services.proxy_requests import (  # noqa: F401
    TransitionInput,
    proxy_request_accept,
    proxy_request_transition,
    proxy_request_urge,
    proxy_request_urging_answer,
)
from centers.services.service_items import service_item_create, service_item_update, service_items_import  # noqa: F401
from centers.services.suggestions import suggestion_answer, suggestion_submit  # noqa: F401
