import csv
import io
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

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


# --- the participant list as a file, for managers ------------------------------------------

Row = Membership
COLUMNS: dict[str, tuple[Any, Callable[[Row], Any]]] = {
    "name": (_("Name"), lambda m: _profile(m, "display_name")),
    "phone": (_("Phone"), lambda m: m.user.phone or ""),
    "email": (_("Email"), lambda m: m.user.email or ""),
    "sex": (_("Sex"), lambda m: _display(m, "sex")),
    "birth_year": (_("Birth year"), lambda m: _profile(m, "birth_year")),
    "population_group": (_("Population group"), lambda m: _display(m, "population_group")),
    "region": (_("Region"), lambda m: region_name(r) if (r := _profile(m, "region")) else ""),
    "education_level": (_("Education"), lambda m: _display(m, "education_level")),
    "id_document_type": (_("Identity document"), lambda m: _display(m, "id_document_type")),
    "joined": (_("Joined"), lambda m: m.created_at.date().isoformat()),
}
CONTACT_COLUMNS = {"phone", "email"}


def _profile(m: Row, field: str) -> Any:
    profile = getattr(m.user, "profile", None)
    value = getattr(profile, field, None) if profile else None
    return "" if value is None else value


def _display(m: Row, field: str) -> str:
    profile = getattr(m.user, "profile", None)
    return str(getattr(profile, f"get_{field}_display")()) if profile else ""


class ExportForm(forms.Form):
    columns = forms.MultipleChoiceField(
        label=_("Columns"), widget=forms.CheckboxSelectMultiple, choices=()
    )
    format = forms.ChoiceField(
        label=_("File type"),
        choices=[("csv", "CSV"), ("xlsx", "Excel (XLSX)")],
        widget=forms.RadioSelect,
        initial="xlsx",
    )

    def __init__(self, *args: Any, contacts: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["columns"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (key, label) for key, (label, _get) in COLUMNS.items()
            if contacts or key not in CONTACT_COLUMNS
        ]  # fmt: skip
        self.fields["columns"].error_messages["required"] = _("Choose at least one column.")


def _safe(value: Any, *, csv: bool) -> Any:
    """A cell a spreadsheet will not run as a formula. In a CSV file any of these first
    characters starts one; in an XLSX file text is stored as text, and only a leading "="
    would be written as a formula."""
    starts = {"=", "+", "-", "@", "\t", "\r"} if csv else {"="}
    if isinstance(value, str) and value[:1] in starts:
        return f"'{value}"
    return value


@login_required
def participants_export(request: HttpRequest, programme_id: int) -> HttpResponse:
    """The programme's participants as CSV or XLSX with the columns the manager chose.
    Managers and admins only (donor viewers never reach a programme's people here)."""
    user = request_user(request)
    programme = access.access_managed_programme(user, programme_id)
    if programme is None:
        raise Http404
    contacts = access.sees_contact_details_cached(request)
    form = ExportForm(request.GET or None, contacts=contacts, initial={"columns": ["name"]})
    if not form.is_valid():
        context = {"programme": programme, "form": form}
        status = 400 if form.is_bound else 200
        return render(request, "programmes/participants_export.html", context, status=status)
    chosen = [key for key in COLUMNS if key in form.cleaned_data["columns"]]
    audit(user, "participant.export", obj=programme, columns=chosen,
          format=form.cleaned_data["format"])  # fmt: skip
    rows = (
        Membership.objects.filter(programme=programme, role=Role.PARTICIPANT, user__is_active=True)
        .select_related("user", "user__profile")
        .order_by("created_at", "id")
    )
    header = [str(COLUMNS[key][0]) for key in chosen]
    as_csv = form.cleaned_data["format"] == "csv"
    table = (
        [_safe(COLUMNS[key][1](m), csv=as_csv) for key in chosen]
        for m in rows.iterator(chunk_size=500)
    )
    name = f"participants-{programme.code}"
    if as_csv:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        response.write("\ufeff")  # Excel reads the accents right only with the byte-order mark
        writer = csv.writer(response)
        writer.writerow(header)
        writer.writerows(table)
        return response
    return _xlsx(name, header, table)


def _xlsx(name: str, header: list[str], table: Any) -> HttpResponse:
    # openpyxl is large and only spreadsheet downloads need it: loaded on the first one
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(header)
    for row in table:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
