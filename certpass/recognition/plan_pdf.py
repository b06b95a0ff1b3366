"""A route plan as a bilingual (English / 简体中文) PDF: the product asked about, the steps
in order with why each is there, the comparison of "one test, several certificates" with
testing separately for each market, and the markets the plan cannot open with their reasons.
Pure rendering of `Plan.to_json` (with the service's "product"); the same figures as the page,
the JSON and the CSV. Uses the passport's bundled font, so no system font is needed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fpdf import FPDF
from fpdf.fonts import FontFace

from certpass.credentials.passport import CertpassPdf
from certpass.recognition import codes

_HEAD = FontFace(fill_color=(230, 236, 242))  # the one face has no bold: headings by fill


def _money(value: Any, currency: str) -> str:
    return f"{value:,.0f} {currency}".strip() if isinstance(value, int | float) else str(value)


def plan_pdf(doc: Mapping[str, Any]) -> bytes:
    cur = doc.get("currency", "")
    product = doc.get("product") or {}
    pdf = CertpassPdf(f"Certification route plan / 认证路线方案: HS {product.get('hs', '')}",
                      margin=14)

    pdf.set_font("cjk", size=16)
    pdf.cell(0, 8, "Certification route plan", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=13)
    pdf.cell(0, 7, "认证路线方案", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("cjk", size=9)
    facts = [
        ("Product (HS code) / 产品（HS 编码）", str(product.get("hs", ""))),
        ("Standards / 标准", "; ".join(product.get("standards", []))),
        ("Made in / 原产地", str(product.get("origin", ""))),
        ("Markets asked / 目标市场", ", ".join(doc.get("markets", []))),
        ("Markets opened / 可进入市场", ", ".join(doc.get("opened", [])) or "—"),
        ("Planned on / 方案日期", str(doc.get("date", ""))),
        ("Total / 合计", f"{_money(doc.get('total_cost', ''), cur)}, "
                         f"about {doc.get('lead_time_days', '')} days / 约 "
                         f"{doc.get('lead_time_days', '')} 天"),
    ]
    with pdf.table(col_widths=(60, 122), first_row_as_headings=False,
                   line_height=5, text_align="LEFT") as table:
        for label, value in facts:
            table.row((label, value))

    _heading(pdf, "Steps, in order", "步骤（按顺序）")
    _table(pdf, ("#", "Kind / 类型", "Scheme / 制度", "Body / 机构", "Markets / 市场",
                 "Cost / 费用", "Days / 天", "Why / 理由"),
           [(str(s["order"]), s["kind"], s["scheme"], s["body"], ", ".join(s["markets"]),
             _money(s["cost"], cur), str(s["days"]), s["why"]) for s in doc.get("steps", [])],
           (7, 20, 18, 25, 24, 20, 12, 56))

    c = doc.get("comparison")
    if c:
        _heading(pdf, "One test, several certificates, against testing each market separately",
                 "一次检测、多国认证与各市场分别检测的比较")
        t, s = c["together"], c["separately"]
        _table(pdf, ("Route / 方式", "Cost / 费用", "Days / 天", "Tests / 检测次数"), [
            ("One test, several certificates (this plan) / 一次检测、多国认证（本方案）",
             _money(t["cost"], cur), str(t["days"]), str(t["tests"])),
            ("Each market tested separately / 各市场分别检测",
             _money(s["cost"], cur), str(s["days"]), str(s["tests"])),
            ("Separately minus this plan / 差额", _money(c["saving"], cur),
             f"{-c['days_difference']:+d}", f"{s['tests'] - t['tests']:+d}"),
        ], (92, 35, 25, 30))
        pdf.ln(1)
        _table(pdf, ("Market / 市场", "Scheme / 制度", "Body / 机构", "Cost / 费用",
                     "Days / 天", "Tests / 检测次数"),
               [(m["market"], m["scheme"], m["body"], _money(m["cost"], cur), str(m["days"]),
                 str(m["tests"])) for m in c["markets"]],
               (25, 30, 47, 30, 20, 30))

    unopened = doc.get("unopened") or {}
    if unopened:
        _heading(pdf, "Markets this plan cannot open", "本方案无法进入的市场")
        _table(pdf, ("Market / 市场", "Why not / 原因"),
               [(m, "\n".join(_reason(r) for r in reasons)) for m, reasons in unopened.items()],
               (25, 157))

    if doc.get("estimate_note"):
        pdf.ln(3)
        pdf.set_font("cjk", size=8)
        pdf.set_text_color(70)
        pdf.multi_cell(0, 4, f"Estimates / 估算说明: {doc['estimate_note']}")
    return bytes(pdf.output())


def _reason(code: str) -> str:
    known = codes.REASONS.get(code)
    return f"{known.en} / {known.zh}" if known else code


def _heading(pdf: FPDF, en: str, zh: str) -> None:
    pdf.ln(4)
    pdf.set_font("cjk", size=11)
    pdf.set_text_color(0)
    pdf.multi_cell(0, 5.5, f"{en}\n{zh}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _table(pdf: FPDF, head: Sequence[str], rows: Sequence[Sequence[str]],
           widths: Sequence[float]) -> None:
    pdf.set_font("cjk", size=8)
    with pdf.table(col_widths=tuple(widths), headings_style=_HEAD, line_height=4.2,
                   repeat_headings=1, text_align="LEFT") as table:
        table.row(head)
        for row in rows:
            table.row(row)
