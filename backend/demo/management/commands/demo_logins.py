from typing import Any

from django.core.management.base import BaseCommand

from backend.demo import people


class Command(BaseCommand):
    help = "Prints the demo sign-ins of every role."

    def handle(self, *args: Any, **options: Any) -> None:
        w = self.stdout.write
        w(f"Demo sign-ins (password for every email account: {people.DEMO_PASSWORD})")
        for email, role, secret in people.STAFF:
            mfa = f"  TOTP secret {secret}" if secret else ""
            w(f"  {role:<32} {email:<31}{mfa}")
        w(
            f"  {'participant (portal and app)':<32} {people.DEMO_PARTICIPANT_EMAIL:<31}"
            f"  or phone {people.DEMO_PARTICIPANT_PHONE} with an SMS code (printed in this log)"
        )
        w("Staff and donor viewers sign in with a TOTP code as the second step: add the secret")
        w("to an authenticator app, or print the current codes with")
        w("  DJANGO_DEBUG=1 .venv/bin/python manage.py demo_totp")
