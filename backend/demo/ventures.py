import random


def seed(*, scale: str, rng: random.Random) -> None:
    """Demo data of the ventures app (filled in with the app)."""
