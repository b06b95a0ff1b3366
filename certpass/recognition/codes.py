"""The fixed code lists a recognition decision speaks in, each with Chinese and English text.

Codes are stable identifiers: API clients, the trust bundle and stored decisions rely on
them, so a code is never renamed or reused; new ones are only added.
"""

from __future__ import annotations

from dataclasses import dataclass

from certpass.errors import InvalidInput


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    en: str
    zh: str
    meaning: str  # one line for documentation: when the engine uses this code


# Decisions, best first: the order is used to rank outcomes of competing arrangements.
RECOGNISED = "recognised"
RECOGNISED_WITH_CONDITIONS = "recognised-with-conditions"
NOT_RECOGNISED = "not-recognised"

DECISIONS: dict[str, Code] = {
    c.code: c
    for c in (
        Code(RECOGNISED, "Recognised", "承认", "Accepted as it stands."),
        Code(
            RECOGNISED_WITH_CONDITIONS,
            "Recognised with conditions",
            "有条件承认",
            "Accepted once every named condition is met.",
        ),
        Code(NOT_RECOGNISED, "Not recognised", "不承认", "Not accepted; each reason is named."),
    )
}
DECISION_RANK = {RECOGNISED: 0, RECOGNISED_WITH_CONDITIONS: 1, NOT_RECOGNISED: 2}

CONDITIONS: dict[str, Code] = {
    c.code: c
    for c in (
        Code(
            "national-differences-test",
            "Test the national differences not covered by the report",
            "补充检测报告未覆盖的国家差异",
            "The market's national standard deviates from the international one; "
            "the differences listed in the detail must be tested.",
        ),
        Code(
            "sample-required",
            "Submit a sample",
            "提交样品",
            "The recognising body checks a sample against the report.",
        ),
        Code(
            "factory-inspection",
            "Factory inspection by the recognising scheme",
            "工厂检查",
            "The target scheme needs its own factory inspection; a foreign audit "
            "(QAR, QAN) does not replace it.",
        ),
        Code(
            "local-representative",
            "Appoint a local representative",
            "指定当地代表",
            "The market requires a responsible party established there.",
        ),
        Code(
            "marking",
            "Apply the market's marking",
            "加施标志",
            "The product must carry the target scheme's mark or specific-use marking.",
        ),
        Code(
            "test-report-required",
            "Attach the full test report on the harmonised form",
            "附完整的统一格式检测报告",
            "A certificate alone is not enough; the report it rests on must be supplied.",
        ),
        Code(
            "freshness-review",
            "Older than the freshness limit: the body may re-examine it",
            "超过时限：认证机构可能复核",
            "The certificate is older than the arrangement's limit; it is not refused "
            "but may be challenged.",
        ),
    )
}

REASONS: dict[str, Code] = {
    c.code: c
    for c in (
        Code(
            "no-arrangement",
            "No arrangement covers this market for this scheme",
            "该市场无适用于此认证制度的互认安排",
            "Nothing in the registry grants acceptance of this scheme in this market.",
        ),
        Code(
            "outside-scope",
            "Outside the arrangement's scope",
            "超出安排范围",
            "The arrangement exists but does not cover this kind of document, product, "
            "standard or category (or recognises nothing but accreditation).",
        ),
        Code(
            "issuer-not-designated",
            "Issuing body not designated under the arrangement",
            "发证机构非安排指定机构",
            "The issuer is not a designated or scheme-listed body for the standard.",
        ),
        Code(
            "lab-not-listed",
            "Testing laboratory not listed",
            "检测实验室未列名",
            "A lab the certificate rests on is not listed for the standard.",
        ),
        Code(
            "testing-route-not-accepted",
            "Testing route not accepted",
            "检测方式不被接受",
            "The route (e.g. SMT, customer testing facility) is excluded by the arrangement.",
        ),
        Code(
            "edition-too-old",
            "Standard edition older than the market's national adoption",
            "标准版本早于本国采用版本",
            "An applied edition is older than the edition the national standard is based on.",
        ),
        Code(
            "certificate-too-old",
            "Certificate older than the arrangement allows",
            "证书超过时限",
            "The certificate exceeds a freshness limit that refuses rather than reviews.",
        ),
        Code(
            "origin-not-eligible",
            "Origin not eligible",
            "原产地不符合",
            "The goods are not made in an eligible economy or not traded directly.",
        ),
        Code(
            "arrangement-not-in-force",
            "Arrangement not in force on the date",
            "安排在该日期未生效",
            "The arrangement is signed, suspended, terminated or outside its validity dates.",
        ),
        Code(
            "certificate-not-valid",
            "Certificate not valid on the date",
            "证书在该日期无效",
            "The certificate is suspended, withdrawn, expired or not yet valid.",
        ),
    )
}


def condition(code: str) -> Code:
    return _lookup(CONDITIONS, code, "condition")


def reason(code: str) -> Code:
    return _lookup(REASONS, code, "reason")


def decision(code: str) -> Code:
    return _lookup(DECISIONS, code, "decision")


def _lookup(table: dict[str, Code], code: str, what: str) -> Code:
    try:
        return table[code]
    except KeyError:
        raise InvalidInput(
            f"unknown {what} code {code!r}",
            hint=f"use one of: {', '.join(table)}",
        ) from None
