import secrets

# No 0/O, 1/I/L: verification codes are read aloud and typed from paper.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def verification_code(length: int = 10) -> str:
    """A random code for a verifiable document (certificate, business record), e.g. 7KQ4-M2XD-9B."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(length))
    return "-".join(raw[i : i + 4] for i in range(0, length, 4))
