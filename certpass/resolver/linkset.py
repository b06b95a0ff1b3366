"""Links, RFC 9264 linksets and content negotiation for the identity resolver. Pure.

A resolver answers one identifier (a certificate's `/id/certificates/{number}`, a product's
GS1 Digital Link `/01/{gtin}`) with the links about it. Each link has a link type (a
relation: an IANA name or a URL; the compact forms `untp:dcc`, `gs1:certificationInfo` are
accepted in `?linkType=`), a media type and languages. What the client gets (ISO/IEC 18975
§6, GS1 Digital Link resolver standard §7):

- `?linkType=all`, or an Accept of `application/linkset+json` (or `application/json`): the
  linkset, valid against UNTP 0.7.0 `idr/LinksetSchema.json`;
- `?linkType=<type>`: a redirect to that type's link in the best language;
- otherwise a redirect to the link whose media type the Accept header names (a browser's
  `text/html`: the verification page), else to the default link.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

UNTP = "https://test.uncefact.org/vocabulary/linkTypes/"
GS1 = "https://gs1.org/voc/"
# certpass's own link types, for what neither vocabulary names (the recognition decisions,
# the status lists). A fixed namespace: a link type is an identifier, not a location, and
# the linkset schema allows none with a port (so not the deployment's base URL).
CERTPASS = "https://certpass.org/voc/linkTypes/"
PREFIXES = {"untp": UNTP, "gs1": GS1, "certpass": CERTPASS}

DCC = UNTP + "dcc"
DIA = UNTP + "dia"
CERTIFICATION_INFO = GS1 + "certificationInfo"
VERIFICATION_SERVICE = GS1 + "verificationService"
DEFAULT_LINK = GS1 + "defaultLink"
RECOGNITION = CERTPASS + "recognitionDecisions"
STATUS = CERTPASS + "statusList"

LINKSET_TYPE = "application/linkset+json"
LINKSET_ACCEPT = (LINKSET_TYPE, "application/json")
LANGUAGES = ("en", "zh")


@dataclass(frozen=True)
class Link:
    rel: str  # the link type: a full URL
    href: str
    title: str
    type: str  # media type
    hreflang: tuple[str, ...] = ()


def expand(link_type: str) -> str:
    """`untp:dcc` → its URL; a full URL or an IANA name stays as it is."""
    prefix, sep, term = link_type.partition(":")
    if sep and prefix in PREFIXES and not term.startswith("//"):
        return PREFIXES[prefix] + term
    return link_type


def compact(link_type: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if link_type.startswith(namespace):
            return f"{prefix}:{link_type[len(namespace):]}"
    return link_type


def link_object(link: Link) -> dict[str, Any]:
    out: dict[str, Any] = {"href": link.href, "title": link.title, "type": link.type}
    if link.hreflang:
        out["hreflang"] = list(link.hreflang)
    return out


def context_object(anchor: str, description: str, links: Sequence[Link]) -> dict[str, Any]:
    """One link context (RFC 9264 §4.2.2): the anchor and its links by relation type."""
    out: dict[str, Any] = {"anchor": anchor, "description": description}
    for link in links:
        out.setdefault(link.rel, []).append(link_object(link))
    return out


def linkset(*contexts: dict[str, Any]) -> dict[str, Any]:
    return {"linkset": list(contexts)}


def http_link_header(anchor: str) -> str:
    """The `Link` header every answer carries: where this identifier's linkset is."""
    return f'<{anchor}?linkType=all>; rel="linkset"; type="{LINKSET_TYPE}"'


@dataclass(frozen=True)
class Accept:
    """A parsed Accept header: media ranges in preference order (q > 0)."""

    ranges: tuple[str, ...]

    @classmethod
    def parse(cls, header: str) -> Accept:
        items: list[tuple[float, int, str]] = []
        for i, part in enumerate(header.split(",")[:32]):
            media, *params = (p.strip() for p in part.split(";"))
            q = 1.0
            for p in params:
                key, _, value = p.partition("=")
                if key.strip().lower() == "q":
                    try:
                        q = float(value)
                    except ValueError:
                        q = 0.0
            if media and q > 0:
                items.append((-q, i, media.lower()))
        return cls(tuple(m for _, _, m in sorted(items)))

    def wants_linkset(self) -> bool:
        """Whether a linkset type is named before any other concrete type (`*/*` aside)."""
        for media in self.ranges:
            if media in LINKSET_ACCEPT:
                return True
            if "*" not in media:
                return False
        return False

    def concrete(self) -> tuple[str, ...]:
        return tuple(m for m in self.ranges if "*" not in m)


def pick(links: Sequence[Link], *, link_type: str | None, accept: Accept,
         languages: Sequence[str]) -> Link | None:
    """The link a redirect goes to, in the client's best language: of the asked link type;
    else the default link, unless the client names a media type it has not (then a link of
    that type)."""
    wanted = expand(link_type) if link_type else None
    candidates = [x for x in links if x.rel == wanted] if wanted else []
    if wanted is None:
        defaults = [x for x in links if x.rel == DEFAULT_LINK] or list(links)
        candidates = defaults
        for media in accept.concrete():
            typed = [x for x in defaults if x.type == media] or [
                x for x in links if x.type == media]
            if typed:
                candidates = typed
                break
    if not candidates:
        return None
    for lang in languages:
        for x in candidates:
            if lang in x.hreflang:
                return x
    return candidates[0]


def languages(accept_language: str) -> list[str]:
    """The resolver's languages (en, zh) in the client's order of preference, then en."""
    ranked: list[tuple[float, int, str]] = []
    for i, part in enumerate(accept_language.split(",")[:32]):
        tag, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for p in params:
            if p.startswith("q="):
                try:
                    q = float(p[2:])
                except ValueError:
                    q = 0.0
        primary = tag.split("-", 1)[0].lower()
        if primary in LANGUAGES and q > 0:
            ranked.append((-q, i, primary))
    out = list(dict.fromkeys(lang for _, _, lang in sorted(ranked)))
    return [*out, *(x for x in LANGUAGES if x not in out)]
