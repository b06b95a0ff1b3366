"""The search tokeniser: known answers for Chinese, Latin, codes and wildcard characters."""

from __future__ import annotations

import pytest

from certpass.index.tokens import (
    Term,
    document_tokens,
    exact_token,
    fold,
    matches,
    prefix_end,
    query_terms,
)


def test_chinese_is_indexed_as_pairs_and_the_last_character():
    assert document_tokens("佛山电器") == {"佛", "山", "电", "器", "佛山", "山电", "电器"}
    assert document_tokens("电") == {"电"}


def test_chinese_queries_ask_for_the_character_or_every_pair():
    assert query_terms("电") == [Term("电", False)]
    assert query_terms("电器") == [Term("电器", False)]
    assert query_terms("佛山盛世") == [Term("佛山", False), Term("山盛", False),
                                     Term("盛世", False)]


@pytest.mark.parametrize("query", ["电器", "佛山", "佛山盛世电器有限公司", "有限公司", "盛", "器",
                                   "佛", "司"])
def test_chinese_fragments_find_the_full_name(query):
    assert matches(query_terms(query), document_tokens("佛山盛世电器有限公司"))


@pytest.mark.parametrize("query", ["电视", "佛山美的", "上海", "美", "司佛"])
def test_chinese_that_is_not_there_is_not_found(query):
    assert not matches(query_terms(query), document_tokens("佛山盛世电器有限公司"))


def test_latin_is_folded_for_case_accents_and_full_width():
    assert fold("Électrique ＫＥ－１７０１ Straße") == "electrique ke-1701 strasse"
    assert document_tokens("Électrique") == {"electrique"}
    assert matches(query_terms("ELECTRIQUE"), document_tokens("Électrique"))
    assert matches(query_terms("ｋｅ１７０１"), document_tokens("KE-1701"))


def test_latin_words_match_by_prefix():
    tokens = document_tokens("Electric kettle")
    assert matches(query_terms("kett"), tokens)
    assert matches(query_terms("Electric KETTLE"), tokens)
    assert not matches(query_terms("ettle"), tokens)
    assert not matches(query_terms("kettles"), tokens)


def test_codes_are_indexed_as_parts_joined_and_run_together():
    assert document_tokens("8516.10") == {"8516", "10", "8516-10", "851610"}
    assert document_tokens("IEC 60335-2-15:2016") == {
        "iec", "60335", "2", "15", "2016", "60335-2-15-2016", "603352152016"}


@pytest.mark.parametrize("query", ["8516.10", "8516-10", "851610", "8516", "8516.1"])
def test_hs_codes_with_and_without_dot(query):
    assert matches(query_terms(query), document_tokens("8516.10"))


@pytest.mark.parametrize("query", ["IEC 60335-2-15", "IEC 60335-2-15:2016", "60335-2-15",
                                   "iec 60335"])
def test_standards_with_and_without_edition(query):
    assert matches(query_terms(query), document_tokens("IEC 60335-2-15:2016"))


def test_a_standard_is_not_found_by_another_edition():
    assert not matches(query_terms("IEC 60335-2-15:2012"), document_tokens("IEC 60335-2-15:2016"))


@pytest.mark.parametrize("query", ["KE-1701", "KE1701", "ke-17", "1701", "ke"])
def test_models_by_prefix_with_or_without_punctuation(query):
    assert matches(query_terms(query), document_tokens("KE-1701"))


def test_certificate_numbers_by_prefix():
    assert matches(query_terms("2023010701"), document_tokens("2023010701123003"))
    assert matches(query_terms("IECEx NEP 18.0002"), document_tokens("IECEx NEP 18.0002X"))
    assert not matches(query_terms("2024010701"), document_tokens("2023010701123003"))


@pytest.mark.parametrize("query", ["%", "_", "%%", "_%_", "  ", "%-_.", "*"])
def test_wildcard_characters_are_not_wildcards(query):
    assert query_terms(query) == []


def test_percent_inside_a_word_is_punctuation():
    assert query_terms("ke%1701") == [Term("ke-1701", True)]
    assert query_terms("100%") == [Term("100", True)]
    assert query_terms("k%") == query_terms("k")


def test_mixed_scripts():
    assert query_terms("Foshan盛世") == [Term("foshan", True), Term("盛世", False)]
    assert document_tokens("盛世SHENGSHI") == {"盛", "世", "盛世", "shengshi"}


def test_repeated_terms_are_asked_once():
    assert query_terms("kettle Kettle") == [Term("kettle", True)]
    assert query_terms("哈哈哈") == [Term("哈哈", False)]


def test_exact_token_is_the_folded_words():
    assert exact_token("Foshan Shengshi Co., Ltd.") == "=foshan shengshi co ltd"
    assert exact_token("佛山盛世电器有限公司") == "=佛山盛世电器有限公司"
    assert exact_token("  ＦＯＳＨＡＮ   shengshi co ltd") == "=foshan shengshi co ltd"
    assert exact_token("8516.10") == "=8516-10"


def test_prefix_end_bounds_every_extension():
    end = prefix_end("ke-17")
    assert "ke-17" < "ke-1701" < "ke-17\U0010ffff" < end
    assert end <= "ke-18"
