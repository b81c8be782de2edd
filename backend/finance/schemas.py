import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema

from backend.accounts.schemas import StrictIn
from backend.lib.money import to_string
from backend.lib.validation import Amount, Date, Id

Frequency = Literal["daily", "daily_except_sunday", "weekly", "monthly"]


class ModuleOut(Schema):
    code: str
    title: str
    lessons: int


class ChoiceOut(Schema):
    id: int
    text: str


class ChoiceRevealed(ChoiceOut):
    is_correct: bool
    explanation: str


class QuestionOut(Schema):
    id: int
    lesson_id: int
    text: str
    choices: list[ChoiceOut]


class QuestionRevealed(Schema):
    id: int
    lesson_id: int
    text: str
    choices: list[ChoiceRevealed]


class LessonRow(Schema):
    id: int
    module: str
    order: int
    slug: str
    title: str
    completed: bool


class LessonOut(Schema):
    id: int
    module: str
    order: int
    slug: str
    title: str
    body: str = Field(description="Plain text; paragraphs separated by a blank line")
    quiz: list[QuestionOut]
    completed: bool


class BundleLesson(Schema):
    id: int
    module: str
    order: int
    slug: str
    title: str
    body: str
    quiz: list[QuestionRevealed]


class BundleOut(Schema):
    module: str
    language: str
    title: str
    lessons: list[BundleLesson]
    knowledge_test: list[QuestionOut] = Field(
        description="The pre-/post-test questions, without their answers"
    )


class CompletionOut(Schema):
    lesson_id: int
    completed_at: dt.datetime
    created: bool


class AnswerIn(StrictIn):
    question_id: Id
    choice_id: Id


class AnswersIn(StrictIn):
    answers: list[AnswerIn] = Field(..., min_length=1, max_length=50)


class KnowledgeTestIn(AnswersIn):
    kind: Literal["pre", "post"]


class MarkedAnswerOut(Schema):
    question_id: int
    choice_id: int
    is_correct: bool
    correct_choice_id: int | None
    explanation: str = Field(description="Why the chosen answer is right or wrong")


class QuizResultOut(Schema):
    attempt_id: int
    lesson_id: int
    correct: int
    total: int
    score: int = Field(description="Points from 0 to 100")
    answers: list[MarkedAnswerOut]


class KnowledgeTestOut(Schema):
    module: str
    language: str
    pre_test_score: int | None
    post_test_score: int | None
    questions: list[QuestionOut]


class KnowledgeResultOut(Schema):
    attempt_id: int
    kind: str
    correct: int
    total: int
    score: int
    pre_test_score: int | None
    knowledge_gain: int | None = Field(description="Post-test minus pre-test score, in points")


class QuizProgressOut(Schema):
    lesson_id: int
    best_score: int
    attempts: int


class ProgressOut(Schema):
    module: str
    lessons_total: int
    lessons_completed: int
    module_completed: bool
    completed_lesson_ids: list[int]
    quizzes: list[QuizProgressOut]
    pre_test_score: int | None
    post_test_score: int | None
    knowledge_gain: int | None


class GoalIn(StrictIn):
    name: str = Field(..., min_length=1, max_length=120)
    target_amount: Amount = Field(..., description="In the goal's currency, e.g. 250.00")
    currency: str | None = Field(
        None, min_length=3, max_length=3, description="Defaults to the programme's currency"
    )
    target_date: Date | None = None
    programme_id: Id | None = Field(
        None, description="Needed only when you take part in more than one programme"
    )


class GoalOut(Schema):
    """Read from a goal carrying ``saved`` (see selectors.goals_with_balance)."""

    id: int
    programme_id: int
    name: str
    target_amount: str
    currency: str
    target_date: dt.date | None
    saved: str
    remaining: str
    share_of_target_percent: str = Field(description="Saved over target, in percent")
    reached: bool
    created_at: dt.datetime

    @staticmethod
    def resolve_target_amount(obj: Any) -> str:
        return to_string(obj.target_amount, obj.currency)

    @staticmethod
    def resolve_saved(obj: Any) -> str:
        return to_string(Decimal(obj.saved), obj.currency)

    @staticmethod
    def resolve_remaining(obj: Any) -> str:
        return to_string(max(obj.target_amount - Decimal(obj.saved), Decimal(0)), obj.currency)

    @staticmethod
    def resolve_share_of_target_percent(obj: Any) -> str:
        share = Decimal(obj.saved) / obj.target_amount * 100
        return f"{share.quantize(Decimal('0.1')):f}"

    @staticmethod
    def resolve_reached(obj: Any) -> bool:
        return bool(Decimal(obj.saved) >= obj.target_amount)


class MovementIn(StrictIn):
    kind: Literal["deposit", "withdrawal"]
    amount: Amount
    occurred_on: Date | None = Field(None, description="Defaults to today")
    note: str = Field("", max_length=200)


class MovementOut(Schema):
    id: int
    goal_id: int
    kind: str
    amount: str
    occurred_on: dt.date
    note: str
    created_at: dt.datetime

    @staticmethod
    def resolve_amount(obj: Any) -> str:
        return to_string(obj.amount, obj.goal.currency)


class MovementResultOut(Schema):
    movement: MovementOut
    goal: GoalOut


class CreditCostIn(StrictIn):
    country: str = Field(..., min_length=2, max_length=2, description="CO, PE, EC...")
    amount_received: Amount = Field(..., description="What you receive in hand")
    repayment: Amount = Field(..., description="The amount of each repayment")
    frequency: Frequency = Field(
        ...,
        description="daily: every day (365 a year); daily_except_sunday: Monday to "
        "Saturday (313 a year); weekly (52); monthly (12)",
    )
    payments: int = Field(..., description="How many repayments (1 to 1000)")


class ReferenceOut(Schema):
    name: str
    annual_rate_percent: str
    source: str
    as_of: dt.date
    is_sample: bool
    times_reference: str = Field(description="This loan's effective annual rate over the reference")


class CreditCostOut(Schema):
    country: str
    currency: str
    frequency: str
    payments: int
    periods_per_year: int
    amount_received: str
    repayment: str
    total_repaid: str
    total_cost: str
    cost_share_percent: str = Field(description="Total cost over the amount received")
    periodic_rate_percent: str = Field(description="Internal rate of return per payment period")
    effective_annual_rate_percent: str
    references: list[ReferenceOut]


class ProviderOut(Schema):
    id: int
    country: str
    name: str
    kind: str
    products: list[str]
    accepted_documents: list[str]
    how_to_reach: str
    phone: str
    website: str
    notes: str
    is_sample: bool

    @staticmethod
    def resolve_accepted_documents(obj: Any) -> list[str]:
        return sorted(d.document for d in obj.accepted_documents.all())


class KnowledgeGainOut(Schema):
    n: int
    mean_gain_points: Decimal | None
    mean_pre_score: Decimal | None
    mean_post_score: Decimal | None


class CurrencySavingsOut(Schema):
    currency: str
    goals: int
    saved: str = Field(description="Deposits minus withdrawals, in this currency")


class SavingsSummaryOut(Schema):
    savers: int
    goals: int
    by_currency: list[CurrencySavingsOut]


class LiteracySummaryOut(Schema):
    programme_id: int
    module: str
    participants: int
    lessons_in_module: int
    completed_module: int
    completion_share: Decimal | None = Field(description="Percent of participants")
    pre_tested: int
    knowledge_gain: KnowledgeGainOut
    savings: SavingsSummaryOut
