import random


def seed(*, scale: str, rng: random.Random) -> None:
    """Demo data of the training app (filled in with the app)."""
