"""The printable passport: a QR code of the verify URL, and a PDF of one certificate issue in
English and 简体中文, and in the reader's language when it is another one (Русский, العربية,
Français, Español). Pure rendering: the caller gathers the facts, and passes the texts of
each language (`Labels`, from the web pages' catalogues); English and Chinese by default.

The QR code carries `{base_url}/verify?number=...&sha256=...` (the credential's hash),
never the credential itself: a medium QR holds ~2.3 KB, a credential is several. The PDF
embeds its fonts, bundled in ``fonts/`` (see SOURCE there): Noto Sans for Latin and Cyrillic,
Noto Sans Arabic (both SIL OFL 1.1) and WenQuanYi Micro Hei for Chinese (Apache-2.0); a
character the current font lacks is taken from the next one that has it (fpdf2's fallback
fonts), so the running app depends on no system font. fpdf2 subsets them to the glyphs used.

Arabic is shaped (joined letter forms, lam-alef ligatures) by HarfBuzz (fpdf2's text shaping,
``uharfbuzz``) and each line is ordered by the Unicode bidirectional algorithm (UAX #9, in
fpdf2): an Arabic line reads right to left, while certificate numbers, standards, dates and
URLs in it keep their left-to-right order.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import segno
from fpdf import FPDF

FONTS = Path(__file__).parent / "fonts"
FONT = FONTS / "WenQuanYiMicroHei-subset.ttf"  # Chinese (and the planner's PDF's Latin)
LATIN_FONT = FONTS / "NotoSans-subset.ttf"  # Latin, Greek, Cyrillic
ARABIC_FONT = FONTS / "NotoSansArabic-subset.ttf"


def qr_svg(url: str) -> bytes:
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="svg", scale=4, border=4,
                                                 xmldecl=True, title="certpass verify link")
    return out.getvalue()


def qr_png(url: str, scale: int = 6) -> bytes:
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


@dataclass(frozen=True)
class PassportFacts:
    """What the passport prints. Lists of strings are printed one per line."""

    number: str
    issue: int
    scheme: str
    kind: str  # code (product-certificate...)
    status: str  # common word (valid, suspended, withdrawn...)
    status_word: str  # the scheme's own word (有效, Current...)
    issued_on: str
    first_issued_on: str
    valid_until: str  # "": no expiry
    issuer: str  # names, English / Chinese
    issuer_did: str
    accreditation: str  # the endorsement's name; "": none recorded
    assessment_level: str  # code (GlobalMRA, Accredited...)
    holder: str
    holder_zh: str
    manufacturer: str
    # names registered in other scripts, by language tag ({"ru": ..., "ar": ...})
    holder_names: Mapping[str, str] = field(default_factory=dict)
    manufacturer_names: Mapping[str, str] = field(default_factory=dict)
    products: list[str] = field(default_factory=list)
    factories: list[str] = field(default_factory=list)
    standards: list[str] = field(default_factory=list)
    sha256: str = ""
    resolver_url: str = ""  # what the QR code carries (a browser lands on the verification)
    credential_id: str = ""
    verification_method: str = ""


@dataclass(frozen=True)
class Labels:
    """The passport's texts in one language: a row label per field, the title and intro
    lines, the words printed in values, and `words`, the closed vocabularies by code
    (``status.valid``, ``kind.product-certificate``; a code not there prints as itself).
    The web layer fills one from each catalogue's ``pdf.<field>`` keys."""

    title: str
    intro: str
    number: str
    issue: str
    status: str
    scheme: str
    kind: str
    issued_on: str
    first_issued: str
    valid_until: str
    no_expiry: str
    holder: str
    manufacturer: str
    products: str
    factories: str
    standards: str
    issuer: str
    accreditation: str
    no_accreditation: str
    assessment_level: str
    sha256: str
    verify_at: str
    credential: str
    signed_by: str
    words: Mapping[str, str] = field(default_factory=dict)
    rtl: bool = False  # a right-to-left language: its lines are aligned right
    lang: str = ""  # its BCP 47 tag: names registered in it are printed (PassportFacts.names)

    def word(self, prefix: str, code: str) -> str:
        return self.words.get(f"{prefix}.{code}", code)


