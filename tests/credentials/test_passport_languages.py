"""The passport PDF in the reader's language (Русский, العربية, Français, Español) beside English
and Chinese, with the pages' catalogue texts: read back from the PDF with pypdfium2.

Arabic is checked where its glyphs are, not by pdfium's text order. pdfium puts a PDF's
right-to-left text back in logical order with heuristics of its own, and on shaped text they
fail in three ways: it emits the two letters of a lam-alef ligature (one glyph) in visual
order (الإصدار comes out اإلصدار), it cuts a word at a combining mark that GPOS raised
(shadda, damma: ّقة / المطب), and it reverses the Latin inside an Arabic line (SHA-256 comes
out -256SHA). So `seen` takes each glyph's origin: the characters on one baseline in x order
are the line as it stands on the page, and `visual` says how the expected text must stand
there: an Arabic line reversed (read from the right), the left-to-right runs in it (codes,
numbers) in their own order. Combining marks are left out on both sides (they sit on their
letter, GPOS places them above or below it, they have no position in the line), and both
sides are NFKC normalised (a glyph mapped from a presentation form, U+FE8F..., reads as its
letter).
"""

from __future__ import annotations

import ctypes
import dataclasses
import logging
import re
import unicodedata
from functools import cache

import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest
import uharfbuzz as hb
import zxingcpp
from fontTools.ttLib import TTFont

from certpass.credentials import passport
from certpass.web.api.credentials import passport_labels
from tests.credentials.test_passport import QR_ONLY, URL, facts

READERS = ["ru", "ar", "fr", "es"]
FONT_FILES = {"NotoSans": passport.LATIN_FONT, "NotoSansArabic": passport.ARABIC_FONT,
              "WenQuanYiMicroHei": passport.FONT}
TEXT_FIELDS = [f.name for f in dataclasses.fields(passport.Labels)
               if f.name not in ("words", "rtl", "lang")]
VALUES = ("no_expiry", "no_accreditation", "assessment_level")  # printed in values
ARABIC = "\u0600-\u06ff\ufb50-\ufdff\ufe70-\ufeff"
NOT_ARABIC_RUN = re.compile(rf"[^\s{ARABIC}]+(?:\s+[^\s{ARABIC}]+)*")
ARABIC_RUN = re.compile(rf"[{ARABIC}]+(?:\s+[{ARABIC}]+)*")


@cache
def _cmap(name: str) -> frozenset[int]:
    return frozenset(TTFont(FONT_FILES[name]).getBestCmap())


def normal(text: str) -> str:
    """NFKC, without combining marks, one space between words."""
    text = "".join(c for c in unicodedata.normalize("NFKC", text)
                   if unicodedata.category(c) != "Mn")
    return " ".join(text.split())


def visual(text: str) -> str:
    """How `text` (logical order) stands on the page, left to right, for the simple lines
    the passport prints: a line whose first letter is Arabic is right to left (reversed, its
    other runs kept in their order); in a left-to-right line the Arabic runs are reversed."""
    text = normal(text)
    first = next((unicodedata.bidirectional(c) for c in text
                  if unicodedata.bidirectional(c) in ("L", "R", "AL")), "L")
    if first == "L":
        return ARABIC_RUN.sub(lambda m: m.group(0)[::-1], text)
    return NOT_ARABIC_RUN.sub(lambda m: m.group(0)[::-1], text[::-1])


def _glyphs(page: pypdfium2.PdfPage) -> list[tuple[float, float, float, float, str, str]]:
    """(baseline y, left, right, size, character, font) of each character drawn on the page,
    in pdfium's order."""
    textpage = page.get_textpage()
    out = []
    x, y = ctypes.c_double(), ctypes.c_double()
    name = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    for i in range(textpage.count_chars()):
        if pdfium_c.FPDFText_IsGenerated(textpage, i):  # spaces and breaks pdfium adds
            continue
        char = chr(pdfium_c.FPDFText_GetUnicode(textpage, i))
        if char in "\r\n":
            continue
        pdfium_c.FPDFText_GetCharOrigin(textpage, i, ctypes.byref(x), ctypes.byref(y))
        pdfium_c.FPDFText_GetFontInfo(textpage, i, name, len(name), ctypes.byref(flags))
        left, _, right, _ = textpage.get_charbox(i, loose=True)
        out.append((round(y.value * 2) / 2, left, right, pdfium_c.FPDFText_GetFontSize(
            textpage, i), char, name.value.decode().partition("+")[2]))
    return out


