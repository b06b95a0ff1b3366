"""The printable passport: a QR code of the verify URL, and a bilingual (English / 简体中文)
PDF of one certificate issue. Pure rendering: the caller gathers the facts.

The QR code carries `{base_url}/verify?number=...&sha256=...` (the credential's hash),
never the credential itself: a medium QR holds ~2.3 KB, a credential is several. The PDF
embeds its only font, bundled in ``fonts/`` (WenQuanYi Micro Hei, Apache-2.0; see SOURCE):
the running app depends on no system font. fpdf2 subsets it to the glyphs used.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import segno
from fpdf import FPDF

FONT = Path(__file__).parent / "fonts" / "WenQuanYiMicroHei-subset.ttf"


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
    kind: str
    status: str  # common word (valid, suspended, withdrawn...)
    status_word: str  # the scheme's own word (有效, Current...)
    issued_on: str
    first_issued_on: str
    valid_until: str
    issuer: str  # names, English / Chinese
    issuer_did: str
    accreditation: str
    assessment_level: str
    holder: str
    holder_zh: str
    manufacturer: str
    products: list[str] = field(default_factory=list)
    factories: list[str] = field(default_factory=list)
    standards: list[str] = field(default_factory=list)
    sha256: str = ""
    resolver_url: str = ""  # what the QR code carries (a browser lands on the verification)
    credential_id: str = ""
    verification_method: str = ""


_STATUS_ZH = {"valid": "有效", "suspended": "暂停", "withdrawn": "撤销", "cancelled": "注销",
              "expired": "过期"}


class CertpassPdf(FPDF):
    """An A4 certpass document: the bundled font as "cjk", numbered pages, one page begun."""

    def __init__(self, title: str, margin: float) -> None:
        super().__init__(format="A4")
        self.set_title(title)
        self.set_creator("certpass")
        self.add_font("cjk", fname=str(FONT))
        self.set_margins(margin, 14, margin)
        self.set_auto_page_break(True, margin=16)
        self.add_page()

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("cjk", size=7)
        self.set_text_color(110)
        self.cell(0, 5, f"certpass · {self.page_no()}/{{nb}}", align="C")


def passport_pdf(facts: PassportFacts) -> bytes:
    """An A4 passport of one or two pages."""
    pdf = CertpassPdf(f"Certificate {facts.number} / 证书 {facts.number}", margin=16)
    pdf.set_author(facts.issuer)

    pdf.set_font("cjk", size=17)
    pdf.cell(0, 9, "Quality certification passport", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=14)
    pdf.cell(0, 8, "质量认证护照", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=9)
    pdf.set_text_color(90)
    pdf.cell(0, 5, "A verifiable credential; scan the code or visit the link to verify it. "
                   "本证书为可验证凭证，扫码或访问链接即可核验。", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0)

    qr = qr_png(facts.resolver_url, scale=8)
    top = pdf.get_y() + 3
    pdf.image(io.BytesIO(qr), x=pdf.w - pdf.r_margin - 44, y=top, w=44, h=44)
    pdf.set_y(top)
    status = f"{facts.status} / {_STATUS_ZH.get(facts.status, facts.status)}"
    if facts.status_word and facts.status_word not in status:
        status += f" ({facts.status_word})"
    head = [
        ("Certificate number", "证书编号", facts.number),
        ("Issue", "版次", str(facts.issue)),
        ("Status", "状态", status),
        ("Scheme", "认证制度", facts.scheme),
        ("Kind", "类型", facts.kind),
    ]
    _rows(pdf, head, width=pdf.w - pdf.l_margin - pdf.r_margin - 50)
    pdf.set_y(max(pdf.get_y(), top + 47))

    rows = [
        ("Issued on", "发证日期", facts.issued_on),
        ("First issued", "首次发证", facts.first_issued_on),
        ("Valid until", "有效期至", facts.valid_until or "no expiry / 无有效期限"),
        ("Holder", "持证人", "\n".join(x for x in (facts.holder, facts.holder_zh) if x)),
        ("Manufacturer", "制造商", facts.manufacturer),
        ("Products / models", "产品 / 型号", "\n".join(facts.products)),
        ("Factories", "生产厂", "\n".join(facts.factories) or "—"),
        ("Standards applied", "依据标准", "\n".join(facts.standards)),
        ("Issuer", "发证机构", f"{facts.issuer}\n{facts.issuer_did}"),
        ("Accreditation", "认可", f"{facts.accreditation}\n{facts.assessment_level}"),
    ]
    _rows(pdf, rows, width=pdf.w - pdf.l_margin - pdf.r_margin)

    pdf.ln(3)
    pdf.set_font("cjk", size=8)
    pdf.set_text_color(60)
    integrity = [
        ("Credential SHA-256", "凭证哈希", facts.sha256),
        ("Verify at", "核验地址", facts.resolver_url),
        ("Credential", "凭证", facts.credential_id),
        ("Signed by key", "签名密钥", facts.verification_method),
    ]
    _rows(pdf, integrity, width=pdf.w - pdf.l_margin - pdf.r_margin, size=8)
    pdf.set_text_color(0)
    return bytes(pdf.output())


def _rows(pdf: FPDF, rows: list[tuple[str, str, str]], width: float, size: float = 10) -> None:
    label_w = 46
    for en, zh, value in rows:
        x, y = pdf.l_margin, pdf.get_y()
        if y > pdf.h - 40:
            pdf.add_page()
            y = pdf.get_y()
        pdf.set_xy(x, y)
        pdf.set_font("cjk", size=size - 1.5)
        pdf.set_text_color(90)
        pdf.multi_cell(label_w, size * 0.5, f"{en}\n{zh}", new_x="RIGHT", new_y="TOP")
        label_bottom = y + 2 * size * 0.5
        pdf.set_text_color(0)
        pdf.set_font("cjk", size=size)
        pdf.set_xy(x + label_w, y)
        pdf.multi_cell(width - label_w, size * 0.55, value or "—", new_x="LMARGIN",
                       new_y="NEXT")
        pdf.set_y(max(pdf.get_y(), label_bottom) + 1.5)
