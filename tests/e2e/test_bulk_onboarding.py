"""A manager imports a KoboToolbox export on a phone: three bad rows are explained, the rest
are imported, and importing the same file again changes nothing."""

import os
from pathlib import Path
from typing import Any

import pytest

from backend.accounts.models import Consent, User
from backend.programmes.models import Membership
from tests.conftest import World
from tests.e2e.test_portal_login import current_totp, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

KOBO = (
    "start;end;datos/nombre;datos/apellido;datos/telefono;datos/sexo;datos/fecha_nacimiento;"
    "ubicacion/departamento;consentimiento;testigo;_id;_uuid\n"
    ";;#contact+name;#contact+name;#contact+phone;#sex;#date+birth;#adm1+name;#meta+consent;;;\n"
    "2026-03-01;2026-03-01;Ana;Pérez;987 111 001;mujer;15/03/1990;Piura;papel;;1;u1\n"
    "2026-03-01;2026-03-01;Beto;Díaz;98711;hombre;02/07/1985;Piura;papel;;2;u2\n"
    "2026-03-01;2026-03-01;Carla;Ruiz;987111003;mujer;1992;Atlántida;papel;;3;u3\n"
    "2026-03-01;2026-03-01;Dario;Soto;987111004;hombre;10/10/1979;Tacna;;;4;u4\n"
    "2026-03-01;2026-03-01;Elena;Vera;+51 987 111 005;mujer;01/01/2000;Tacna;verbal;"
    "trainer@example.org;5;u5\n"
    "2026-03-01;2026-03-01;Flor;Mena;987111006;mujer;05/05/1995;piura;papel;;6;u6\n"
)


def _shot(page: Any, name: str) -> None:
    folder = os.environ.get("IMPULSA_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def _fits(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, width


def _upload_and_check(page: Any, base: str, world: World, path: Path, shots: str) -> None:
    page.goto(f"{base}/programmes/{world.programme_a.pk}/participants/")
    page.click("text=Importar participantes desde un archivo")
    _shot(page, f"import-start{shots}")
    _fits(page)
    page.set_input_files("#file", str(path))
    page.click("main form[method=post] button[type=submit]")
    page.wait_for_url("**/columns/")
    assert "Se encontraron etiquetas HXL" in page.content()
    _shot(page, f"import-mapping{shots}")
    _fits(page)
    page.click("text=Revisar el archivo")
    page.wait_for_selector("#summary")


def test_a_manager_imports_a_kobo_file_and_a_second_import_changes_nothing(
    live_server: Any, page: Any, world: World, tmp_path: Path
) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    base = live_server.url
    path = tmp_path / "kobo-perfilamiento.csv"
    path.write_text(KOBO, encoding="utf-8")
    sign_in(page, base, "manager@example.org")
    page.wait_for_url("**/2fa/authenticate/**")
    page.fill("input[name=code]", current_totp())
    page.click("main form[method=post] button[type=submit]")
    page.wait_for_url(f"{base}/")

    _upload_and_check(page, base, world, path, "")
    assert page.locator("#ready").inner_text() == "3 filas listas para importar"
    assert page.locator("#bad").inner_text() == "3 filas tienen errores y quedarán fuera"
    problems = page.locator("#problems li.problem").all_inner_texts()
    assert problems == [
        "Línea 4 · Teléfono: “98711” no es un número de teléfono válido.",
        "Línea 5 · Región de residencia: “Atlántida” no es una región del país del programa.",
        "Línea 6 · Consentimiento (en papel o verbal): No hay consentimiento registrado: "
        "escriba “papel” o “verbal” cuando la persona haya aceptado.",
    ]
    _shot(page, "import-preview")
    _fits(page)
    page.click("text=Importar 3 filas")
    page.wait_for_selector("#result")
    assert "3 personas agregadas." in page.locator("#result").inner_text()
    _shot(page, "import-done")
    _fits(page)
    people = Membership.objects.filter(programme=world.programme_a, role="participant")
    assert people.count() == 5  # the world's two and these three
    elena = User.objects.get(phone="+51987111005")
    assert Consent.objects.get(user=elena).witness == world.trainer
    before = (User.objects.count(), Consent.objects.count(), people.count())

    _upload_and_check(page, base, world, path, "-again")
    assert page.locator("#ready").inner_text() == "0 filas listas para importar"
    assert page.locator("#already").inner_text() == "3 filas ya están"
    assert page.locator("button[value=import]").count() == 0
    _shot(page, "import-again")
    _fits(page)
    assert (User.objects.count(), Consent.objects.count(), people.count()) == before