ENGLISH = Labels(
    lang="en", title="Quality certification passport",
    intro="A verifiable credential; scan the code or visit the link to verify it.",
    number="Certificate number", issue="Issue", status="Status", scheme="Scheme", kind="Kind",
    issued_on="Issued on", first_issued="First issued", valid_until="Valid until",
    no_expiry="no expiry", holder="Holder", manufacturer="Manufacturer",
    products="Products / models", factories="Factories", standards="Standards applied",
    issuer="Issuer", accreditation="Accreditation", no_accreditation="none recorded",
    assessment_level="assessment level", sha256="Credential SHA-256", verify_at="Verify at",
    credential="Credential", signed_by="Signed by key",
    words={"status.valid": "Valid", "status.suspended": "Suspended",
           "status.withdrawn": "Withdrawn (revoked)", "status.cancelled": "Cancelled",
           "status.expired": "Expired", "status.superseded": "Superseded"},
)
CHINESE = Labels(
    lang="zh", title="质量认证护照", intro="本证书为可验证凭证，扫码或访问链接即可核验。",
    number="证书编号", issue="版次", status="状态", scheme="认证制度", kind="类型",
    issued_on="发证日期", first_issued="首次发证", valid_until="有效期至",
    no_expiry="无有效期限", holder="持证人", manufacturer="制造商", products="产品 / 型号",
    factories="生产厂", standards="依据标准", issuer="发证机构", accreditation="认可",
    no_accreditation="无认可记录", assessment_level="评定级别", sha256="凭证哈希",
    verify_at="核验地址", credential="凭证", signed_by="签名密钥",
    words={"status.valid": "有效", "status.suspended": "暂停", "status.withdrawn": "撤销",
           "status.cancelled": "注销", "status.expired": "过期",
           "status.superseded": "已被替代"},
)


class CertpassPdf(FPDF):
    """An A4 certpass document: the bundled fonts ("latin" Noto Sans, "arabic" Noto Sans
    Arabic, "cjk" WenQuanYi Micro Hei), each the others' fallback so that every character
    finds a glyph, numbered pages, one page begun. `shaping`: HarfBuzz text shaping and
    bidirectional ordering (needed by Arabic)."""

    def __init__(self, title: str, margin: float, shaping: bool = False) -> None:
        super().__init__(format="A4")
        self.set_title(title)
        self.set_creator("certpass")
        self.add_font("latin", fname=str(LATIN_FONT))
        self.add_font("arabic", fname=str(ARABIC_FONT))
        self.add_font("cjk", fname=str(FONT))
        # Every font in the list, the current one too: with fpdf2 2.8, a line that begins in
        # a fallback font (an Arabic label) otherwise leaves the next lines misplaced.
        self.set_fallback_fonts(["latin", "arabic", "cjk"])
        if shaping:
            self.set_text_shaping(True)
        self.set_margins(margin, 14, margin)
        self.set_auto_page_break(True, margin=16)
        self.add_page()

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("latin", size=7)
        self.set_text_color(110)
        self.cell(0, 5, f"certpass · {self.page_no()}/{{nb}}", align="C")


def _joined(words: Sequence[str], sep: str = " / ") -> str:
    """The words once each, in order (a language that says it as another does once)."""
    return sep.join(dict.fromkeys(w for w in words if w))


