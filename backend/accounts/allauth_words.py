"""Messages of the sign-in library that its own catalogues say badly for our people.

Marked here so that `make messages` keeps them in our catalogue, whose translations win over
the library's (LOCALE_PATHS comes first): the Portuguese sign-up page left "sign in" in
English, and the Spanish one said a code sent by SMS was sent "por correo".
"""

from django.utils.translation import gettext_noop

OVERRIDDEN = [
    gettext_noop("Already have an account? Then please %(link)ssign in%(end_link)s."),
    gettext_noop("A sign-in code has been sent to %(recipient)s."),
]
