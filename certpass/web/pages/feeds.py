"""Atom feeds of status changes, for anyone watching certificates they do not own:
``/feeds/certificates/{number}.atom``, ``/feeds/bodies/{id}.atom``,
``/feeds/holders/{name}.atom``. Accounts get the same changes by webhook (/api/subscriptions)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Path
from fastapi.responses import Response

from certpass.certificates import atom, feed
from certpass.web.deps import CertificateIssuer, CertificateNumber, ReadSession, SettingsDep

router = APIRouter(tags=["feeds"])
Target = Annotated[str, Path(min_length=1, max_length=300)]


_PATHS = {"certificate": "/feeds/certificates/{}.atom", "body": "/feeds/bodies/{}.atom",
          "holder": "/feeds/holders/{}.atom"}


def feed_path(kind: str, target: str, issuer: str = "") -> str:
    """The feed of a certificate (of `issuer`, where several hold its number), a body or a
    holder (its target quoted as a path segment)."""
    path = _PATHS[kind].format(quote(target, safe=""))
    return f"{path}?issuer={quote(issuer, safe='')}" if issuer and kind == "certificate" else path


class AtomResponse(Response):
    media_type = atom.MEDIA_TYPE


def _feed(session: ReadSession, settings: SettingsDep, kind: feed.Kind, target: str,
          title: str, alternate: str, issuer: str | None = None) -> Response:
    base, path = settings.base_url.rstrip("/"), feed_path(kind, target, issuer or "")
    items = feed.items(session, kind, target, base, issuer=issuer)
    body = atom.feed(feed_id=f"{base}{path}", title=title, self_url=f"{base}{path}",
                     alternate=f"{base}{alternate}", items=items,
                     generated=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    return AtomResponse(body, headers={"Cache-Control": "public, max-age=60"})


@router.get("/feeds/certificates/{number:path}.atom", response_class=AtomResponse,
            summary="Status changes of one certificate (Atom)")
def certificate_feed(number: CertificateNumber, session: ReadSession,
                     settings: SettingsDep, issuer: CertificateIssuer = None) -> Response:
    alternate = f"/certificates/{quote(number)}" + (f"?issuer={quote(issuer, safe='')}"
                                                    if issuer else "")
    return _feed(session, settings, "certificate", number, f"certpass: certificate {number}",
                 alternate, issuer)


@router.get("/feeds/bodies/{body_id}.atom", response_class=AtomResponse,
            summary="Status changes of the certificates a body issued (Atom)")
def body_feed(body_id: Annotated[str, Path(min_length=1, max_length=64)],
              session: ReadSession, settings: SettingsDep) -> Response:
    return _feed(session, settings, "body", body_id, f"certpass: certificates issued by {body_id}",
                 f"/bodies/{quote(body_id)}")


# `:path`: a name may hold a "/" (Nordic Kitchen A/S), which arrives decoded.
@router.get("/feeds/holders/{name:path}.atom", response_class=AtomResponse,
            summary="Status changes of a holder's certificates (exact name; Atom)")
def holder_feed(name: Target, session: ReadSession, settings: SettingsDep) -> Response:
    return _feed(session, settings, "holder", name, f"certpass: certificates held by {name}",
                 f"/search?q={quote(name)}")
