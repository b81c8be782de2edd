from typing import Any

import pytest

from backend.finance.models import AcceptedDocument, FinancialProvider
from tests.conftest import ApiClient, World

PROVIDERS = "finance/providers"


def _provider(name: str, country: str, docs: list[str], **flags: Any) -> FinancialProvider:
    provider = FinancialProvider.objects.create(
        name=name, country=country, kind=flags.pop("kind", "bank"), is_sample=True, **flags
    )
    for doc in docs:
        AcceptedDocument.objects.create(provider=provider, document=doc)
    return provider


@pytest.fixture
def directory(db: Any) -> dict[str, FinancialProvider]:
    return {
        "bank": _provider("Banco Ejemplo (muestra)", "CO", ["co_ppt", "co_ce"],
                          offers_account=True, offers_credit=True),
        "coop": _provider("Cooperativa Ejemplo (muestra)", "CO", ["co_ppt", "passport"],
                          kind="cooperative", offers_savings=True, offers_credit=True),
        "wallet": _provider("Billetera Ejemplo (muestra)", "CO", ["co_ppt", "co_pep"],
                            kind="wallet", offers_account=True, offers_transfers=True),
        "peru": _provider("Caja Ejemplo (muestra)", "PE", ["pe_cpp", "co_ppt"],
                          kind="microfinance", offers_account=True),
        "gone": _provider("Cerrado (muestra)", "CO", ["co_ppt"], offers_account=True,
                          is_active=False),
    }  # fmt: skip


def test_where_can_i_open_an_account_with_my_ppt(world: World, directory: Any) -> None:
    resp = ApiClient(world.participant_a).get(
        PROVIDERS, country="co", product="account", document="co_ppt"
    )
    assert resp.status_code == 200
    names = [p["name"] for p in resp.json()["items"]]
    assert names == ["Banco Ejemplo (muestra)", "Billetera Ejemplo (muestra)"]
    first = resp.json()["items"][0]
    assert first["products"] == ["account", "credit"]
    assert first["accepted_documents"] == ["co_ce", "co_ppt"]
    assert first["is_sample"] is True


def test_filters_combine(world: World, directory: Any) -> None:
    api = ApiClient(world.participant_a)
    by_doc = api.get(PROVIDERS, document="passport").json()["items"]
    assert [p["name"] for p in by_doc] == ["Cooperativa Ejemplo (muestra)"]
    by_kind = api.get(PROVIDERS, kind="microfinance").json()["items"]
    assert [p["country"] for p in by_kind] == ["PE"]
    assert api.get(PROVIDERS).json()["count"] == 4  # the unlisted one never shows


def test_an_unknown_document_type_is_a_422(world: World, directory: Any) -> None:
    resp = ApiClient(world.participant_a, language="en").get(PROVIDERS, document="dni_xx")
    assert resp.status_code == 422
    error = resp.json()["error"]
    assert error["code"] == "unknown_document"
    assert error["fields"][0]["loc"] == ["query", "document"]
    assert "co_ppt" in error["message"]


def test_an_unknown_product_is_a_422(world: World, directory: Any) -> None:
    resp = ApiClient(world.participant_a).get(PROVIDERS, product="mortgage")
    assert resp.status_code == 422


def test_the_directory_needs_a_sign_in(world: World, directory: Any) -> None:
    assert ApiClient(None).get(PROVIDERS).status_code == 401
