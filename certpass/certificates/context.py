"""What a lifecycle write holds for its transaction: `IssuingContext`, and the
`CredentialIssuer` it is given (the credentials package signs each issue's passport).

The certificate service calls the issuer through the context, so certificates never imports
credentials: imports flow down (credentials → certificates), and whoever opens the write
(web, CLI, importer, demo) says which issuer signs, e.g.
``IssuingContext(session, settings, certpass.credentials.service)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from certpass.certificates import lifecycle
from certpass.certificates.models import Certificate
from certpass.config import Settings
from certpass.registry import service as registry
from certpass.registry.models import Accreditation, Standard
from certpass.store.base import Base

M = TypeVar("M", bound=Base)
Row = Mapping[str, Any]  # a table row as a dict (store.pending)
_CERTIFICATES = Certificate.__table__


class CredentialIssuer(Protocol):
    """The credential side of a lifecycle write (certpass.credentials.service is one)."""

    def on_issue(self, ctx: IssuingContext, certificate: Row, issue: Row) -> dict[str, str]:
        """Sign the new issue's credential; the documents its log entry records."""
        ...

    def on_status_change(self, ctx: IssuingContext, certificate: Certificate, before: str,
                         after: str) -> None: ...


class IssuingContext:
    """One transaction's view for lifecycle writes: the session, the settings, and registry
    look-ups held for the transaction (bulk issuance asks the same questions thousands of
    times, and the session's identity map only holds objects weakly)."""

    def __init__(self, session: Session, settings: Settings,
                 passports: CredentialIssuer) -> None:
        self.session = session
        self.settings = settings
        self.passports = passports
        self._rows: dict[tuple[type, str], Any] = {}
        self._scopes: dict[str, list[lifecycle.AccreditedScope]] = {}
        self._standards: set[str] | None = None
        # (issuer, number) pairs issued in this transaction, and found free by check_numbers
        # (numbers are unique per issuer).
        self.issued: set[tuple[str, str]] = set()
        self._free: set[tuple[str, str]] = set()
        self.credentials: Any = None  # the credential issuer's per-transaction state

    def get(self, model: type[M], key: str) -> M:
        row = self._rows.get((model, key))
        if row is None:
            row = self._rows[(model, key)] = registry.get(self.session, model, key)
        return row

    def scopes(self, body_id: str) -> list[lifecycle.AccreditedScope]:
        if body_id not in self._scopes:
            rows = self.session.scalars(
                select(Accreditation).where(
                    Accreditation.body_id == body_id, Accreditation.standard == "ISO/IEC 17065"
                )
            )
            self._scopes[body_id] = [
                lifecycle.AccreditedScope.from_scope(
                    a.number, a.status, a.valid_from, a.valid_until, a.scope, a.accreditor_id
                )
                for a in rows
            ]
        return self._scopes[body_id]

    def check_numbers(self, keys: Iterable[tuple[str, str]]) -> None:
        """Ask once which (issuer, number) pairs are registered, so issuing them does not ask
        per certificate (bulk issuance)."""
        asked = sorted(set(keys) - self.issued)
        free = set(asked)
        by_issuer: dict[str, list[str]] = {}
        for issuer, number in asked:
            by_issuer.setdefault(issuer, []).append(number)
        for issuer, numbers in by_issuer.items():
            for start in range(0, len(numbers), 500):  # within every database's parameter limit
                free -= {(issuer, n) for n in self.session.connection().execute(
                    select(_CERTIFICATES.c.number).where(
                        _CERTIFICATES.c.issuer_id == issuer,
                        _CERTIFICATES.c.number.in_(numbers[start:start + 500]))).scalars()}
        self._free |= free

    def taken(self, issuer: str, number: str) -> bool:
        """Whether `issuer` registered `number` or issued it in this transaction (its rows may
        still be buffered, so the database is asked without writing them)."""
        key = (issuer, number)
        if key in self.issued:
            return True
        if key in self._free:
            return False
        return self.session.connection().execute(
            select(_CERTIFICATES.c.id).where(_CERTIFICATES.c.issuer_id == issuer,
                                             _CERTIFICATES.c.number == number)
        ).first() is not None

    def known_standard(self, ref: str) -> bool:
        if self._standards is None:
            self._standards = set(self.session.scalars(select(Standard.ref)))
        return ref in self._standards
