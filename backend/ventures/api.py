from typing import Any

from django.core.files.storage import default_storage
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from backend.accounts.audit import audit
from backend.accounts.http import request_user
from backend.lib import images
from backend.lib.errors import DomainError, NotFound
from backend.lib.pagination import BoundedCursorPagination, LimitOffsetPagination
from backend.lib.validation import Id
from backend.programmes.access import (
    managed_programmes,
)
from backend.programmes.api_auth import portal_session_auth, session_auth

from . import records, selectors, services
from .access import access_entry, access_own_entry, access_own_venture, access_venture
from .models import LedgerEntry, Venture
from .schemas import (
    EntryFilter,
    EntryIn,
    EntryOut,
    SummaryOut,
    SummaryQuery,
    VentureIn,
    VentureOut,
    VentureUpdateIn,
    VoidIn,
)

router = Router(tags=["ventures"])

MAX_SUMMARY_BUCKETS = 400
UPLOAD_BODY = {
    "requestBody": {
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary"}},
                }
            }
        }
    }
}
IMAGE_RESPONSE = {
    "responses": {200: {"description": "A JPEG", "content": {"image/jpeg": {}}}},
}


def _venture(request: HttpRequest, venture_id: Id) -> Venture:
    venture = access_venture(request_user(request), venture_id)
    if venture is None:
        raise NotFound(_("Not found."))
    return venture


def _own_venture(request: HttpRequest, venture_id: Id) -> Venture:
    venture = access_own_venture(request_user(request), venture_id)
    if venture is None:
        raise NotFound(_("Not found."))
    return venture


def _audit_staff_read(request: HttpRequest, venture: Venture, action: str) -> None:
    """Reads by anyone but the owner (managers, admins) are audited."""
    user = request_user(request)
    if venture.owner_id != user.pk:
        audit(user, action, subject=venture.owner, obj=venture)


def _with_outstanding(request: HttpRequest, venture_id: Id) -> Venture:
    return selectors.ventures_for(request_user(request)).get(pk=venture_id)


@router.get("/ventures", response=list[VentureOut], summary="Ventures I own or oversee")
@paginate(LimitOffsetPagination)
def list_ventures(request: HttpRequest, programme_id: Id | None = None) -> QuerySet[Venture]:
    user = request_user(request)
    if managed_programmes(user).exists():  # a staff read of other people's ventures
        audit(user, "venture.list", programme_id=programme_id)
    return selectors.ventures_for(user, programme_id=programme_id)


@router.post("/ventures", response={201: VentureOut}, summary="Register my venture")
def create_venture(request: HttpRequest, payload: VentureIn) -> Status[Venture]:
    venture = services.create_venture(owner=request_user(request), **payload.model_dump())
    return Status(201, _with_outstanding(request, venture.pk))


@router.get("/ventures/{venture_id}", response=VentureOut, summary="One venture")
def get_venture(request: HttpRequest, venture_id: Id) -> Venture:
    venture = _venture(request, venture_id)
    _audit_staff_read(request, venture, "venture.view")
    return _with_outstanding(request, venture.pk)


@router.patch(
    "/ventures/{venture_id}",
    response=VentureOut,
    summary="Change my venture's details (never its ledger, country or currency)",
)
def update_venture(request: HttpRequest, venture_id: Id, payload: VentureUpdateIn) -> Venture:
    venture = _own_venture(request, venture_id)
    services.update_venture(venture=venture, changes=payload.model_dump(exclude_unset=True))
    return _with_outstanding(request, venture.pk)


@router.post(
    "/ventures/{venture_id}/photo",
    response=VentureOut,
    summary="Set my venture's photo (JPEG, PNG or WebP, at most 10 MB)",
    openapi_extra=UPLOAD_BODY,
)
def set_photo(request: HttpRequest, venture_id: Id) -> Venture:
    venture = _own_venture(request, venture_id)
    services.set_venture_photo(venture=venture, upload=_upload(request))
    return _with_outstanding(request, venture.pk)


@router.get(
    "/ventures/{venture_id}/photo", summary="The venture's photo", openapi_extra=IMAGE_RESPONSE
)
def get_photo(request: HttpRequest, venture_id: Id) -> HttpResponse:
    venture = _venture(request, venture_id)
    if not venture.photo:
        raise NotFound(_("This venture has no photo."))
    _audit_staff_read(request, venture, "venture.photo")
    return _image_response(str(venture.photo.name), f"venture-{venture.pk}.jpg")


@router.post(
    "/ventures/{venture_id}/entries",
    response={201: EntryOut, 200: EntryOut},
    summary="Record a sale, expense or repayment (idempotent on the client's id)",
    description="201 when new; 200 when the same id and content were already recorded; "
    "409 when the id is taken by an entry with other content. Also open to the portal's "
    "signed-in session (its cookie and the CSRF token in X-CSRFToken), for the pages' outbox.",
    auth=[session_auth, portal_session_auth],
)
def create_entry(request: HttpRequest, venture_id: Id, payload: EntryIn) -> Status[LedgerEntry]:
    venture = _own_venture(request, venture_id)
    data = services.EntryInput(
        **payload.model_dump(exclude={"wallet", "category"}),
        wallet=payload.wallet or "",
        category=payload.category or "",
    )
    entry, created = services.record_entry(venture=venture, actor=request_user(request), data=data)
    return Status(201 if created else 200, entry)


