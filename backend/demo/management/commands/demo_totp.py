import time
from typing import Any

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.management.base import BaseCommand

from backend.demo.people import STAFF


class Command(BaseCommand):
    help = "Prints the current TOTP code of every demo staff and donor account (demo only)."

    def handle(self, *args: Any, **options: Any) -> None:
        counter = int(time.time()) // 30
        for email, _role, secret in STAFF:
            if secret:
                self.stdout.write(f"{email:<34} {format_hotp_value(hotp_value(secret, counter))}")
