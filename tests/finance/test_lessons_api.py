from django.db import connection
from django.test.utils import CaptureQueriesContext

from backend.finance.models import Lesson, Module, QuizChoice, QuizQuestion
from tests.conftest import ApiClient, World

BUNDLE = "finance/modules/core/bundle"


def test_lessons_come_in_the_language_asked(world: World, core: Module) -> None:
    api = ApiClient(world.participant_a)
    rows = api.get("finance/modules/core/lessons", lang="pt-br").json()
    assert len(rows) == 8
    assert rows[0]["title"] == core.lessons.get(order=1).title_pt
    lesson = api.get(f"finance/lessons/{rows[4]['id']}", lang="en").json()
    assert lesson["slug"] == "gota-a-gota"
    assert lesson["body"].startswith('"Gota a gota"')
    assert len(lesson["quiz"]) == 2
    assert "is_correct" not in lesson["quiz"][0]["choices"][0]


def test_lessons_default_to_the_persons_language(world: World, core: Module) -> None:
    world.participant_a.preferred_language = "en"
    world.participant_a.save()
    rows = ApiClient(world.participant_a).get("finance/modules/core/lessons").json()
    assert rows[0]["title"] == core.lessons.get(order=1).title_en


def test_an_unknown_language_is_a_422(world: World, core: Module) -> None:
    resp = ApiClient(world.participant_a).get("finance/modules/core/lessons", lang="fr")
    assert resp.status_code == 422
    assert resp.json()["error"]["fields"][0]["loc"] == ["query", "lang"]


def test_a_missing_module_is_a_404(world: World, core: Module) -> None:
    assert ApiClient(world.participant_a).get("finance/modules/nope/bundle").status_code == 404


def test_the_bundle_holds_the_whole_module(world: World, core: Module) -> None:
    resp = ApiClient(world.participant_a).get(BUNDLE, lang="es")
    assert resp.status_code == 200
    body = resp.json()
    assert [lesson["order"] for lesson in body["lessons"]] == list(range(1, 9))
    choice = body["lessons"][0]["quiz"][0]["choices"][0]
    assert set(choice) == {"id", "text", "is_correct", "explanation"}
    assert len(body["knowledge_test"]) == 8
    assert "is_correct" not in body["knowledge_test"][0]["choices"][0]
    assert resp["ETag"].startswith('"')
    assert resp["ETag"].endswith('"')


def test_a_matching_etag_answers_304(world: World, core: Module) -> None:
    api = ApiClient(world.participant_a)
    etag = api.get(BUNDLE, lang="es")["ETag"]
    again = api.client.get(
        f"/api/v1/{BUNDLE}",
        {"lang": "es"},
        headers={"X-Session-Token": api.token, "If-None-Match": etag},
    )
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    listed = api.client.get(
        f"/api/v1/{BUNDLE}",
        {"lang": "es"},
        headers={"X-Session-Token": api.token, "If-None-Match": f'"other", W/{etag}'},
    )
    assert listed.status_code == 304
    stale = api.client.get(
        f"/api/v1/{BUNDLE}",
        {"lang": "es"},
        headers={"X-Session-Token": api.token, "If-None-Match": '"stale"'},
    )
    assert stale.status_code == 200


def _etags(api: ApiClient) -> dict[str, str]:
    return {lang: api.get(BUNDLE, lang=lang)["ETag"] for lang in ("es", "en", "pt-br")}


def test_the_etag_changes_exactly_when_the_content_does(world: World, core: Module) -> None:
    api = ApiClient(world.participant_a)
    first = _etags(api)
    assert len(set(first.values())) == 3  # each language is its own content

    lesson = core.lessons.get(order=3)
    lesson.save()  # saved with no change: updated_at moves, the content does not
    Module.objects.filter(pk=core.pk).update(title_es=core.title_es)
    assert _etags(api) == first

    lesson.body_en += " Keep going."
    lesson.save()
    second = _etags(api)
    assert second["en"] != first["en"]
    assert second["es"] == first["es"]
    assert second["pt-br"] == first["pt-br"]

    choice = QuizChoice.objects.filter(question__lesson=lesson).first()
    assert choice is not None
    choice.explanation_es += " ¡Bien!"
    choice.save()
    third = _etags(api)
    assert third["es"] != second["es"]
    assert third["en"] == second["en"]

    choice.explanation_es = choice.explanation_es.removesuffix(" ¡Bien!")
    choice.save()
    assert _etags(api)["es"] == first["es"]  # back to the same text, back to the same tag


def test_the_bundle_costs_the_same_queries_however_many_lessons(world: World, core: Module) -> None:
    api = ApiClient(world.participant_a)
    api.get(BUNDLE)  # warm the session
    with CaptureQueriesContext(connection) as eight:
        api.get(BUNDLE)
    extra = Module.objects.create(code="extra", title_es="x", title_en="x", title_pt="x")
    for order in range(1, 21):
        Lesson.objects.create(
            module=extra, order=order, slug=f"l{order}", title_es="t", title_en="t",
            title_pt="t", body_es="b", body_en="b", body_pt="b",
        )  # fmt: skip
    question = QuizQuestion.objects.create(
        lesson=extra.lessons.get(order=20), order=1, text_es="q", text_en="q", text_pt="q"
    )
    QuizChoice.objects.create(
        question=question, order=1, is_correct=True, text_es="a", text_en="a", text_pt="a",
        explanation_es="e", explanation_en="e", explanation_pt="e",
    )  # fmt: skip
    with CaptureQueriesContext(connection) as twenty:
        api.get("finance/modules/extra/bundle")
    assert len(twenty) == len(eight)


def test_lessons_need_a_sign_in(world: World, core: Module) -> None:
    assert ApiClient(None).get(BUNDLE).status_code == 401
    assert ApiClient(world.trainer).get(BUNDLE).status_code == 200
