"""Status changes as an Atom feed (RFC 4287), for relying parties who watch certificates
they do not own: a certificate, a holder or an issuing body. Pure: items in, XML out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from xml.etree import ElementTree as ET

ATOM = "http://www.w3.org/2005/Atom"
MEDIA_TYPE = "application/atom+xml"


@dataclass(frozen=True)
class FeedItem:
    """One status change of one certificate (a StatusEvent and its certificate)."""

    number: str
    action: str  # issue, amend, suspend, restore, withdraw, cancel
    from_status: str
    to_status: str
    status_word: str
    at: dt.datetime
    effective_on: dt.date
    issuer: str
    holder: str
    reason: str
    log_index: int | None
    link: str  # the certificate's public page
    entry_id: str  # unique and permanent (its log entry, or the event)


def _stamp(at: dt.datetime) -> str:
    at = at if at.tzinfo else at.replace(tzinfo=dt.UTC)
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _text(parent: ET.Element, tag: str, text: str, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    element.text = text
    return element


def feed(*, feed_id: str, title: str, self_url: str, alternate: str,
         items: Sequence[FeedItem], generated: dt.datetime) -> bytes:
    """The Atom document, newest change first; `updated` is the newest change's time (or
    `generated` for an empty feed), so an unchanged feed reads the same each time."""
    ET.register_namespace("", ATOM)
    root = ET.Element(f"{{{ATOM}}}feed")
    _text(root, "id", feed_id)
    _text(root, "title", title)
    _text(root, "updated", _stamp(max((i.at for i in items), default=generated)))
    ET.SubElement(root, f"{{{ATOM}}}link", {"rel": "self", "href": self_url,
                                            "type": MEDIA_TYPE})
    ET.SubElement(root, f"{{{ATOM}}}link", {"rel": "alternate", "href": alternate})
    author = ET.SubElement(root, f"{{{ATOM}}}author")
    _text(author, "name", "certpass register")
    _text(root, "generator", "certpass")
    for item in items:
        entry = ET.SubElement(root, f"{{{ATOM}}}entry")
        _text(entry, "id", item.entry_id)
        change = f"{item.from_status} → {item.to_status}" if item.from_status else item.to_status
        _text(entry, "title", f"{item.number}: {item.action} ({change})")
        _text(entry, "updated", _stamp(item.at))
        ET.SubElement(entry, f"{{{ATOM}}}link", {"rel": "alternate", "href": item.link})
        _text(entry, "category", "", term=item.to_status, label=item.status_word)
        summary = (f"Certificate {item.number} of {item.holder}, issued by {item.issuer}: "
                   f"{item.action}, now {item.status_word or item.to_status}, effective "
                   f"{item.effective_on.isoformat()}."
                   + (f" Reason: {item.reason}" if item.reason else "")
                   + (f" Log entry {item.log_index}." if item.log_index is not None else ""))
        _text(entry, "summary", summary)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
