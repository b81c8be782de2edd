from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from backend.accounts.audit import audit
from backend.accounts.http import request_user
from backend.accounts.models import ParticipantProfile
from backend.lib.geography import region_name

from . import access
from .models import Membership, Role

PAGE_SIZE = 25


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    memberships = list(user.memberships.select_related("programme", "programme__organisation"))
    context = {
        "is_admin": access.is_admin(user),
        "participant_of": [m.programme for m in memberships if m.role == Role.PARTICIPANT],
        "trainer_of": [m.programme for m in memberships if m.role == Role.TRAINER],
        "manager_of": list(access.managed_programmes(user).select_related("organisation"))
        if access.is_admin(user)
        else [m.programme for m in memberships if m.role == Role.MANAGER],
        "funded": list(access.donor_programmes(user).select_related("organisation")),
        "funders": [seat.funder for seat in user.donor_seats.select_related("funder")],
        # People are greeted by the name they gave, never by an email address or phone.
        "display_name": ParticipantProfile.objects.filter(user=user)
        .values_list("display_name", flat=True)
        .first(),
    }
    return render(request, "home.html", context)


@login_required
def participants(request: HttpRequest, programme_id: int) -> HttpResponse:
    user = request_user(request)
    programme = access.access_managed_programme(user, programme_id)
    if programme is None:
        raise Http404
    q = request.GET.get("q", "").strip()[:80]
    rows = (
        Membership.objects.filter(programme=programme, role=Role.PARTICIPANT, user__is_active=True)
        .select_related("user", "user__profile")
        .order_by("created_at", "id")
    )
    if q:
        rows = rows.filter(
            Q(user__profile__display_name__icontains=q)
            | Q(user__phone__icontains=q)
            | Q(user__email__icontains=q)
        )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    audit(user, "participant.list", obj=programme, query=bool(q))
    return render(
        request, "programmes/participants.html", {"programme": programme, "page": page, "q": q}
    )


@login_required
def participant_detail(request: HttpRequest, programme_id: int, user_id: int) -> HttpResponse:
    user = request_user(request)
    programme = access.access_managed_programme(user, programme_id)
    if programme is None:
        raise Http404
    membership = (
        Membership.objects.filter(
            programme=programme, role=Role.PARTICIPANT, user_id=user_id, user__is_active=True
        )
        .select_related("user")
        .first()
    )
    if membership is None:
        raise Http404
    profile = ParticipantProfile.objects.filter(user=membership.user).first()
    audit(user, "participant.view", subject=membership.user, obj=programme)
    return render(
        request,
        "programmes/participant_detail.html",
        {
            "programme": programme,
            "person": membership.user,
            "profile": profile,
            "region_name": region_name(profile.region) if profile and profile.region else "",
        },
    )