@router.get(
    "/ventures/{venture_id}/entries",
    response=list[EntryOut],
    summary="A venture's ledger, newest first, voided entries included and marked",
)
@paginate(BoundedCursorPagination, ordering=("-received_at", "-id"))
def list_entries(
    request: HttpRequest, venture_id: Id, filters: Query[EntryFilter]
) -> QuerySet[LedgerEntry]:
    venture = _venture(request, venture_id)
    _audit_staff_read(request, venture, "venture.entries")
    qs = LedgerEntry.objects.filter(venture=venture).select_related("venture")
    if filters.start:
        qs = qs.filter(occurred_on__gte=filters.start)
    if filters.end:
        qs = qs.filter(occurred_on__lte=filters.end)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.method:
        qs = qs.filter(payment_method=filters.method)
    if filters.voided is not None:
        qs = qs.filter(voided_at__isnull=not filters.voided)
    return qs


@router.post(
    "/entries/{entry_id}/void",
    response=EntryOut,
    summary="Void my entry: it stays in the ledger, marked, and leaves every total",
)
def void_entry(request: HttpRequest, entry_id: str, payload: VoidIn) -> LedgerEntry:
    return services.void_entry(
        actor=request_user(request), entry_id=entry_id, reason=payload.reason
    )


@router.post(
    "/entries/{entry_id}/receipt",
    response=EntryOut,
    summary="Attach a receipt photo to my entry (JPEG, PNG or WebP, at most 10 MB)",
    description="The picture is re-encoded without any metadata (GPS, EXIF, XMP, comments). "
    "Also open to the portal's signed-in session with its CSRF token, for the pages' outbox.",
    openapi_extra=UPLOAD_BODY,
    auth=[session_auth, portal_session_auth],
)
def attach_receipt(request: HttpRequest, entry_id: str) -> LedgerEntry:
    user = request_user(request)
    # Looked up before the body is read: an unknown entry is refused without parsing it.
    entry = access_own_entry(user, entry_id)
    if entry is None:
        raise NotFound(_("Not found."))
    return services.attach_receipt(actor=user, entry=entry, upload=_upload(request))


@router.get(
    "/entries/{entry_id}/receipt",
    summary="The receipt photo of an entry I may see",
    description="Entry ids are unique per owner: a manager overseeing several people who used "
    "the same id names the venture with venture_id (422 otherwise).",
    openapi_extra=IMAGE_RESPONSE,
)
def get_receipt(
    request: HttpRequest, entry_id: str, thumbnail: bool = False, venture_id: Id | None = None
) -> HttpResponse:
    entry = access_entry(request_user(request), entry_id, venture_id=venture_id)
    if entry is None or not entry.receipt:
        raise NotFound(_("Not found."))
    _audit_staff_read(request, entry.venture, "venture.receipt")
    name = str(entry.receipt_thumbnail.name if thumbnail else entry.receipt.name)
    return _image_response(name, f"receipt-{entry.sync_id}{'-thumb' if thumbnail else ''}.jpg")


@router.get(
    "/ventures/{venture_id}/summary",
    response=SummaryOut,
    summary="Sales, expenses, margin, payment mix and trend over a range",
    description="Buckets per day, week (Monday first) or month; the trend compares the range "
    "with the range of the same length just before it.",
)
def summary(request: HttpRequest, venture_id: Id, query: Query[SummaryQuery]) -> dict[str, Any]:
    venture = _venture(request, venture_id)
    if query.end < query.start:
        raise DomainError(
            _("The end date is before the start date."), field="query.end", status=422
        )
    days = (query.end - query.start).days + 1
    buckets = {"day": days, "week": days // 7 + 1, "month": days // 28 + 1}[query.period]
    if buckets > MAX_SUMMARY_BUCKETS:
        raise DomainError(
            _("This range is too long for this period: choose a shorter range or a longer period."),
            field="query.start",
            status=422,
        )
    _audit_staff_read(request, venture, "venture.summary")
    return selectors.summary(venture, period=query.period, start=query.start, end=query.end)


@router.get(
    "/ventures/{venture_id}/record",
    summary="My venture's business record as a PDF, with a verification code",
    openapi_extra={
        "responses": {200: {"description": "A PDF", "content": {"application/pdf": {}}}}
    },
)
def business_record(request: HttpRequest, venture_id: Id) -> HttpResponse:
    venture = _own_venture(request, venture_id)
    pdf = records.issue_record(venture=venture)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="business-record-{venture.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


def _upload(request: HttpRequest) -> Any:
    """The uploaded file, refused with 413 by its declared length before anything is parsed."""
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    # Multipart framing adds a few hundred bytes around the file itself.
    images.check_size(max(length - 4096, 0))
    upload = request.FILES.get("file")
    if upload is None:
        raise DomainError(_("Send the picture as a multipart field named file."), field="body.file")
    return upload


def _image_response(name: str, filename: str) -> HttpResponse:
    with default_storage.open(name, "rb") as handle:
        response = HttpResponse(handle.read(), content_type=images.CONTENT_TYPE)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