def seen(page: pypdfium2.PdfPage) -> list[str]:
    """The lines as they stand on the page (characters in x order), top to bottom; a label
    and the value beside it are two (a gap of a few points between them). Combining marks,
    raised or lowered by GPOS onto their letter, are left out; spaces are where the glyphs
    leave a gap (pdfium reports a space of shaped text as a zero-width character of size 1,
    and adds such characters beside some raised marks)."""
    rows: dict[float, list[tuple[float, int, float, float, str]]] = {}
    for index, (y, left, right, size, char, _) in enumerate(_glyphs(page)):
        if unicodedata.category(char) != "Mn" and not char.isspace():
            rows.setdefault(y, []).append((left, index, right, size, char))
    out = []
    for y in sorted(rows, reverse=True):
        segment: list[str] = []
        end = None
        for left, _, right, size, char in sorted(rows[y]):
            if end is not None and left - end > size / 2:  # wider than a space
                out.append(normal("".join(segment)))
                segment = []
            elif end is not None and left - end > size / 8:
                segment.append(" ")
            segment.append(char)
            end = right
        out.append(normal("".join(segment)))
    return out


def _render(lang: str, **overrides) -> pypdfium2.PdfDocument:
    return pypdfium2.PdfDocument(passport.passport_pdf(facts(**overrides),
                                                       passport_labels(lang)))


def _texts(labels: passport.Labels, kind: str, status: str) -> list[str]:
    """What the passport prints in the language of `labels`."""
    return [getattr(labels, name) for name in TEXT_FIELDS] + [
        labels.word("status", status), labels.word("kind", kind)]


def test_the_catalogues_english_and_chinese_are_the_passports_own():
    """The served PDF (catalogue texts) and passport_pdf's default say the same."""
    english, chinese = passport_labels("en")
    for served, own in ((english, passport.ENGLISH), (chinese, passport.CHINESE)):
        assert dataclasses.replace(served, words={}) == dataclasses.replace(own, words={})
        assert own.words.items() <= served.words.items()  # the certificates' statuses
    assert len(passport_labels("zh")) == 2 and len(passport_labels("xx")) == 2
    assert [x.rtl for x in passport_labels("ar")] == [False, False, True]


@pytest.mark.parametrize("lang", ["ru", "fr", "es"])
def test_every_label_prints_in_the_readers_language(lang):
    pdf = _render(lang, valid_until="", accreditation="")  # "no expiry", "none recorded"
    assert len(pdf) == 1  # three languages still fit one page
    text = normal(pdf[0].get_textpage().get_text_range())
    for labels in passport_labels(lang):
        for expected in _texts(labels, "product-certificate", "suspended"):
            assert normal(expected) in text, (lang, expected)
    for value in ("CN/2024/1", "GB 4706.1-2005", "澳門示例有限公司", URL, "ab" * 32):
        assert value in text.replace(" ", "") or value in text, value


def test_arabic_labels_stand_right_to_left_with_codes_left_to_right():
    pdf = _render("ar", valid_until="", accreditation="")
    assert len(pdf) == 1
    page = pdf[0]
    lines = seen(page)
    english, _, arabic = passport_labels("ar")
    for expected in _texts(arabic, "product-certificate", "suspended")[:-1]:
        assert any(visual(expected) in line for line in lines), (expected, lines)
    # the kind's line wraps after the first Arabic word (lines break in logical order)
    first, *rest = arabic.word("kind", "product-certificate").split()
    assert visual(f"Product certificate / 产品认证证书 / {first}") in lines
    assert visual(" ".join(rest)) in lines
    # a code inside an Arabic label keeps its order: "بصمة SHA-256 للوثيقة", from the right
    assert "ةقيثولل SHA-256 ةمصب" in lines
    # the values stay left to right, the number intact (in pdfium's own text order too)
    assert "CN/2024/1" in lines and "GB 4706.1-2005" in lines
    text = page.get_textpage().get_text_range()
    assert "CN/2024/1" in text and "GB 4706.1-2005" in text and english.holder in text
    # an Arabic line on its own (a label) where pdfium's heuristics hold (no mark, no
    # lam-alef, no Latin): its text agrees (in a left-to-right value line, it does not)
    plain = [x for x in (getattr(arabic, name) for name in TEXT_FIELDS if name not in VALUES)
             if normal(x) == x and not re.search("ل[اأإآ]|[A-Za-z0-9]", x)]
    assert len(plain) > 10
    for expected in plain:
        assert expected in normal(text), expected
    # a value line in English, Chinese and Arabic, the code first
    level = f"GlobalMRA · assessment level / 评定级别 / {arabic.assessment_level}"
    assert visual(level) in lines
    assert visual(f"Suspended / 暂停 / {arabic.word('status', 'suspended')}") in lines
    [code] = zxingcpp.read_barcodes(page.render(scale=2).to_pil(), formats=QR_ONLY)
    assert code.text == URL


