"""Spanish and Portuguese pages say everything in their language: catalogues complete, names
of countries and regions translated, the admin's sections and models named in the language."""

import re
import subprocess
from pathlib import Path

import pytest
from django.core.exceptions import FieldDoesNotExist
from django.test import Client

from backend.accounts.models import ParticipantProfile
from backend.outcomes.definitions import label
from tests.conftest import World

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted((ROOT / "backend").glob("**/locale/*/LC_MESSAGES/django.po"))


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT / "backend")))
def test_catalogue_has_no_untranslated_or_fuzzy_message(po: Path) -> None:
    def entries(flag: str) -> list[str]:
        out = subprocess.run(
            ["msgattrib", flag, "--no-obsolete", "--no-wrap", str(po)],  # noqa: S607
            check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
        return [m for m in re.findall(r'^msgid "(.*)"$', out, re.M) if m]

    assert entries("--only-fuzzy") == []
    if "/en/" not in str(po):  # English may leave msgstr empty: the msgid is the text
        assert entries("--untranslated") == []


@pytest.mark.parametrize(
    ("language", "peru", "brazil"), [("es", "Perú", "Brasil"), ("pt-br", "Peru", "Brasil")]
)
def test_country_list_of_the_loan_tool_is_in_the_language(
    db: None, language: str, peru: str, brazil: str
) -> None:
    html = Client().get("/tools/credit-cost/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    options = re.findall(r'<option value="[A-Z]{2}"[^>]*>([^<]+)</option>', html)
    assert peru in options
    assert brazil in options
    assert "Brazil" not in options


def test_report_labels_name_regions_and_countries_not_codes(db: None) -> None:
    from django.utils import translation

    with translation.override("es"):
        assert label("CO-DC") == "Bogotá D.C."
        assert label("PE-CAL") == "Callao"
        assert label("PE") == "Perú"
    with translation.override("pt-br"):
        assert label("BR") == "Brasil"


def test_participant_page_names_the_region(world: World) -> None:
    ParticipantProfile.objects.update_or_create(
        user=world.participant_a, defaults={"country": "CO", "region": "CO-NSA"}
    )
    client = Client()
    client.force_login(world.manager)
    page = client.get(
        f"/programmes/{world.programme_a.pk}/participants/{world.participant_a.pk}/",
        HTTP_ACCEPT_LANGUAGE="es",
    ).content.decode()
    assert "Norte de Santander" in page
    assert "CO-NSA" not in page


def test_allauth_leftovers_are_said_in_our_words(db: None) -> None:
    from django.utils import translation
    from django.utils.translation import gettext

    with translation.override("pt-br"):
        signup = gettext("Already have an account? Then please %(link)ssign in%(end_link)s.")
        assert "sign in" not in signup
        assert "entre" in signup
    with translation.override("es"):
        sent = gettext("A sign-in code has been sent to %(recipient)s.")
        assert "correo" not in sent


def test_admin_sections_and_models_are_named_in_spanish_once_each(world: World) -> None:
    client = Client()
    client.force_login(world.admin)
    html = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    sections = re.findall(r"<caption>\s*<a[^>]*>([^<]*)</a>", html)
    models = re.findall(r'<th scope="row"[^>]*>\s*<a[^>]*>([^<]*)</a>', html)
    assert len(sections) == len(set(sections)), sections
    assert len(models) == len(set(models)), models
    for english in (
        "Business records",
        "Venture months",
        "Stripe events",
        "Tasks Database",
        "Task Results",
        "MFA",
        "User Sessions",
        "Authenticators",
    ):
        assert english not in html, english
    page = client.get("/admin/accounts/auditevent/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Por action" not in page


def test_renaming_the_task_queue_keeps_our_own_app_configuration() -> None:
    from django.apps import apps

    from backend.lib.apps import LibConfig

    assert isinstance(apps.get_app_config("lib"), LibConfig)  # its ready() stamps sessions
    assert (
        str(apps.get_app_config("django_tasks_database").verbose_name) != "Tasks Database Backend"
    )


def test_admin_filters_and_columns_are_labelled_in_spanish(db: None) -> None:
    """'Por action', 'Filter by at', an 'AT' column: fields without a translatable name."""
    from django.contrib import admin
    from django.utils import translation

    untranslated = []
    with translation.override("es"):
        for model, model_admin in admin.site._registry.items():
            if not model.__module__.startswith("backend."):
                continue
            names = [*model_admin.list_filter, *model_admin.list_display]
            if model_admin.date_hierarchy:
                names.append(model_admin.date_hierarchy)
            for entry in names:
                if not isinstance(entry, str) or "__" in entry:
                    continue
                try:
                    field = model._meta.get_field(entry)
                except FieldDoesNotExist:
                    continue  # a method column, named by its own description
                if str(field.verbose_name) == entry.replace("_", " "):
                    untranslated.append(f"{model._meta.label}.{entry}")
    assert untranslated == [], "\n".join(untranslated)
