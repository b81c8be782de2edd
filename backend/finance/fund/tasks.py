from django.core.mail import EmailMessage
from django.tasks import task
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from backend.lib.pdf import render_pdf

from .models import Donation


@task()
def send_donation_receipt(donation_id: int) -> None:
    """Emails the giver a PDF receipt, once."""
    donation = Donation.objects.select_related("fund", "fund__programme__organisation").get(
        pk=donation_id
    )
    if donation.receipt_sent_at or not donation.giver_email:
        return
    pdf = render_pdf(
        "fund/receipt.html",
        {"donation": donation, "fund": donation.fund},
        language=donation.language,
    )
    with translation.override(donation.language):
        subject = _("Thank you for your gift to %(fund)s") % {"fund": donation.fund.localized_title}
        body = _(
            "Thank you. Your donation of %(amount)s %(currency)s to %(fund)s was received. "
            "Your receipt is attached."
        ) % {
            "amount": donation.amount,
            "currency": donation.currency,
            "fund": donation.fund.localized_title,
        }
    message = EmailMessage(subject, body, to=[donation.giver_email])
    message.attach(f"receipt-{donation.public_id}.pdf", pdf, "application/pdf")
    message.send()
    Donation.objects.filter(pk=donation.pk, receipt_sent_at__isnull=True).update(
        receipt_sent_at=timezone.now()
    )
