"""Writes of the foundation: regions, posts, people, the calendar and county settings."""

from regions.services.calendar import calendar_day_remove, calendar_day_set  # noqa: F401
from regions.services.people import people_import, person_create, person_password_reset  # noqa: F401
from regions.services.posts import post_end, post_grant, post_grants_sync_all, post_permissions_sync  # noqa: F401
from regions.services.regions import RegionImportResult, regions_import  # noqa: F401
from regions.services.settings import county_settings_save, list_entry_check_owner, list_entry_toggle  # noqa: F401
