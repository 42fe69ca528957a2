"""Small builders shared by the service center system's tests: a request accepted at village A1 and taken
through transitions, a center by region, a duty shift."""

from __future__ import annotations

import datetime as dt

from centers.models import DutyShift, ProxyRequest, ServiceCenter, ServiceItem
from centers.services import TransitionInput, duty, proxy_request_accept, proxy_request_transition
from tests.conftest import triggers_off

VALID_ID = "11010519491231002X"  # the standard's own example number
MONDAY = dt.date(2026, 11, 23)


def item(name: str = "低保申请") -> ServiceItem:
    """A standard service item by name."""
    return ServiceItem.objects.get(name=name, region__isnull=True)


def accept(world, **changes) -> ProxyRequest:
    """A request for 低保申请 accepted by village A1's clerk (keyword arguments override the intake)."""
    data = {
        "actor": world.village_a1_clerk,
        "village": world.village_a1,
        "item": item(),
        "applicant_name": "赵大爷",
        "applicant_phone": "13812345678",
        "applicant_id_number": VALID_ID,
        "materials_received": ["申请书", "身份证"],
    }
    data.update(changes)
    return proxy_request_accept(**data)


def transition(world, proxy_request: ProxyRequest, name: str, actor=None, **data) -> ProxyRequest:
    """Takes transition ``name`` on the current version (by village A1's clerk unless ``actor`` is given)."""
    proxy_request.refresh_from_db()
    return proxy_request_transition(
        actor=actor or world.village_a1_clerk,
        proxy_request=proxy_request,
        name=name,
        version=proxy_request.version,
        data=TransitionInput(**data),
    )


def center_of(region) -> ServiceCenter:
    return ServiceCenter.objects.get(region=region)


def shift_on(world, day: dt.date = MONDAY, cadre=None) -> DutyShift:
    """A shift at village A1 rostered by its clerk (the clerk on duty unless ``cadre`` is given)."""
    return duty.roster_set_day(
        actor=world.village_a1_clerk, village=world.village_a1, day=day, cadre=cadre or world.village_a1_clerk
    )


# The trigger that keeps a request's original promise as it was made (centers.ProxyRequest.Meta.triggers).
ORIGINAL_PROMISE_FIXED = "centers.ProxyRequest:original_promise_fixed"


def backdate(proxy_request: ProxyRequest, **dates) -> ProxyRequest:
    """The request as if it had been accepted earlier: ``dates`` (accepted_on, warn_on, promised_date ...)
    written directly, the original promise moved along with the promise unless given (a test's time
    travel, the one write that may move it)."""
    if "promised_date" in dates:
        dates.setdefault("original_promised_date", dates["promised_date"])
    with triggers_off(ORIGINAL_PROMISE_FIXED):
        ProxyRequest.objects.filter(pk=proxy_request.pk).update(**dates)
    proxy_request.refresh_from_db()
    return proxy_request
