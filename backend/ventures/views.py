"""Portal pages of the ventures app: the public record check, and the owner's books ("Mi negocio").

The owner's pages write through the same services as the API (one path into the ledger) and
work as plain forms without JavaScript. With JavaScript, books.js keeps sales typed without
coverage in the browser and sends them to the API's idempotent create when back online.
"""

import datetime as dt
import uuid
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from backend.accounts.http import request_user
from backend.accounts.models import User
from backend.lib import images
from backend.lib.charts import Column, column_chart_svg
from backend.lib.errors import DomainError
from backend.lib.formats import format_money, parse_local_amount
from backend.lib.money import minor_units, to_string
from backend.lib.ratelimit import over_limit
from backend.lib.validation import parse_date
from backend.programmes import access as programme_access

from . import access as venture_access
from . import records, selectors, services
from .models import (
    SECTOR_CHOICES,
    BusinessRecord,
    ExpenseCategory,
    Kind,
    LedgerEntry,
    Method,
    Venture,
    Wallet,
)
from .records import normalise_code

VERIFY_LIMIT_PER_MINUTE = 30
ENTRIES_PER_PAGE = 50
# The wallets people use in each country.
WALLETS_BY_COUNTRY = {"CO": ["nequi", "daviplata"], "PE": ["yape", "plin"]}
OTHER_METHODS = [
    ("bank_transfer", gettext_lazy("Transfer")),
    ("card", gettext_lazy("Card")),
    ("customer_credit", gettext_lazy("Credit (fiado)")),
    ("other", gettext_lazy("Other")),
]


def verify_record(request: HttpRequest, code: str) -> HttpResponse:
    """Public: was this business record issued by the programme, and with which figures?"""
    if over_limit(request, "ventures-verify", per_minute=VERIFY_LIMIT_PER_MINUTE):
        response = render(request, "ventures/verify.html", {"limited": True}, status=429)
        response["Retry-After"] = "60"
        return response
    record = (
        BusinessRecord.objects.filter(code=normalise_code(code))
        .select_related("venture", "venture__programme")
        .first()
    )
    if record is None:
        return render(request, "ventures/verify.html", {"missing": True}, status=404)
    context = {
        "record": record,
        "sector": dict(SECTOR_CHOICES).get(record.venture.sector, ""),
        # As text: the locale's number format would turn 120.00 into "120,00" in one language
        # and not in another, and a lender compares it with the PDF.
        "total_sales": to_string(record.total_sales, record.venture.currency),
    }
    return render(request, "ventures/verify.html", context)


# --- the owner's books ---------------------------------------------------------------------


def _own_venture(request: HttpRequest, venture_id: int) -> Venture:
    """The venture if the signed-in person runs it; anyone else's is a 404, like a missing one."""
    venture = (
        venture_access.own_ventures(request.user)
        .select_related("programme")
        .filter(pk=venture_id)
        .first()
    )
    if venture is None:
        raise Http404
    return venture


def _own_entry(venture: Venture, entry_id: str) -> LedgerEntry:
    entry = LedgerEntry.objects.filter(venture=venture, sync_id=entry_id[:36]).first()
    if entry is None:
        raise Http404
    return entry


def _field(exc: DomainError) -> str:
    return (exc.field or "form").rsplit(".", 1)[-1]


def _status(exc: DomainError) -> int:
    return exc.status if 400 <= exc.status < 500 else 422


def _sectors() -> list[tuple[str, str]]:
    return [(code, str(label)) for code, label in SECTOR_CHOICES]


