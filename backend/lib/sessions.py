"""How long a sign-in lasts, for portal cookies and app session tokens alike.

Two limits apply to every signed-in session:

- idle: SESSION_COOKIE_AGE seconds without a request end it. Portal cookies are renewed on
  every request (SESSION_SAVE_EVERY_REQUEST); an app token's session is renewed at most once
  a minute (RENEW_EVERY_SECONDS), so a phone that syncs often does not write on every call.
- absolute: IMPULSA_SESSION_ABSOLUTE_SECONDS after sign-in the session ends however active it
  is, and the person signs in again.

The app's X-Session-Token is the key of a Django session (allauth's session token strategy),
so the same session row carries both stamps; AppSessionTokenStrategy enforces them wherever
a token is looked up (the /api/v1 authentication and allauth's own app endpoints).
"""

from importlib import import_module
from typing import Any

from allauth.headless.tokens.strategies.sessions import SessionTokenStrategy
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.base import SessionBase
from django.utils import timezone

STARTED_KEY = "impulsa_session_started"
SEEN_KEY = "impulsa_session_seen"
RENEW_EVERY_SECONDS = 60


def now_ts() -> int:
    return int(timezone.now().timestamp())


def stamp_new_session(session: SessionBase) -> None:
    """Marks the moment of sign-in (the start of the absolute lifetime)."""
    now = now_ts()
    session[STARTED_KEY] = now
    session[SEEN_KEY] = now


def past_absolute_lifetime(session: SessionBase) -> bool:
    started = session.setdefault(STARTED_KEY, now_ts())
    return now_ts() - int(started) > settings.IMPULSA_SESSION_ABSOLUTE_SECONDS


def on_user_logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """Every sign-in (portal form, app login, SMS code, test client) starts a fresh clock."""
    session = getattr(request, "session", None)
    if session is not None:
        stamp_new_session(session)


def _store(session_key: str) -> SessionBase:
    engine = import_module(settings.SESSION_ENGINE)
    store: SessionBase = engine.SessionStore(session_key=session_key)
    return store


class AppSessionTokenStrategy(SessionTokenStrategy):
    """allauth's session tokens, with the idle and absolute lifetimes of portal sessions.

    One read of the session row per lookup (allauth's own strategy makes two); a write only
    to renew the idle lifetime, at most once a minute, or to end an expired session.
    """

    def lookup_session(self, session_token: str) -> SessionBase | None:
        session = _store(session_token)
        # Loading drops a missing or idle-expired session and clears its key.
        signed_in = session.get(SESSION_KEY) is not None
        if not session.session_key:
            return None
        if not signed_in:
            return session  # a sign-in flow still in progress (SMS code, MFA step)
        if past_absolute_lifetime(session):
            session.delete()
            return None
        now = now_ts()
        if now - int(session.get(SEEN_KEY, 0)) >= RENEW_EVERY_SECONDS:
            session[SEEN_KEY] = now
            session.save()  # a new expiry date: now + SESSION_COOKIE_AGE
            session.modified = False
        return session
