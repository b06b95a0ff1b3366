"""Who is acting, and what they may write. Services enforce this; routes only pass it on."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from certpass.errors import Forbidden

Role = Literal["admin", "accreditation-body", "certification-body", "relying-party",
               "operator"]


@dataclass(frozen=True)
class Actor:
    """The author of a write. ``operator`` is the local command line, which owns the database."""

    name: str
    role: Role
    body_id: str | None = None

    @property
    def label(self) -> str:
        return f"{self.name} ({self.body_id})" if self.body_id else self.name

    # Last day of a back-dating grant (accounts.service.grant_backdating); None: none.
    backdating_until: dt.date | None = None

    @property
    def may_backdate(self) -> bool:
        """Recording dates beyond the back-dating window (a register migration) is the
        operator's privilege (the local command line that owns the database), or a
        certification-body user's while an administrator's dated grant lasts."""
        if self.role == "operator":
            return True
        until = self.backdating_until
        return until is not None and dt.date.today() <= until

    def require_admin(self, what: str) -> None:
        if self.role not in ("admin", "operator"):
            raise Forbidden(f"only an administrator may {what}", hint="sign in as an administrator")

    def require_certifier(self, issuer_id: str, what: str) -> None:
        """A certification body writes only its own certificates and keys."""
        if self.role == "operator":
            return
        if self.role != "certification-body" or self.body_id != issuer_id:
            raise Forbidden(
                f"only certification body {issuer_id} may {what}",
                hint="a certification body writes only its own certificates",
            )

    def require_accreditor(self, accreditor_id: str, what: str) -> None:
        """An accreditation body grants and changes only its own accreditations."""
        if self.role == "operator":
            return
        if self.role != "accreditation-body" or self.body_id != accreditor_id:
            raise Forbidden(
                f"only accreditation body {accreditor_id} may {what}",
                hint="an accreditation body changes only its own accreditations",
            )


OPERATOR = Actor(name="operator", role="operator")


def require_issuing_body(actor: Actor, what: str) -> None:
    """Bulk work on certificates is for certification bodies (and the local operator)."""
    if actor.role not in ("certification-body", "operator"):
        raise Forbidden(f"only a certification body may {what}",
                        hint="use a token of a certification body's user")
