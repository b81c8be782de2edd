from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from backend.lib.money import to_string
from backend.lib.ratelimit import over_limit

from .models import SECTOR_CHOICES, BusinessRecord
from .records import normalise_code

VERIFY_LIMIT_PER_MINUTE = 30


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
