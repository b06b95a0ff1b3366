"""Names in other scripts (issue 20): what a party's or product's `names` accepts, how an
issue stores them, the import columns that carry them, what an amendment of them says, and
the search tokens they give."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from certpass.certificates import importer
from certpass.certificates.changes import issue_changes
from certpass.certificates.schemas import Party, Product
from certpass.errors import InvalidInput
from certpass.index.fields import certificate_tokens
from certpass.index.tokens import fold
from certpass.registry.schemas import MAX_OTHER_NAMES


@pytest.mark.parametrize("names", [
    {"ru": "ОАО «Минская агромашина»"}, {"ar": "شركة"}, {"kk-Cyrl": "Алматы"},
    {"sr-Latn": "Beograd"}, {"pt-BR": "Chaleira"}, {"es-419": "Hervidor"},
    {"zh-Hant": "佛山美欣電器有限公司"},  # Traditional Chinese is another name
])
def test_names_by_language_tag_are_kept(names):
    assert Party(name="X", economy="CN", names=names).names == names


@pytest.mark.parametrize("names", [
    {"en": "X"}, {"zh": "某"}, {"zh-Hans": "某"},  # those are name and name_zh
    {"RU": "x"}, {"russian": "x"}, {"ru_RU": "x"}, {"": "x"},  # not BCP 47 tags
    {"ru": ""}, {"ru": "   "}, {"ru": "x" * 301},
    {f"{a}{b}": "x" for a in "abcd" for b in "abcd"},  # more than MAX_OTHER_NAMES
])
def test_bad_names_are_refused(names):
    with pytest.raises(ValidationError):
        Party(name="X", economy="CN", names=names)
    with pytest.raises(ValidationError):
        Product(name="X", models=["M"], names=names)


def test_at_most_max_names():
    names = {f"a{chr(97 + i)}": "x" for i in range(MAX_OTHER_NAMES)}
    assert len(Party(name="X", economy="CN", names=names).names) == MAX_OTHER_NAMES


def test_an_issue_stores_names_only_when_there_are_some():
    assert "names" not in Party(name="X", economy="CN").row()
    assert "names" not in Product(name="K", models=["M"]).row()
    row = Party(name="X", economy="CN", names={"ru": " Икс "}).row()
    assert row["names"] == {"ru": "Икс"}  # stripped


def test_import_columns_name_other_scripts():
    request = importer.to_request({
        "number": "X-0001", "scheme": "CCC", "issuer": "cqc", "holder_name": "Acme",
        "holder_name_zh": "阿克米", "holder_name_ru": "Акме", "holder_name_kk-Cyrl": "Акме",
        "holder_economy": "CN", "manufacturer_name": "Maker", "manufacturer_economy": "CN",
        "manufacturer_name_ar": "صانع", "product_name": "Kettle", "product_name_ar": "غلاية",
        "product_name_ru": "", "models": "K1", "standards": "GB 4706.1-2005",
        "issued_on": "2024-01-07"})
    assert request.holder.name_zh == "阿克米"
    assert request.holder.names == {"ru": "Акме", "kk-Cyrl": "Акме"}
    assert request.manufacturer is not None and request.manufacturer.names == {"ar": "صانع"}
    assert request.products[0].names == {"ar": "غلاية"}  # an empty cell is no name


def test_an_import_column_with_a_bad_tag_is_an_unknown_column():
    with pytest.raises(InvalidInput, match="unknown columns") as caught:
        importer._check_header(["number", "holder_name_ru", "holder_name_Russian"])
    assert caught.value.message == "unknown columns ['holder_name_Russian']"


def test_an_amendment_of_the_other_names_says_so():
    before = {"holder": {"name": "Acme", "names": {"ru": "Акме"}}, "products": []}
    after = {"holder": {"name": "Acme", "names": {"ru": "Акме Групп"}}, "products": []}
    assert issue_changes(before, after) == ["holder's names in other languages changed"]
    assert issue_changes(before, before) == []


def test_names_in_other_scripts_are_search_tokens():
    issue = {"holder": {"name": "Acme", "names": {"ru": "ООО Ромашка", "ar": "شركة الرَّيحان"}},
             "manufacturer": {}, "products": [{"name": "Kettle", "models": ["K1"],
                                              "names": {"ru": "Чайник"}}]}
    tokens = certificate_tokens({"number": "X-1", "issuer_id": "cqc", "scheme_code": "CCC"},
                                [issue], {"name_en": "Body", "names": {"ru": "Орган"}})
    # case, accents and harakat folded, as a query is (й folds like an accented letter)
    assert {"ромашка", fold("Чайник"), "الريحان"} <= set(tokens)
    assert "=ооо ромашка" in tokens  # the whole name ranks an exact match first
    assert "=орган" in tokens  # the issuer's name in Russian, whole
