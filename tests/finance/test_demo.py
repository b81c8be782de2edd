import io
import random
from typing import Any

from django.core.management import call_command

from backend.demo import finance
from backend.finance.models import FinancialProvider, QuizAttempt, ReferenceRate, SavingsMovement
from backend.finance.selectors import goal_balance, literacy_summary
from backend.programmes.models import Programme


def test_demo_data_is_marked_as_samples_and_believable(db: Any) -> None:
    call_command("seed_demo", "--scale", "tiny", stdout=io.StringIO())
    assert ReferenceRate.objects.exists()
    assert not ReferenceRate.objects.filter(is_sample=False).exists()
    assert FinancialProvider.objects.filter(country="CO").count() >= 3
    for provider in FinancialProvider.objects.all():
        assert provider.is_sample
        assert "(muestra)" in provider.name
    gains = [literacy_summary(p)["knowledge_gain"] for p in Programme.objects.all()]
    assert sum(g["n"] for g in gains) > 0
    for gain in gains:
        if gain["n"]:
            assert -10 <= gain["mean_gain_points"] <= 60
    for movement in SavingsMovement.objects.select_related("goal"):
        assert goal_balance(movement.goal) >= 0
    before = QuizAttempt.objects.count()
    finance.seed(scale="tiny", rng=random.Random(7))  # as seed_demo does
    assert QuizAttempt.objects.count() == before
