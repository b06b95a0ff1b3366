"""The trust bundle as the web serves it: built by `trust.export_bundle` in a read, never
making a key. The one thing building a bundle could write — an accreditation body's first
key, made when it first signs its accreditations — is done beforehand by `prepare`, on a
write path (`certpass trust prepare`, `trust export`, the demo loader)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from certpass.config import Settings
from certpass.credentials import keyring
from certpass.credentials.trust import export_bundle
from certpass.errors import Conflict
from certpass.registry.models import Accreditation


class BundleNotReady(Conflict):
    """The registry is not yet in a state a read can build the bundle from (409)."""

    code = "trust-bundle-not-ready"


def unsigned_accreditors(session: Session) -> list[str]:
    """Accreditation bodies with accreditations but no signing key yet."""
    accreditors = session.scalars(select(Accreditation.accreditor_id).distinct()
                                  .order_by(Accreditation.accreditor_id))
    return [a for a in accreditors if keyring.current_key(session, a) is None]


def prepare(session: Session, settings: Settings) -> list[str]:
    """Give every accreditation body that needs one its signing key (each logged as
    key.added); returns their ids. A write: run it in a write transaction."""
    made = unsigned_accreditors(session)
    for accreditor in made:
        keyring.signer(session, settings, accreditor)
    return made


def ensure_accreditor_key(session: Session, settings: Settings, accreditor_id: str) -> None:
    """An accreditation body's signing key, made (and logged) with its first grant, so the
    DIAs and the bundle can be served by reads."""
    if keyring.current_key(session, accreditor_id) is None:
        keyring.signer(session, settings, accreditor_id)


def build(session: Session, settings: Settings, now: dt.datetime | None = None
          ) -> dict[str, Any]:
    """The signed trust bundle, read-only; BundleNotReady while `prepare` has work to do."""
    missing = unsigned_accreditors(session)
    if missing:
        raise BundleNotReady(
            f"accreditation bodies {', '.join(missing)} have not signed their "
            "accreditations yet, so the trust bundle cannot be built",
            hint="an operator runs `certpass trust prepare` once (it makes their keys)",
            details={"accreditors": missing})
    return export_bundle(session, settings, now, create_keys=False)
