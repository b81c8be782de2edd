"""Messages of libraries (sign-in, task queue) that their own catalogues say badly or not at all.

Marked here so that `make messages` keeps them in our catalogue, whose translations win over
the library's (LOCALE_PATHS comes first): the Portuguese sign-up page left "sign in" in
English, and the Spanish one said a code sent by SMS was sent "por correo"; the task queue's
admin pages had no Spanish or Portuguese at all.
"""

from django.utils.translation import gettext_noop

OVERRIDDEN = [
    gettext_noop("Already have an account? Then please %(link)ssign in%(end_link)s."),
    gettext_noop("A sign-in code has been sent to %(recipient)s."),
    gettext_noop("Task Result"),
    gettext_noop("Task Results"),
    gettext_noop("MFA"),
]
