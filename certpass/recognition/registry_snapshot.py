"""The registry as the recognition engine reads it: arrangements compiled into indexed
rules, blocs expanded, standard adoptions and scheme listings indexed. Pure and built once per
registry state (`recognition.snapshot` builds it from the database; `from_document` from the
JSON the tests and the demo use); the engine treats it as immutable.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from certpass.recognition.rules import (
    Arrangement,
    ConditionRule,
    Scope,
    StatusChange,
    load_arrangements,
)


@dataclass(frozen=True, slots=True)
class SchemeListing:
    """A body listed by a scheme (IECEE NCB/CBTL, IECEx ExCB/ExTL) for some standards."""

    scheme: str
    body: str
    kind: str  # "issuer" or "lab"
    role: str = ""  # the scheme's own word: NCB, CBTL, ExCB, ExTL
    standards: tuple[str, ...] = ()  # empty: every standard of the scheme


@dataclass(frozen=True, slots=True)
class StandardAdoption:
    """A national standard based on an international one, with its national differences."""

    national: str  # "GB 4706.1"
    national_edition: str  # "2005"
    economy: str  # "CN"
    international: str  # "IEC 60335-1"
    international_edition: str  # "2001"
    differences: tuple[str, ...] = ()
    effective_from: dt.date | None = None


@dataclass(frozen=True, slots=True)
class SchemeHome:
    """A scheme's own market(s): its certificates are accepted there by its own rules."""

    scheme: str
    markets: tuple[str, ...]
    title_en: str = ""
    title_zh: str = ""
    certificate_kinds: tuple[str, ...] = ("product-certificate",)
    conditions: tuple[ConditionRule, ...] = ()

    def as_arrangement(self) -> Arrangement:
        return Arrangement(
            id=f"home:{self.scheme}",
            title_en=self.title_en or f"{self.scheme} in its own market",
            title_zh=self.title_zh or f"{self.scheme} 本国市场",
            kind="home-scheme",
            markets=self.markets,
            recognises=("certificates",),
            scope=Scope(source_schemes=(self.scheme,), certificate_kinds=self.certificate_kinds),
            conditions=self.conditions,
            status_history=(StatusChange(date=dt.date.min, status="in-force"),),
        )


@lru_cache(maxsize=65536)
def edition_key(edition: str) -> tuple[int, ...]:
    """Editions compare by their numbers: "2010+A1:2013" -> (2010, 1, 2013)."""
    return tuple(int(n) for n in re.findall(r"\d+", edition))


@dataclass(slots=True)
class Rule:
    """An arrangement with its sets expanded and indexed once, when the snapshot is built."""

    a: Arrangement
    markets: frozenset[str]
    kinds: tuple[str, ...]  # the kinds it accepts, in the arrangement's own order
    categories: frozenset[str]
    hs_prefixes: tuple[str, ...]
    scope_standards: dict[str, tuple[int, ...] | None]
    issuer_economies: frozenset[str]
    designated: frozenset[str]
    designated_by_std: dict[str, frozenset[str]]
    labs: frozenset[str]
    labs_by_std: dict[str, frozenset[str]]
    routes: frozenset[str]
    origin: frozenset[str]
    floors: dict[str, tuple[tuple[int, ...], str, str]]
    # The engine's checks this arrangement makes, chosen by the engine at its first decision
    # (engine.checks_for); None: not chosen yet.
    checks: tuple[Any, ...] | None = None


_EMPTY: tuple[Rule, ...] = ()


