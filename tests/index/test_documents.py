"""A certificate's index document: the stored tokens, the score read from it (the token
table's rule), and the FTS5 / tsquery expressions, against known answers and an in-memory
reference."""

from __future__ import annotations

import sqlite3

import pytest

from certpass.index.documents import (
    WEIGHT_WIDTH,
    document_row,
    fts5_query,
    needles,
    score,
    stored,
    tsquery,
)
from certpass.index.fields import EXACT_FACTOR, certificate_tokens
from certpass.index.tokens import Term, exact_token, matches, query_terms, term_matches

CERT = {"id": 7, "number": "2023010701000007", "issuer_id": "cqc", "scheme_code": "CCC"}
ISSUE = {
    "holder": {"name": "Foshan Shengshi Electrical Appliance Co., Ltd.",
               "name_zh": "佛山盛世电器有限公司"},
    "manufacturer": {"name": "Shengshi Kettle Works", "name_zh": "盛世水壶厂"},
    "products": [{"name": "Electric kettle", "name_zh": "电水壶", "models": ["KE-1701"],
                  "trademark": "SHENGSHI", "hs_code": "8516.10"}],
    "factories": [{"name": "Shunde plant", "address": "顺德区 Beijiao"}],
    "standards": ["IEC 60335-2-15:2016"],
}
ISSUER = {"name_en": "China Quality Certification Centre", "name_zh": "中国质量认证中心",
          "short_name": "CQC"}
TOKENS = certificate_tokens(CERT, [ISSUE], ISSUER)


def reference_score(tokens: dict[str, int], q: str) -> int:
    """The token table's SQL, in memory: per term the best weight it matches (a whole
    token doubled), plus the whole query as a field's value or its beginning x10."""
    def best(term: Term) -> int:
        return max((w * 2 if t == term.token else w for t, w in tokens.items()
                    if term_matches(term, t)), default=0)
    whole = exact_token(q)
    return (sum(best(t) for t in query_terms(q))
            + (best(Term(whole, True)) * EXACT_FACTOR if whole else 0))


def test_a_document_is_its_tokens_heaviest_first_with_fixed_width_weights():
    tokens, weights = document_row(TOKENS)
    words = tokens.split(" ")
    assert len(words) == len(TOKENS) == len(weights) // WEIGHT_WIDTH
    got = [int(weights[i:i + WEIGHT_WIDTH]) for i in range(0, len(weights), WEIGHT_WIDTH)]
    assert got == sorted(got, reverse=True)
    assert dict(zip(words, got, strict=True)) == {stored(t): w for t, w in TOKENS.items()}
    assert "=foshan_shengshi_electrical_appliance_co_ltd" in words  # one word, no space


@pytest.mark.parametrize("q", [
    "电", "器", "电器", "佛山盛世电器有限公司", "盛世", "kettle", "kett", "Electric kettle",
    "KE-1701", "ke1701", "ke", "8516.10", "851610", "IEC 60335-2-15", "IEC 60335-2-15:2016",
    "2023010701", "2023010701000007", "cqc", "Foshan Shengshi", "shunde", "顺德", "CQC"])
def test_the_score_read_from_a_document_is_the_token_tables(q):
    tokens, weights = document_row(TOKENS)
    terms = query_terms(q)
    assert matches(terms, set(TOKENS)), q  # (every query here finds the certificate)
    assert score(tokens, weights, needles(terms, exact_token(q))) == reference_score(TOKENS, q)


def test_exact_beats_beginning_beats_fragment():
    tokens, weights = document_row(TOKENS)

    def of(q: str) -> int:
        return score(tokens, weights, needles(query_terms(q), exact_token(q)))
    assert of("2023010701000007") > of("2023010701") > of("0107")
    assert of("佛山盛世电器有限公司") > of("佛山盛世") > of("盛世电器")


def test_expressions_quote_tokens_and_mark_prefixes():
    terms = [Term("电器", False), Term("kett", True), Term("=foshan shengshi", True)]
    assert fts5_query(terms) == '"电器" AND "kett"* AND "=foshan_shengshi"*'
    assert fts5_query(terms, {"kett": ["kettle", "kettles"]}) == (
        '"电器" AND ("kettle" OR "kettles") AND "=foshan_shengshi"*')
    assert tsquery(terms) == "'电器' & 'kett':* & '=foshan_shengshi':*"


def _fts5() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE f USING fts5(tokens, tokenize=\"ascii tokenchars "
                 "'=-_'\", detail=none, columnsize=0)")
    return conn


def test_fts5_with_the_migrations_tokenizer_answers_like_the_tokens():
    """Each stored token is one FTS5 token: the index finds what tokens.matches finds."""
    other = certificate_tokens(
        {**CERT, "id": 8, "number": "CN-0000008"},
        [{**ISSUE, "holder": {"name": "Ningbo Kairun Électrique", "name_zh": "宁波凯润电器"},
          "products": [{"name": "Air conditioner", "name_zh": "空调", "models": ["AC-9"]}]}],
        ISSUER)
    conn = _fts5()
    docs = {7: TOKENS, 8: other}
    for rowid, tokens in docs.items():
        conn.execute("INSERT INTO f(rowid, tokens) VALUES (?, ?)",
                     (rowid, document_row(tokens)[0]))
    for q in ["电", "电器", "空调", "kett", "electrique", "ÉLECTRIQUE", "ac-9", "ac9",
              "IEC 60335-2-15", "8516", "cn-0000008", "cn", "佛山盛世电器有限公司", "宁波"]:
        terms = query_terms(q)
        expected = {i for i, tokens in docs.items() if matches(terms, set(tokens))}
        got = {r for (r,) in conn.execute("SELECT rowid FROM f WHERE f MATCH ?",
                                          (fts5_query(terms),))}
        assert got == expected, q
