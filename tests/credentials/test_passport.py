"""The printable passport, rendered without a database: QR codes decode, Chinese renders."""

from __future__ import annotations

import io

import pypdfium2
import zxingcpp
from PIL import Image

from certpass.credentials import passport

URL = "https://certpass.example/verify?number=CN%2F2024%2F1&sha256=" + "ab" * 32


def facts(**overrides) -> passport.PassportFacts:
    values = dict(
        number="CN/2024/1", issue=2, scheme="China Compulsory Certification / 中国强制性产品认证",
        kind="product-certificate", status="suspended", status_word="暂停",
        issued_on="2024-03-01", first_issued_on="2023-01-01", valid_until="2029-03-01",
        issuer="China Quality Certification Centre / 中国质量认证中心",
        issuer_did="did:web:certpass.example:bodies:cqc",
        accreditation="Accreditation CNAS-C001 by CNAS", assessment_level="GlobalMRA",
        holder="Macao Example Ltd.", holder_zh="澳門示例有限公司",
        manufacturer="Example / 示例", products=["电水壶 kettle: EK-1, EK-2"],
        factories=["Factory, Foshan, CN"], standards=["GB 4706.1-2005"], sha256="ab" * 32,
        resolver_url=URL, credential_id="https://certpass.example/c", verification_method="k",
    )
    values.update(overrides)
    return passport.PassportFacts(**values)


def test_qr_codes_carry_the_url():
    [code] = zxingcpp.read_barcodes(Image.open(io.BytesIO(passport.qr_png(URL))))
    assert code.text == URL
    svg = passport.qr_svg(URL)
    assert svg.startswith(b"<?xml") and b"<svg" in svg


def test_pdf_renders_traditional_and_simplified_chinese_and_stays_within_two_pages():
    many = [f"产品 {i} product: MODEL-{i}" for i in range(40)]
    pdf = pypdfium2.PdfDocument(passport.passport_pdf(facts(products=many)))
    assert len(pdf) == 2
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    for needle in ("CN/2024/1", "澳門示例有限公司", "中国强制性产品认证", "暂停", "产品 39"):
        assert needle in text, needle
    assert len(passport.passport_pdf(facts())) < 400_000  # the font is subset on output
