"""Sending text messages through a sender chosen by the IMPULSA_SMS_BACKEND setting.

"console" prints to standard output and "file" appends one JSON line per message (both for
local use and tests); any other value is the dotted path of a class with a
``send(phone: str, message: str) -> None`` method, the adapter of a real provider.
"""

import json
import sys
from functools import cache
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


class SmsSender(Protocol):
    def send(self, phone: str, message: str) -> None: ...


class ConsoleSender:
    def send(self, phone: str, message: str) -> None:
        print(f"[SMS to {phone}] {message}", file=sys.stdout, flush=True)


class FileSender:
    def send(self, phone: str, message: str) -> None:
        path = Path(settings.IMPULSA_SMS_FILE)  # read per message so tests can point it elsewhere
        path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"to": phone, "message": message, "at": timezone.now().isoformat()})
        with path.open("a", encoding="utf-8") as fh:
            fh.write(line + "\n")


@cache
def _sender_for(name: str) -> SmsSender:
    if name == "console":
        return ConsoleSender()
    if name == "file":
        return FileSender()
    return import_string(name)()


def get_sender() -> SmsSender:
    return _sender_for(settings.IMPULSA_SMS_BACKEND)


def send_sms(phone: str, message: str) -> None:
    get_sender().send(phone, message)
