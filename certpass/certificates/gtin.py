"""GS1 Global Trade Item Numbers (GTIN-8, -12, -13, -14): check digit and normal form.

Pure. A product's GTIN is kept as 14 digits (GTIN-14, left-padded with zeros), the form the
GS1 Digital Link URI `/01/{gtin}` uses (GS1 General Specifications §7.9, GS1 Digital Link
§4.6), so one product has one key whichever length was typed.
"""

from __future__ import annotations

from certpass.errors import InvalidInput

LENGTHS = (8, 12, 13, 14)


def check_digit(body: str) -> int:
    """The GS1 mod-10 check digit of the digits before it: weights 3, 1, 3, ... from the
    right."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def is_valid(text: str) -> bool:
    return (text.isascii() and text.isdigit() and len(text) in LENGTHS
            and check_digit(text[:-1]) == int(text[-1]))


def normalise(text: str) -> str:
    """The GTIN-14 form of a GTIN of any length; InvalidInput if it is not a GTIN."""
    value = text.strip().replace(" ", "")
    if not is_valid(value):
        raise InvalidInput(
            f"{text!r} is not a GTIN",
            hint="a GTIN has 8, 12, 13 or 14 digits, the last a GS1 check digit")
    return value.rjust(14, "0")


def with_check_digit(body: str) -> str:
    """`body` followed by its check digit (building GTINs, e.g. for the demo)."""
    return body + str(check_digit(body))