def passport_pdf(facts: PassportFacts, labels: Sequence[Labels] = (ENGLISH, CHINESE)
                 ) -> bytes:
    """An A4 passport of one or two pages, every label in each language of `labels` (English
    and Chinese, then the reader's), one per line; values are data, printed as they are."""
    pdf = CertpassPdf(f"Certificate {facts.number} / 证书 {facts.number}", margin=16,
                      shaping=True)
    pdf.set_author(facts.issuer)
    width = pdf.w - pdf.l_margin - pdf.r_margin

    for i, lang in enumerate(labels):  # the title, then the intro, in each language
        pdf.set_font("latin", size=17 if i == 0 else 14)
        _line(pdf, width, 8.5 if i == 0 else 7, lang.title, lang.rtl)
    pdf.ln(1)
    pdf.set_font("latin", size=9)
    pdf.set_text_color(90)
    for lang in labels:
        _line(pdf, width, 4.4, lang.intro, lang.rtl)
    pdf.set_text_color(0)

    qr = qr_png(facts.resolver_url, scale=8)
    top = pdf.get_y() + 3
    pdf.image(io.BytesIO(qr), x=pdf.w - pdf.r_margin - 44, y=top, w=44, h=44)
    pdf.set_y(top)
    status = _joined([x.word("status", facts.status) for x in labels])
    if facts.status_word and facts.status_word not in status:
        status += f" ({facts.status_word})"
    head = [
        ([x.number for x in labels], facts.number),
        ([x.issue for x in labels], str(facts.issue)),
        ([x.status for x in labels], status),
        ([x.scheme for x in labels], facts.scheme),
        ([x.kind for x in labels], _joined([x.word("kind", facts.kind) for x in labels])),
    ]
    _rows(pdf, labels, head, width=width - 50)
    pdf.set_y(max(pdf.get_y(), top + 47))

    accreditation = facts.accreditation or _joined([x.no_accreditation for x in labels])
    # The code first: a bracket or colon after an Arabic word would sit at its visual start.
    level = (f"{facts.assessment_level} · {_joined([x.assessment_level for x in labels])}"
             if facts.assessment_level else "")
    rows = [
        ([x.issued_on for x in labels], facts.issued_on),
        ([x.first_issued for x in labels], facts.first_issued_on),
        ([x.valid_until for x in labels],
         facts.valid_until or _joined([x.no_expiry for x in labels])),
        ([x.holder for x in labels],
         "\n".join([x for x in (facts.holder, facts.holder_zh) if x]
                   + _other_names(facts.holder_names, labels))),
        ([x.manufacturer for x in labels],
         "\n".join([facts.manufacturer, *_other_names(facts.manufacturer_names, labels)])),
        ([x.products for x in labels], "\n".join(facts.products)),
        ([x.factories for x in labels], "\n".join(facts.factories) or "—"),
        ([x.standards for x in labels], "\n".join(facts.standards)),
        ([x.issuer for x in labels], f"{facts.issuer}\n{facts.issuer_did}"),
        ([x.accreditation for x in labels], "\n".join(v for v in (accreditation, level) if v)),
    ]
    _rows(pdf, labels, rows, width=width)

    pdf.ln(3)
    integrity = [
        ([x.sha256 for x in labels], facts.sha256),
        ([x.verify_at for x in labels], facts.resolver_url),
        ([x.credential for x in labels], facts.credential_id),
        ([x.signed_by for x in labels], facts.verification_method),
    ]
    _rows(pdf, labels, integrity, width=width, size=8)
    return bytes(pdf.output())


def _line(pdf: FPDF, width: float, height: float, text: str, rtl: bool = False) -> None:
    """One line (wrapped if it must be) aligned left, a right-to-left one aligned right."""
    pdf.multi_cell(width, height, text, align="R" if rtl else "L", new_x="LMARGIN",
                   new_y="NEXT")


def _other_names(names: Mapping[str, str], labels: Sequence[Labels]) -> list[str]:
    """A party's names in the passport's other languages (English and Chinese are its own)."""
    return [names[x.lang] for x in labels if x.lang not in ("", "en", "zh") and x.lang in names]


def _rows(pdf: FPDF, labels: Sequence[Labels],
          rows: Sequence[tuple[Sequence[str], str]], width: float, size: float = 10) -> None:
    """Label lines (one per language) in a column on the left, the value beside them; a row
    that would not fit on the page begins the next one."""
    several = len(labels) > 2
    label_w, label_size = (48, size - 2) if several else (46, size - 1.5)
    line = size * (0.36 if several else 0.5)
    for texts, value in rows:
        pdf.set_font("latin", size=size)
        value_height = cast(float, pdf.multi_cell(width - label_w, size * 0.55, value or "—",
                                                  dry_run=True, output="HEIGHT"))
        height = max(len(texts) * line, value_height)
        if pdf.get_y() + min(height, 30) > pdf.page_break_trigger:  # a long one flows on
            pdf.add_page()
        x, y = pdf.l_margin, pdf.get_y()
        pdf.set_font("latin", size=label_size)
        pdf.set_text_color(90)
        for text, lang in zip(texts, labels, strict=True):
            pdf.set_x(x)
            pdf.multi_cell(label_w - 2, line, text, align="R" if lang.rtl else "L",
                           new_x="LMARGIN", new_y="NEXT")
        label_bottom = pdf.get_y()
        pdf.set_text_color(0)
        pdf.set_font("latin", size=size)
        pdf.set_xy(x + label_w, y)
        pdf.multi_cell(width - label_w, size * 0.55, value or "—", align="L",
                       new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(max(pdf.get_y(), label_bottom) + (1.0 if several else 1.5))
