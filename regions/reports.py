"""The scope of a figures page: which region (the user's own by default) and which period."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404

from core.forms import ExportFormatForm, query_values
from regions.forms import ReportScopeForm
from regions.models import Region
from regions.selectors import region_get_for_user, user_top_regions

NO_REGION = "您没有可查看的区划。"


@dataclass
class ReportScope:
    form: ReportScopeForm
    region: Region
    start: datetime.date | None
    end: datetime.date | None
    wants_xlsx: bool = False

    @property
    def valid(self) -> bool:
        return self.start is not None

    @property
    def xlsx(self) -> bool:
        """Whether the figures are valid and asked for as a spreadsheet (``?format=xlsx``)."""
        return self.valid and self.wants_xlsx


def report_scope(request, default_start: datetime.date) -> ReportScope:
    """Reads ``?region=&from=&to=``. An unknown or out-of-scope region answers 404; bad dates leave
    ``start``/``end`` empty and the form carries the message for the page to show."""
    form = ReportScopeForm(request.GET or None, default_start=default_start)
    # The region is read even when the dates are bad (the page then says so); a malformed code answers
    # 404 like an unknown one.
    if form.is_bound and not form.is_valid() and "region" in form.errors:
        raise Http404
    code = form.cleaned_data.get("region", "") if form.is_bound else ""
    region = (
        region_get_for_user(user=request.user, code=code)
        if code
        else next(iter(user_top_regions(user=request.user)[:1]), None)
    )
    if region is None:
        raise PermissionDenied(NO_REGION)
    wants_xlsx = query_values(ExportFormatForm(request.GET)).get("format") == "xlsx"
    if not form.is_bound:
        return ReportScope(form, region, default_start, form.today, wants_xlsx)
    if not form.is_valid():
        return ReportScope(form, region, None, None, wants_xlsx)
    return ReportScope(form, region, form.cleaned_data["from"], form.cleaned_data["to"], wants_xlsx)
