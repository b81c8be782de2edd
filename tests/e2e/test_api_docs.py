"""The API's interactive documentation renders under the site's own CSP, without a network."""

from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def test_api_docs_list_the_operations_with_no_csp_violation(live_server: Any, browser: Any) -> None:
    context = browser.new_context(locale="es-CO", viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.set_default_timeout(15_000)
    console: list[str] = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    outside: list[str] = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if not request.url.startswith((live_server.url, "data:"))
            else None
        ),
    )
    # A violation is reported to the page as an event even when nothing reaches the console.
    page.add_init_script(
        "window.__cspViolations = [];"
        "document.addEventListener('securitypolicyviolation', e =>"
        " window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    try:
        response = page.goto(f"{live_server.url}/api/v1/docs")
        assert response is not None
        assert response.status == 200
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp
        assert "unsafe" not in csp
        operation = page.locator(".opblock-summary-path", has_text="/api/v1/sync/pull")
        operation.first.wait_for(state="visible")
        assert page.locator(".opblock").count() > 20
        assert page.locator(".info .title", has_text="Impulsa API").is_visible()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "api-docs-360.png"))
        violations = page.evaluate("window.__cspViolations")
    finally:
        context.close()
    assert violations == []
    assert [line for line in console if "Content Security Policy" in line] == []
    assert outside == []
