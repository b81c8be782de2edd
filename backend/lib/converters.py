"""A path converter for ids in portal URLs: digits that fit a database integer column.

Django's ``int`` converter takes any run of digits, so ``/programmes/10000000000000000000000000/``
would reach the database and fail there with a server error; with ``id`` it is a plain 404.
"""

from backend.lib.validation import parse_id


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValueError(value)  # no match: the resolver answers 404
        return number

    def to_url(self, value: int) -> str:
        return str(value)
