"""Dates as people type them (YYYY-MM-DD), for every front end."""

from __future__ import annotations

import datetime as dt

from certpass.errors import InvalidInput


def parse_day(value: str | None) -> dt.date:
    """The date written as YYYY-MM-DD, or today when none is given."""
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"malformed date {value!r}", hint="write it as YYYY-MM-DD") from None
