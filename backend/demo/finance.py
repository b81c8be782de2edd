import random


def seed(*, scale: str, rng: random.Random) -> None:
    """Demo data of the finance app (filled in with the app)."""