@login_required
def business(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    ventures = list(selectors.ventures_for(user).filter(owner=user))
    if len(ventures) == 1 and "all" not in request.GET:
        return redirect("business_venture", venture_id=ventures[0].pk)
    context = {
        "ventures": ventures,
        "may_create": programme_access.participant_programmes(user).exists(),
    }
    return render(request, "ventures/business.html", context)


@login_required
def venture_new(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    programmes = list(programme_access.participant_programmes(user).order_by("name", "pk"))
    if not programmes:
        raise Http404
    errors: dict[str, str] = {}
    form: Any = {"started_on": programmes[0].today().isoformat()}
    status = 200
    if request.method == "POST":
        form = request.POST
        try:
            venture = _create_venture(request, user, programmes)
        except DomainError as exc:
            errors[_field(exc)], status = str(exc.message), _status(exc)
        else:
            messages.success(request, _("Your business is ready: log your first sale."))
            return redirect("business_venture", venture_id=venture.pk)
    context = {
        "programmes": programmes,
        "form": form,
        "errors": errors,
        "sectors": _sectors(),
        "currencies": {p.pk: p.currency for p in programmes},
    }
    return render(request, "ventures/venture_form.html", context, status=status)


def _posted_date(request: HttpRequest, name: str) -> dt.date | None:
    try:
        return parse_date(request.POST.get(name, "")[:40])
    except ValueError as exc:
        raise DomainError(str(exc), field=name, status=422) from exc


def _create_venture(request: HttpRequest, user: User, programmes: list[Any]) -> Venture:
    programme_id = request.POST.get("programme", "")
    chosen = next((p for p in programmes if str(p.pk) == programme_id), programmes[0])
    name = request.POST.get("name", "").strip()[:120]
    if not name:
        raise DomainError(_("Give your business a name."), field="name", status=422)
    started_on = _posted_date(request, "started_on") or chosen.today()
    venture = services.create_venture(
        owner=user,
        programme_id=chosen.pk,
        name=name,
        sector=request.POST.get("sector", "")[:2],
        started_on=started_on,
    )
    if request.FILES.get("photo"):
        services.set_venture_photo(venture=venture, upload=request.FILES["photo"])
    return venture


@login_required
def venture_edit(request: HttpRequest, venture_id: int) -> HttpResponse:
    venture = _own_venture(request, venture_id)
    errors: dict[str, str] = {}
    status = 200
    form: Any = {"name": venture.name, "sector": venture.sector}
    if request.method == "POST":
        form = request.POST
        try:
            name = request.POST.get("name", "").strip()[:120]
            if not name:
                raise DomainError(_("Give your business a name."), field="name", status=422)
            changes = {"name": name, "sector": request.POST.get("sector", "")[:2]}
            services.update_venture(venture=venture, changes=changes)
            if request.FILES.get("photo"):
                services.set_venture_photo(venture=venture, upload=request.FILES["photo"])
        except DomainError as exc:
            errors[_field(exc)], status = str(exc.message), _status(exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("business_venture", venture_id=venture.pk)
    context = {"venture": venture, "form": form, "errors": errors, "sectors": _sectors()}
    return render(request, "ventures/venture_form.html", context, status=status)


@login_required
@require_GET
def venture_photo(request: HttpRequest, venture_id: int) -> HttpResponse:
    venture = _own_venture(request, venture_id)
    if not venture.photo:
        raise Http404
    with default_storage.open(str(venture.photo.name), "rb") as handle:
        response = HttpResponse(handle.read(), content_type=images.CONTENT_TYPE)
    response["Cache-Control"] = "private, max-age=86400"
    return response


def _pay_choices(venture: Venture) -> list[tuple[str, str]]:
    """The payment chips: cash, the country's wallets by name, then the other methods."""
    # Only the wallets of the venture's country, where known: fewer chips to scan.
    wallets = WALLETS_BY_COUNTRY.get(venture.country, ["nequi", "daviplata", "yape", "plin"])
    labels = dict(Wallet.choices)
    return [
        ("cash", str(Method.CASH.label)),
        *[(w, str(labels[w])) for w in wallets],
        *[(value, str(label)) for value, label in OTHER_METHODS],
    ]


def _method_of(pay: str) -> tuple[str, str]:
    """A chip's value as the ledger's payment method and wallet."""
    if pay in Wallet.values and pay != Wallet.OTHER:
        return Method.MOBILE_WALLET, pay
    return pay, ""


def _entry_form_context(venture: Venture, form: Any, errors: dict[str, str]) -> dict[str, Any]:
    today = venture.programme.today()
    return {
        "venture": venture,
        "form": form,
        "errors": errors,
        "pay_choices": _pay_choices(venture),
        "categories": ExpenseCategory.choices,
        "today": today.isoformat(),
        # A fresh id per form shown: sending the same form twice records one entry.
        "entry_id": str(uuid.uuid4()),
        "minor_units": minor_units(venture.currency),
        "api_url": f"/api/v1/ventures/{venture.pk}/entries",
    }


@login_required
def venture_home(request: HttpRequest, venture_id: int) -> HttpResponse:
    venture = _own_venture(request, venture_id)
    today = venture.programme.today()
    months = selectors.last_months(venture, today=today)
    best, worst = selectors.best_and_worst(months)
    recent = list(LedgerEntry.objects.filter(venture=venture).order_by(*ORDER)[:5])
    context = _entry_form_context(venture, {"pay": "cash"}, {}) | {
        "totals": selectors.period_totals(venture, today=today),
        "chart": _chart(venture, months),
        "months": months,
        "best": best,
        "worst": worst,
        "owed": services.outstanding_credit(venture),
        "recent": recent,
    }
    return render(request, "ventures/venture_home.html", context)


ORDER = ("-occurred_on", "-received_at", "-id")


def _chart(venture: Venture, months: list[selectors.MonthFigures]) -> str:
    columns = [
        Column(
            label=date_format(m.month, "M")[:3],
            value=m.sales,
            title=format_money(m.sales, venture.currency),
        )
        for m in months
    ]
    return column_chart_svg(columns, title=_("Sales in the last 12 months"))


@login_required
def entry_new(request: HttpRequest, venture_id: int) -> HttpResponse:
    venture = _own_venture(request, venture_id)
    errors: dict[str, str] = {}
    status = 200
    form: Any = {"pay": "cash", "kind": "sale"} | {
        k: request.GET.get(k, "")[:140]
        for k in ("amount", "kind", "pay", "category", "note", "customer", "occurred_on")
        if request.GET.get(k)
    }
    if request.method == "POST":
        form = request.POST
        try:
            entry, created = _record(request, venture)
        except DomainError as exc:
            errors[_form_field(exc, request)], status = str(exc.message), _status(exc)
        else:
            amount = format_money(entry.amount, venture.currency)
            if not created:
                messages.info(request, _("This entry was already saved."))
            elif entry.kind == Kind.EXPENSE:
                messages.success(request, _("Expense saved: %(amount)s") % {"amount": amount})
            else:
                messages.success(request, _("Sale saved: %(amount)s") % {"amount": amount})
            return redirect("business_venture", venture_id=venture.pk)
    context = _entry_form_context(venture, form, errors)
    if request.method == "POST" and errors:
        context["entry_id"] = request.POST.get("entry_id", "")[:36] or context["entry_id"]
    return render(request, "ventures/entry_form.html", context, status=status)


def _form_field(exc: DomainError, request: HttpRequest) -> str:
    field = _field(exc)
    if field in ("payment_method", "wallet"):
        return "pay"
    if field == "note" and request.POST.get("pay") == Method.CUSTOMER_CREDIT:
        return "customer"
    known = ("amount", "pay", "customer", "occurred_on", "category", "receipt")
    return field if field in known else "form"


def _record(request: HttpRequest, venture: Venture) -> tuple[LedgerEntry, bool]:
    post = request.POST
    kind = post.get("kind", "")
    if kind not in (Kind.SALE, Kind.EXPENSE):
        raise DomainError(_("Choose sale or expense."), field="form", status=422)
    method, wallet = _method_of(post.get("pay", "")[:20])
    if method not in Method.values:
        raise DomainError(_("Choose how you were paid."), field="pay", status=422)
    note = post.get("note", "").strip()[:140]
    if method == Method.CUSTOMER_CREDIT:
        # On credit, the note names the customer: it is how the list of debts is kept.
        note = post.get("customer", "").strip()[:140]
        if not note:
            raise DomainError(
                _("Write the customer's name: the sale is on credit."),
                field="customer",
                status=422,
            )
    data = services.EntryInput(
        id=post.get("entry_id", "")[:36] or str(uuid.uuid4()),
        kind=kind,
        amount=parse_local_amount(post.get("amount", "")[:40], venture.currency),
        occurred_on=_posted_date(request, "occurred_on") or venture.programme.today(),
        payment_method=method,
        wallet=wallet,
        category=post.get("category", "")[:10] if kind == Kind.EXPENSE else "",
        note=note,
    )
    user = request_user(request)
    entry, created = services.record_entry(venture=venture, actor=user, data=data)
    if created and request.FILES.get("receipt"):
        try:
            services.attach_receipt(actor=user, entry=entry, upload=request.FILES["receipt"])
        except DomainError as exc:
            messages.warning(
                request, _("The entry was saved, but not its photo: %(why)s") % {"why": exc}
            )
    return entry, created


@login_required
@require_GET
def entry_list(request: HttpRequest, venture_id: int) -> HttpResponse:
    venture = _own_venture(request, venture_id)
    entries = LedgerEntry.objects.filter(venture=venture).order_by(*ORDER)
    page = Paginator(entries, ENTRIES_PER_PAGE).get_page(request.GET.get("page", "")[:6])
    context = {"venture": venture, "page": page, "entries": list(page.object_list)}
    return render(request, "ventures/entries.html", context)


@login_required
def entry_void(request: HttpRequest, venture_id: int, entry_id: str) -> HttpResponse:
    venture = _own_venture(request, venture_id)
    entry = _own_entry(venture, entry_id)
    error = ""
    status = 200
    if request.method == "POST":
        reason = request.POST.get("reason", "").strip()[:200]
        try:
            if not reason:
                raise DomainError(_("Say why this entry is wrong."), field="reason", status=422)
            services.void_entry(actor=request_user(request), entry_id=entry.sync_id, reason=reason)
        except DomainError as exc:
            error, status = str(exc.message), _status(exc)
        else:
            messages.success(request, _("Entry voided. Enter it again with the right figures."))
            return redirect(reverse("business_entry_new", args=[venture.pk]) + _again(entry))
    context = {"venture": venture, "entry": entry, "entry_list": [entry], "error": error}
    return render(request, "ventures/void.html", context, status=status)


def _again(entry: LedgerEntry) -> str:
    """The voided entry's figures, to fill in the form it is entered again with."""
    if entry.kind == Kind.REPAYMENT:
        return ""
    pay = entry.wallet if entry.payment_method == Method.MOBILE_WALLET else entry.payment_method
    fields = {
        "kind": entry.kind,
        "amount": to_string(entry.amount, entry.venture.currency),
        "pay": pay,
        "occurred_on": entry.occurred_on.isoformat(),
        "category": entry.category,
        "customer" if entry.payment_method == Method.CUSTOMER_CREDIT else "note": entry.note,
    }
    return "?" + urlencode({k: v for k, v in fields.items() if v})


@login_required
def credit(request: HttpRequest, venture_id: int) -> HttpResponse:
    venture = _own_venture(request, venture_id)
    today = venture.programme.today()
    errors: dict[str, str] = {}
    status = 200
    customers = selectors.credit_customers(venture, today=today)
    if request.method == "POST":
        try:
            _repay(request, venture, customers)
        except DomainError as exc:
            errors[request.POST.get("customer", "")[:140]], status = str(exc.message), 422
        else:
            return redirect("business_credit", venture_id=venture.pk)
    by_age = request.GET.get("order") == "age"
    if by_age:
        customers = sorted(customers, key=lambda c: (c.since, -c.owed))
    context = {
        "venture": venture,
        "customers": [
            (c, errors.get(c.name, ""), to_string(c.owed, venture.currency)) for c in customers
        ],
        "by_age": by_age,
        "total": sum((c.owed for c in customers), selectors.ZERO),
        "pay_choices": [p for p in _pay_choices(venture) if p[0] != Method.CUSTOMER_CREDIT],
        "entry_id": str(uuid.uuid4()),
    }
    return render(request, "ventures/credit.html", context, status=status)


def _repay(
    request: HttpRequest, venture: Venture, customers: list[selectors.CustomerCredit]
) -> None:
    name = request.POST.get("customer", "")[:140]
    customer = next(
        (c for c in customers if selectors.customer_key(c.name) == selectors.customer_key(name)),
        None,
    )
    if customer is None:
        raise DomainError(_("This customer owes nothing."), field="customer", status=422)
    amount = parse_local_amount(request.POST.get("amount", "")[:40], venture.currency)
    if amount > customer.owed:
        raise DomainError(
            _("%(name)s owes %(owed)s; a repayment cannot be larger.")
            % {"name": customer.name, "owed": format_money(customer.owed, venture.currency)},
            field="amount",
            status=422,
        )
    method, wallet = _method_of(request.POST.get("pay", "cash")[:20])
    data = services.EntryInput(
        id=request.POST.get("entry_id", "")[:36] or str(uuid.uuid4()),
        kind=Kind.REPAYMENT,
        amount=amount,
        occurred_on=venture.programme.today(),
        payment_method=method if method in Method.values else Method.CASH,
        wallet=wallet,
        note=customer.name,
    )
    services.record_entry(venture=venture, actor=request_user(request), data=data)
    messages.success(
        request,
        _("Repayment of %(amount)s from %(name)s saved.")
        % {"amount": format_money(amount, venture.currency), "name": customer.name},
    )


@login_required
@require_GET
def record_pdf(request: HttpRequest, venture_id: int) -> HttpResponse:
    venture = _own_venture(request, venture_id)
    response = HttpResponse(records.issue_record(venture=venture), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="business-record-{venture.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- the installable web app -------------------------------------------------------------------


@require_GET
@cache_control(no_cache=True)
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served from /business/ so that it may control the books' pages."""
    response = render(
        request,
        "ventures/sw.js",
        {
            "assets": [
                static("css/impulsa.css"),
                static("ventures/books.css"),
                static("ventures/books.js"),
                static("img/favicon.svg"),
            ],
        },
        content_type="text/javascript",
    )
    response["Service-Worker-Allowed"] = reverse("business")
    return response


@require_GET
@cache_control(max_age=3600)
def manifest(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "ventures/manifest.webmanifest",
        {"icon": static("img/favicon.svg"), "start": reverse("business")},
        content_type="application/manifest+json",
    )
