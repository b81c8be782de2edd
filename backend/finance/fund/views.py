"""Public fund pages (no sign-in) and the Stripe return pages."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from backend.accounts.audit import audit
from backend.accounts.http import request_user
from backend.lib.errors import DomainError
from backend.lib.formats import parse_local_amount
from backend.lib.validation import parse_id
from backend.ventures import access as venture_access

from . import access, gateway, services
from .models import Donation, Fund


def _public_context(fund: Fund) -> dict[str, object]:
    figures = services.public_summary(fund)
    return {
        "fund": fund,
        "story": fund.story_for(translation.get_language() or "es"),
        "raised": figures["raised"],
        "progress_percent": min(100, round(figures["progress"] * 100)),
        "ventures_funded": figures["ventures_funded"],
        "online_giving": gateway.configured() and fund.is_open,
    }


def fund_page(request: HttpRequest, slug: str) -> HttpResponse:
    fund = get_object_or_404(Fund.objects.select_related("programme"), slug=slug)
    context = _public_context(fund)
    if request.method == "POST":
        if not context["online_giving"]:
            raise Http404
        typed = request.POST.get("custom_amount") or request.POST.get("amount", "")
        base = request.build_absolute_uri(reverse("fund_page", args=[fund.slug]))
        try:
            amount = parse_local_amount(typed[:40], fund.currency)
            _donation, url = services.start_donation(
                fund=fund,
                amount=amount,
                anonymous=request.POST.get("anonymous") == "on",
                name=request.POST.get("name", ""),
                email=request.POST.get("email", ""),
                language=translation.get_language() or "es",
                success_url=f"{base}thanks/DONATION/",
                cancel_url=f"{base}cancelled/",
            )
        except DomainError as exc:
            context["error"] = str(exc.message)
            return render(
                request,
                "fund/fund_page.html",
                context,
                status=exc.status if exc.status < 500 else 503,
            )
        return redirect(url)
    return render(request, "fund/fund_page.html", context)


def thanks(request: HttpRequest, slug: str, donation_id: str) -> HttpResponse:
    donation = (
        Donation.objects.filter(fund__slug=slug, public_id=donation_id)
        .select_related("fund")
        .first()
    )
    if donation is None:
        raise Http404
    return render(request, "fund/thanks.html", {"fund": donation.fund, "donation": donation})


def cancelled(request: HttpRequest, slug: str) -> HttpResponse:
    fund = get_object_or_404(Fund, slug=slug)
    return render(request, "fund/cancelled.html", {"fund": fund})


@login_required
def programme_fund(request: HttpRequest, programme_id: int) -> HttpResponse:
    """Managers: ledger, grants and the grant form. Donor viewers: the fund's totals only."""
    user = request_user(request)
    fund = (
        Fund.objects.filter(
            programme__in=access.fund_programmes_aggregate(user), programme_id=programme_id
        )
        .select_related("programme")
        .first()
    )
    if fund is None:
        raise Http404
    full = access.fund_programmes_full(user).filter(pk=programme_id).exists()
    error = ""
    if request.method == "POST" and full:
        venture = (
            venture_access.ventures_visible_to(user)
            .filter(pk=parse_id(request.POST.get("venture_id")) or 0, programme_id=programme_id)
            .first()
        )
        try:
            if venture is None:
                raise DomainError(_("No venture with this id in the programme."), status=422)
            services.grant_to_venture(
                fund=fund,
                venture=venture,
                amount=parse_local_amount(request.POST.get("amount", "")[:40], fund.currency),
                purpose=request.POST.get("purpose", ""),
                actor=user,
            )
            return redirect("programme_fund", programme_id=programme_id)
        except DomainError as exc:
            error = str(exc.message)
    figures = services.summary(fund) if full else services.public_summary(fund)
    context = {"fund": fund, "figures": figures, "full": full, "error": error}
    if full:
        audit(user, "grant.list", obj=fund)
        context["entries"] = fund.entries.order_by("-created_at", "-id")[:50]
        context["grants"] = fund.grants.select_related("venture").order_by("-granted_at")[:50]
        context["ventures"] = (
            venture_access.ventures_visible_to(user)
            .filter(programme_id=programme_id)
            .order_by("name")[:500]
        )
    return render(request, "fund/programme_fund.html", context, status=422 if error else 200)
