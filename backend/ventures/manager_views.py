"""A manager's view of a programme's ventures: a searchable list with each venture's recent
activity, and a venture's page with its monthly sales chart and ledger. Every read is audited,
as the API's are (venture.list, venture.view, venture.entries)."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import DateField, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from backend.accounts.audit import audit
from backend.accounts.http import request_user
from backend.lib.formats import format_money
from backend.lib.geography import region_name
from backend.programmes import access as programme_access
from backend.programmes.models import Programme

from . import access as venture_access
from .models import SECTOR_CHOICES, LedgerEntry, Venture, VentureDay, VentureMonth

PAGE_SIZE = 25
CHART_MONTHS = 12
QUIET_DAYS = 30


class VentureSearch(forms.Form):
    q = forms.CharField(label=_("Name"), max_length=80, required=False)
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    activity = forms.ChoiceField(
        label=_("Activity"),
        required=False,
        choices=[
            ("", _("Any")),
            ("month", _("Entries this month")),
            ("quiet", _("No entry in the last 30 days")),
        ],
    )

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        regions = [(code, region_name(code)) for code in programme.regions or []]
        for name, choices in (("sector", SECTOR_CHOICES), ("region", regions)):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [("", _("Any")), *choices]


def _programme(request: HttpRequest, programme_id: int) -> Programme:
    programme = programme_access.access_managed_programme(request_user(request), programme_id)
    if programme is None:
        raise Http404
    return programme


def with_activity(qs: QuerySet[Venture], *, month: dt.date) -> QuerySet[Venture]:
    """Each venture with its last business date and this month's entries, in the list's one
    query. Both come from the rollups, so voided entries count in neither."""
    last = VentureDay.objects.filter(venture=OuterRef("pk"), entries__gt=0).order_by("-day")
    this_month = VentureMonth.objects.filter(venture=OuterRef("pk"), month=month)
    return qs.annotate(
        last_entry_on=Subquery(last.values("day")[:1], output_field=DateField()),
        entries_this_month=Coalesce(
            Subquery(this_month.values("entries")[:1], output_field=IntegerField()), Value(0)
        ),
    )


@login_required
def venture_list(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = _programme(request, programme_id)
    today = programme.today()
    form = VentureSearch(request.GET or None, programme=programme)
    qs = with_activity(
        venture_access.ventures_visible_to(request_user(request))
        .filter(programme=programme)
        .select_related("owner__profile"),
        month=today.replace(day=1),
    )
    if form.is_valid():
        data = form.cleaned_data
        if data["q"].strip():
            qs = qs.filter(name__icontains=data["q"].strip())
        if data["sector"]:
            qs = qs.filter(sector=data["sector"])
        if data["region"]:
            qs = qs.filter(region=data["region"])
        if data["activity"] == "month":
            qs = qs.filter(Q(entries_this_month__gt=0))
        elif data["activity"] == "quiet":
            since = today - dt.timedelta(days=QUIET_DAYS)
            qs = qs.filter(Q(last_entry_on__lt=since) | Q(last_entry_on__isnull=True))
    page = Paginator(qs.order_by("name", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    audit(request_user(request), "venture.list", programme_id=programme.pk, query=form.is_bound)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "programme": programme,
        "form": form,
        "page": page,
        "rows": [{"v": v, "region": region_name(v.region) if v.region else ""} for v in page],
        "query": query.urlencode(),
    }
    return render(request, "ventures/manager_list.html", context)


@login_required
def venture_page(request: HttpRequest, programme_id: int, venture_id: int) -> HttpResponse:
    programme = _programme(request, programme_id)
    user = request_user(request)
    venture = (
        venture_access.ventures_visible_to(user)
        .filter(programme=programme, pk=venture_id)
        .select_related("owner__profile")
        .first()
    )
    if venture is None:
        raise Http404
    audit(user, "venture.view", subject=venture.owner, obj=venture)
    audit(user, "venture.entries", subject=venture.owner, obj=venture)
    months = _last_months(programme.today(), CHART_MONTHS)
    sales = dict(
        VentureMonth.objects.filter(venture=venture, month__gte=months[0]).values_list(
            "month", "sales"
        )
    )
    entries = LedgerEntry.objects.filter(venture=venture).order_by(
        "-occurred_on", "-received_at", "-id"
    )
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "programme": programme,
        "venture": venture,
        "region": region_name(venture.region) if venture.region else "",
        "chart": sales_chart([(m, sales.get(m, Decimal(0))) for m in months], venture.currency),
        "page": page,
    }
    return render(request, "ventures/manager_venture.html", context)


def _last_months(today: dt.date, n: int) -> list[dt.date]:
    first = today.replace(day=1)
    out = [first]
    while len(out) < n:
        out.insert(0, (out[0] - dt.timedelta(days=1)).replace(day=1))
    return out


def sales_chart(points: list[tuple[dt.date, Decimal]], currency: str) -> SafeString:
    """Monthly sales as an SVG bar chart that scales to its box; each bar's title holds the
    amount, and the figures are in a table under the chart for screen readers and copying."""
    width, height, top, bottom = 360, 180, 16, 28
    slot = width / len(points)
    peak = max((amount for _, amount in points), default=Decimal(0))
    bars = []
    for i, (month, amount) in enumerate(points):
        usable = height - top - bottom
        h = 0 if peak <= 0 else int((amount / peak) * usable)
        x = round(i * slot + slot * 0.15, 1)
        label = date_format(month, "M")
        money = format_money(amount, currency)
        bars.append(
            (
                x,
                height - bottom - h,
                round(slot * 0.7, 1),
                h,
                f"{date_format(month, 'F Y')}: {money}",
                round(x + slot * 0.35, 1),
                height - 8,
                label,
            )
        )
    body = format_html_join(
        "",
        '<g><rect x="{}" y="{}" width="{}" height="{}" rx="2"><title>{}</title></rect>'
        '<text x="{}" y="{}" text-anchor="middle">{}</text></g>',
        bars,
    )
    peak_label = format_money(peak, currency) if peak > 0 else ""
    return format_html(
        '<svg viewBox="0 0 {} {}" role="img" aria-label="{}">'
        '<text x="2" y="11" class="peak">{}</text>{}</svg>',
        width,
        height,
        _("Sales per month"),
        peak_label,
        body,
    )