@pytest.mark.parametrize("label", ["حامل الشهادة", "رقم الشهادة", "تاريخ الإصدار الأول",
                                   "الاعتماد"])
def test_arabic_is_shaped_into_joined_forms(label):
    """A label's width in the PDF is HarfBuzz's for the shaped text (joined forms, lam-alef
    ligatures), not the sum of the letters' isolated forms (what unshaped text would be)."""
    rows: dict[float, list[tuple[float, float, str, str]]] = {}
    for y, left, right, _, char, font in _glyphs(_render("ar")[0]):  # pdfium's order
        rows.setdefault(y, []).append((left, right, char, font))
    [row] = [r for r in rows.values()
             if normal("".join(c for _, _, c, _ in sorted(r))) == visual(label)]
    assert {font for *_, font in row} == {"NotoSansArabic"}
    drawn = max(right for _, right, _, _ in row) - min(left for left, *_ in row)
    size = 8  # the label's font size (rows of 10 pt, labels 2 pt smaller)
    font = TTFont(passport.ARABIC_FONT)
    upm = font["head"].unitsPerEm
    buffer = hb.Buffer()
    buffer.add_str(label)
    buffer.guess_segment_properties()
    hb.shape(hb.Font(hb.Face(hb.Blob.from_file_path(str(passport.ARABIC_FONT)))), buffer, {})
    shaped = sum(p.x_advance for p in buffer.glyph_positions) * size / upm
    isolated = sum(font["hmtx"][font.getBestCmap()[ord(c)]][0] for c in label) * size / upm
    assert drawn == pytest.approx(shaped, rel=0.01)
    assert abs(drawn - isolated) > 0.05 * isolated


def test_a_certificate_number_beside_an_arabic_label_stays_left_to_right():
    """A right-to-left line holding a number, and a left-to-right one: the Arabic stands
    reversed (it reads from the right), the number in its own order."""
    pdf = passport.CertpassPdf("mixed", margin=16, shaping=True)
    pdf.set_font("latin", size=12)
    pdf.multi_cell(0, 8, "رقم الشهادة CN/2024/1", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 8, "Certificate CN/2024/1 رقم الشهادة", align="L")
    lines = seen(pypdfium2.PdfDocument(bytes(pdf.output()))[0])
    assert lines[:2] == ["CN/2024/1 ةداهشلا مقر", "Certificate CN/2024/1 ةداهشلا مقر"]
    assert lines[:2] == [visual("رقم الشهادة CN/2024/1"),
                         visual("Certificate CN/2024/1 رقم الشهادة")]


@pytest.mark.parametrize("lang", READERS)
def test_every_character_has_a_glyph_in_an_embedded_font(lang, caplog):
    """No tofu: each label character is in a bundled font, and in the PDF each character is
    drawn with a font whose cmap holds it (never a .notdef box of another font)."""
    labels = passport_labels(lang)
    for texts in labels:
        for text in _texts(texts, "product-certificate", "suspended"):
            missing = [c for c in text if not c.isspace()
                       and not any(ord(c) in _cmap(name) for name in FONT_FILES)]
            assert not missing, (text, missing)
    with caplog.at_level(logging.WARNING, logger="fpdf"):
        pdf = _render(lang, valid_until="", accreditation="")
    assert "missing the following glyphs" not in caplog.text
    drawn = _glyphs(pdf[0])
    assert {font for *_, font in drawn} <= set(FONT_FILES)
    wrong = [(char, font) for *_, char, font in drawn
             if not char.isspace() and ord(char) not in _cmap(font)]
    assert not wrong, wrong
    fonts = {font for *_, font in drawn}
    assert fonts == ({"NotoSans", "NotoSansArabic", "WenQuanYiMicroHei"} if lang == "ar"
                     else {"NotoSans", "WenQuanYiMicroHei"})


@pytest.mark.parametrize(("lang", "name"), [("ru", "ООО «Макао Пример»"),
                                            ("ar", "شركة ماكاو المثال")])
def test_the_holders_name_in_the_readers_script_is_printed(lang, name):
    names = {"ru": "ООО «Макао Пример»", "ar": "شركة ماكاو المثال"}
    lines = seen(_render(lang, holder_names=names, manufacturer_names={"ru": "Пример"})[0])
    assert visual(name) in lines
    assert ("Пример" in lines) == (lang == "ru")  # the manufacturer's, only where it has one
    other = next(n for n in names.values() if n != name)
    assert visual(other) not in lines  # the other reader's script is not printed
    english = seen(_render("en", holder_names=names)[0])
    assert not any(visual(n) in english for n in names.values())
