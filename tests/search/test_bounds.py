"""The bounds that keep a query's cost independent of the table's size (issue 15), made
small so the demo data crosses them, on SQLite and PostgreSQL: a capped total is a lower
bound and paging still reaches the last match; exact values rank first even when they are
not among the newest matches; facets count a bounded sample; a long prefix asked term by
term finds what the prefix finds."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from certpass.certificates.models import Certificate, CertificateIssue
from certpass.search import service as search
from tests.search.test_demo_queries import HOLDER_ZH, everything


@pytest.fixture
def small(monkeypatch):
    monkeypatch.setattr(search, "RANK_POOL", 5)
    monkeypatch.setattr(search, "COUNT_CAP", 7)
    monkeypatch.setattr(search, "FACET_CAP", 11)
    search._totals.clear()
    search._facets.clear()
    yield
    search._totals.clear()
    search._facets.clear()


@pytest.mark.parametrize("q", ["电器", "kettle", "kett", "Electrical Appliance", "8516",
                               HOLDER_ZH, "IEC 60335-2-15"])
def test_bounded_lists_are_the_same_set_and_page_to_the_end(demo_db, small, q, monkeypatch):
    with demo_db.read() as s:
        bounded = everything(s, q, page=13)
    monkeypatch.setattr(search, "RANK_POOL", 100_000)
    monkeypatch.setattr(search, "COUNT_CAP", 100_000)
    with demo_db.read() as s:
        whole = everything(s, q, page=13)
    assert len(bounded) > 12  # (the bounds were crossed)
    assert set(bounded) == set(whole)


def test_a_capped_total_is_a_lower_bound_that_grows_with_the_pages(demo_db, small):
    with demo_db.read() as s:
        every = s.scalar(select(func.count(Certificate.id)))
        first = search.search(s, search.CertificateQuery(q="电器"), limit=10)
        assert not first.exact and first.total == 10 + search.COUNT_CAP
        assert first.next_offset == 10
        listed = search.search(s, search.CertificateQuery(), limit=10, offset=20)
        assert not listed.exact and listed.total == 30 + search.COUNT_CAP < every
        last = search.search(s, search.CertificateQuery(), limit=10, offset=every - 3)
        assert last.exact and last.total == every and last.next_offset is None


def test_an_exact_name_comes_first_beyond_the_newest_matches(demo_db, small):
    with demo_db.read() as s:
        found = everything(s, HOLDER_ZH)
        holders = {c.number: c.current.holder.get("name_zh")
                   for c in s.scalars(select(Certificate).where(
                       Certificate.number.in_(found[:3])))}
        assert holders[found[0]] == HOLDER_ZH
        numbered = s.scalar(select(Certificate.number).order_by(Certificate.id).limit(1))
        assert everything(s, numbered)[0] == numbered


def test_facets_count_a_bounded_sample(demo_db, small):
    with demo_db.read() as s:
        counts = search.facets(s, search.CertificateQuery(q="电器"))
        assert sum(counts["scheme"].values()) == search.FACET_CAP
        assert sum(counts["issuer"].values()) == search.FACET_CAP
        kettles = search.facets(s, search.CertificateQuery(q="kettle", scheme="CCC"))
        assert set(kettles["scheme"]) <= {"CCC"}


def test_a_long_prefix_spelled_out_or_merged_finds_the_same(demo_db, monkeypatch):
    with demo_db.read() as s:
        held = {n for (n,) in s.execute(select(Certificate.number).join(CertificateIssue))}
        spelled = set(everything(s, "electric"))
        monkeypatch.setattr(search, "SPELL_OUT", 0)  # every prefix asked as a prefix
        search._spelled.clear()
        assert spelled and set(everything(s, "electric")) == spelled <= held
        assert everything(s, "electricz") == []


def test_lists_that_show_their_size_count_exactly(demo_db, small):
    with demo_db.read() as s:
        every = s.scalar(select(func.count(Certificate.id)))
        _items, total = search.listing(s, search.CertificateQuery(), limit=10, offset=0)
        assert total == every
        kettles = len(everything(s, "kettle"))
        _items, total = search.listing(s, search.CertificateQuery(q="kettle"), 10, 0)
        assert total == kettles > 10 + search.COUNT_CAP


@pytest.mark.parametrize("sort", sorted(search.SORTS))
def test_text_in_another_order_is_the_same_set(demo_db, sort):
    with demo_db.read() as s:
        ordered = everything(s, "kettle", sort=sort)
        assert set(ordered) == set(everything(s, "kettle"))
        if sort == "number" and demo_db.url.startswith("sqlite"):  # (PG: its collation)
            assert ordered == sorted(ordered)
