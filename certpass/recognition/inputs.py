"""What a plan or decision is asked about, checked once for every front end (page, API, CLI).

HS codes follow the Harmonized System's nomenclature: a 4-digit heading ("8509"), a 6-digit
subheading ("8509.40" or "850940") or a national 8- or 10-digit line ("8509.40.00"), in
chapters 01-97 (77 is reserved). Standards must be ones the registry records, in an edition
it records (an amendment "+A1:2013" may follow a recorded edition). Pure: the caller passes
what the registry knows.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence

from certpass.errors import InvalidInput
from certpass.recognition.engine import StandardApplied
from certpass.recognition.snapshot import split_ref

_HS = re.compile(r"^\d{4}(\.?\d{2}){0,3}$")
HS_HINT = "write a heading (8509), a subheading (8509.40) or a national line (8509.40.00)"


class InvalidHsCode(InvalidInput):
    code = "invalid-hs-code"


class UnknownStandard(InvalidInput):
    code = "unknown-standard"


def check_hs(text: str) -> str:
    """The HS code in its dotted form ("850940" -> "8509.40"), or a clear refusal."""
    raw = (text or "").strip()
    if not _HS.match(raw):
        what = "is empty" if not raw else "is not an HS code"
        if raw.isdigit() and len(raw) < 4:
            what = f"has {len(raw)} digit(s): a chapter alone names no product"
        raise InvalidHsCode(f"HS code {raw!r} {what}", hint=HS_HINT)
    digits = raw.replace(".", "")
    chapter = int(digits[:2])
    if not 1 <= chapter <= 97 or chapter == 77:
        raise InvalidHsCode(
            f"HS code {raw!r}: chapter {digits[:2]} does not exist",
            hint="HS chapters run from 01 to 97 (77 is reserved)",
        )
    pairs = [digits[i : i + 2] for i in range(4, len(digits), 2)]
    return ".".join([digits[:4], *pairs]) if pairs else digits[:4]


def check_standards(
    refs: Sequence[str], known: Mapping[str, Iterable[str]]
) -> tuple[StandardApplied, ...]:
    """Each "designation:edition" parsed and checked against the registry's standards
    (designation -> recorded editions); an empty registry checks the form only."""
    if not refs:
        raise UnknownStandard(
            "name at least one standard applied, e.g. IEC 60335-1:2020",
            hint="write each as designation:edition",
        )
    out: list[StandardApplied] = []
    for ref in refs:
        s = split_ref(ref)
        if not s.edition:
            raise UnknownStandard(
                f"standard {ref.strip()!r} has no edition",
                hint='write the edition, e.g. "IEC 60335-1:2020" or "GB 4706.1-2005"',
            )
        if known:
            editions = sorted(known.get(s.designation, ()))
            if not editions:
                close = difflib.get_close_matches(s.designation, list(known), n=3)
                raise UnknownStandard(
                    f"standard {s.designation!r} is not in the registry",
                    hint=f"did you mean {', '.join(close)}?" if close
                    else "see /standards for the standards recorded",
                )
            if not any(s.edition == e or s.edition.startswith(f"{e}+") for e in editions):
                raise UnknownStandard(
                    f"{s.designation} has no edition {s.edition!r} in the registry",
                    hint=f"recorded editions: {', '.join(editions)}",
                )
        out.append(s)
    return tuple(dict.fromkeys(out))
