from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from backend.accounts.admin import AuditedReadMixin
from backend.lib.admin import ReadOnlyAdminMixin

from .models import (
    AcceptedDocument,
    FinancialProvider,
    Lesson,
    LessonProgress,
    Module,
    QuizAnswer,
    QuizAttempt,
    QuizChoice,
    QuizQuestion,
    ReferenceRate,
    SavingsGoal,
    SavingsMovement,
)

# --- content staff edit ---------------------------------------------------------------------


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin):
    list_display = ["code", "title_es", "updated_at"]


class QuestionInline(admin.TabularInline):
    model = QuizQuestion
    extra = 0
    fields = ["order", "in_knowledge_test", "text_es", "text_en", "text_pt"]
    show_change_link = True  # the answers are edited on the question's own page


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    list_display = ["module", "order", "slug", "title_es", "updated_at"]
    list_filter = ["module"]
    search_fields = ["slug", "title_es", "title_en", "title_pt"]
    fieldsets = [
        (None, {"fields": ["module", "order", "slug"]}),
        ("Español", {"fields": ["title_es", "body_es"]}),
        ("English", {"fields": ["title_en", "body_en"]}),
        ("Português (Brasil)", {"fields": ["title_pt", "body_pt"]}),
    ]
    inlines = [QuestionInline]


class ChoiceInline(admin.StackedInline):
    model = QuizChoice
    extra = 0
    fields = [
        ("order", "is_correct"),
        ("text_es", "text_en", "text_pt"),
        ("explanation_es", "explanation_en", "explanation_pt"),
    ]


@admin.register(QuizQuestion)
class QuizQuestionAdmin(admin.ModelAdmin):
    list_display = ["lesson", "order", "in_knowledge_test", "text_es"]
    list_filter = ["lesson__module", "in_knowledge_test"]
    list_select_related = ["lesson"]
    inlines = [ChoiceInline]


@admin.register(ReferenceRate)
class ReferenceRateAdmin(admin.ModelAdmin):
    list_display = ["country", "name", "annual_rate", "as_of", "is_sample", "source"]
    list_filter = ["country", "is_sample"]
    search_fields = ["name", "source"]


class AcceptedDocumentInline(admin.TabularInline):
    model = AcceptedDocument
    extra = 1


@admin.register(FinancialProvider)
class FinancialProviderAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "kind", "is_sample", "is_active", "updated_at"]
    list_filter = ["country", "kind", "is_sample", "is_active"]
    search_fields = ["name"]
    inlines = [AcceptedDocumentInline]


# --- people's records: read-only, and opening one is audited ----------------------------------


class ReadOnlyAdmin(ReadOnlyAdminMixin, AuditedReadMixin, admin.ModelAdmin):
    """Progress, attempts and savings are append-only: they change only through the services."""


@admin.register(LessonProgress)
class LessonProgressAdmin(ReadOnlyAdmin):
    list_display = ["user_id", "lesson", "completed_at"]
    list_filter = ["lesson__module"]
    list_select_related = ["lesson"]


class AnswerInline(admin.TabularInline):
    model = QuizAnswer
    extra = 0
    can_delete = False
    readonly_fields = ["question", "choice", "is_correct"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(QuizAttempt)
class QuizAttemptAdmin(ReadOnlyAdmin):
    list_display = ["user_id", "kind", "module", "lesson", "score", "answered_at"]
    list_filter = ["kind", "module"]
    list_select_related = ["module", "lesson"]
    inlines = [AnswerInline]


class MovementInline(admin.TabularInline):
    model = SavingsMovement
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "amount", "occurred_on", "note", "created_at"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SavingsGoal)
class SavingsGoalAdmin(ReadOnlyAdmin):
    list_display = ["id", "user_id", "programme", "currency", "target_amount", "created_at"]
    list_filter = ["programme", "currency"]
    list_select_related = ["programme"]
    inlines = [MovementInline]