class RegistrySnapshot:
    """Everything the engine reads, indexed for speed. Build once; treat as immutable."""

    def __init__(
        self,
        arrangements: Iterable[Arrangement],
        *,
        blocs: Mapping[str, Iterable[str]] | None = None,
        adoptions: Iterable[StandardAdoption] = (),
        listings: Iterable[SchemeListing] = (),
        homes: Iterable[SchemeHome] = (),
        body_economies: Mapping[str, str] | None = None,
    ) -> None:
        self.blocs = {b: frozenset(m) for b, m in (blocs or {}).items()}
        # Every economy and bloc code the registry knows (empty: not checked).
        self.economies: frozenset[str] = frozenset()
        # Every standard the registry records: designation -> editions (empty: not checked).
        self.standards: dict[str, frozenset[str]] = {}
        self.body_economies = dict(body_economies or {})
        self.arrangements: dict[str, Arrangement] = {}
        self.homes = tuple(homes)
        # (economy, international designation) -> adoptions, newest national edition first
        self.adoptions: dict[tuple[str, str], list[StandardAdoption]] = {}
        for ad in adoptions:
            self.adoptions.setdefault((ad.economy, ad.international), []).append(ad)
        for lst in self.adoptions.values():
            lst.sort(key=lambda x: edition_key(x.national_edition), reverse=True)
        # (scheme, kind, body) -> standards listed (None: all)
        self.listings: dict[tuple[str, str, str], frozenset[str] | None] = {}
        # (scheme, kind) -> body -> its position in listing order (a dict, so that building
        # is linear in the listings, not quadratic per scheme)
        self._listed_rank: dict[tuple[str, str], dict[str, int]] = {}
        for li in listings:
            key = (li.scheme, li.kind, li.body)
            prev = self.listings.get(key, frozenset())
            if not li.standards or prev is None:
                self.listings[key] = None
            else:
                self.listings[key] = prev | frozenset(li.standards)
            rank = self._listed_rank.setdefault((li.scheme, li.kind), {})
            rank.setdefault(li.body, len(rank))
        # (scheme, kind) -> bodies, in listing order
        self.listed = {key: list(rank) for key, rank in self._listed_rank.items()}
        # market -> source scheme ("*" for any) -> rules
        self._index: dict[str, dict[str, list[Rule]]] = {}
        # (scheme, kind, standard) -> bodies listed for it, (scheme, kind) -> bodies listed for
        # every standard
        self._listed_for: dict[tuple[str, str, str], set[str]] = {}
        self._listed_all: dict[tuple[str, str], set[str]] = {}
        for (scheme, kind, body), stds in self.listings.items():
            if stds is None:
                self._listed_all.setdefault((scheme, kind), set()).add(body)
            else:
                for std in stds:
                    self._listed_for.setdefault((scheme, kind, std), set()).add(body)
        for a in [*arrangements, *(h.as_arrangement() for h in self.homes)]:
            self.add(a)

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> RegistrySnapshot:
        """Build from the JSON shape of certpass/demo/data/arrangements.json."""

        def dated(d: Mapping[str, Any], key: str) -> dt.date | None:
            return dt.date.fromisoformat(d[key]) if d.get(key) else None

        return cls(
            load_arrangements(doc.get("arrangements", [])),
            blocs=doc.get("blocs", {}),
            body_economies=doc.get("body_economies", {}),
            adoptions=[
                StandardAdoption(
                    **{
                        **ad,
                        "differences": tuple(ad.get("differences", ())),
                        "effective_from": dated(ad, "effective_from"),
                    }
                )
                for ad in doc.get("standard_adoptions", [])
            ],
            listings=[
                SchemeListing(**{**li, "standards": tuple(li.get("standards", ()))})
                for li in doc.get("scheme_listings", [])
            ],
            homes=[
                SchemeHome(
                    **{
                        **h,
                        "markets": tuple(h["markets"]),
                        "certificate_kinds": tuple(
                            h.get("certificate_kinds", ("product-certificate",))
                        ),
                        "conditions": tuple(ConditionRule(**c) for c in h.get("conditions", ())),
                    }
                )
                for h in doc.get("scheme_homes", [])
            ],
        )

    def expand(self, names: Iterable[str]) -> frozenset[str]:
        out: set[str] = set()
        for n in names:
            out |= self.blocs.get(n, {n})
        return frozenset(out)

    def add(self, a: Arrangement) -> None:
        rule = self._compile(a)
        self.arrangements[a.id] = a
        for market in rule.markets:
            by_scheme = self._index.setdefault(market, {})
            for scheme in a.scope.source_schemes or ("*",):
                by_scheme.setdefault(scheme, []).append(rule)

    @property
    def markets(self) -> list[str]:
        return sorted(self._index)

    def schemes_accepted_in(self, market: str) -> list[str]:
        """Source schemes some granting rule (arrangement or home scheme) names for a market."""
        by_scheme = self._index.get(market, {})
        return [s for s, rules in by_scheme.items() if s != "*" and any(r.kinds for r in rules)]

    def home_of(self, scheme: str) -> SchemeHome | None:
        return next((h for h in self.homes if h.scheme == scheme), None)

    def rules_for(self, market: str, scheme: str) -> list[Rule]:
        by_scheme = self._index.get(market)
        if not by_scheme:
            return []
        return [*by_scheme.get(scheme, _EMPTY), *by_scheme.get("*", _EMPTY)]

    def adoption(self, economy: str, standard: str, on: dt.date) -> StandardAdoption | None:
        for ad in self.adoptions.get((economy, standard), ()):
            if ad.effective_from is None or ad.effective_from <= on:
                return ad
        return None

    def first_listed(self, scheme: str, kind: str, standards: Iterable[str]) -> str:
        """The first body (in listing order) the scheme lists as `kind` for every standard;
        "" if none."""
        bodies = self.listed.get((scheme, kind), [])
        keep: set[str] | None = None
        every: set[str] | frozenset[str] = self._listed_all.get((scheme, kind), frozenset())
        for std in standards:
            found = every | self._listed_for.get((scheme, kind, std), frozenset())
            keep = set(found) if keep is None else keep & found
            if not keep:
                return ""
        if keep is None:
            return bodies[0] if bodies else ""
        rank = self._listed_rank[(scheme, kind)]
        return min(keep, key=rank.__getitem__)

    def is_listed(self, scheme: str, kind: str, body: str, standard: str) -> bool:
        key = (scheme, kind, body)
        if key not in self.listings:
            return False
        stds = self.listings[key]
        return stds is None or standard in stds

    def _compile(self, a: Arrangement) -> Rule:
        s = a.scope
        return Rule(
            a=a,
            markets=self.expand(a.markets),
            kinds=tuple(dict.fromkeys(a.accepted_kinds())),
            categories=frozenset(s.categories),
            hs_prefixes=tuple(p.replace(".", "") for p in s.hs_prefixes),
            scope_standards={
                st.designation: edition_key(st.edition) if st.edition else None
                for st in s.standards
            },
            issuer_economies=self.expand(a.issuer_economies),
            designated=frozenset(a.designated_bodies),
            designated_by_std={k: frozenset(v) for k, v in a.designated_bodies_by_standard.items()},
            labs=frozenset(a.listed_labs),
            labs_by_std={k: frozenset(v) for k, v in a.listed_labs_by_standard.items()},
            routes=frozenset(a.testing_routes),
            origin=self.expand(a.origin.economies) if a.origin else frozenset(),
            floors={
                f.standard: (edition_key(f.min_edition), f.min_edition, f.basis)
                for f in a.edition_floors
            },
        )
