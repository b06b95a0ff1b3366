"""A small registry built in code: enough bodies, schemes and standards to exercise the rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

from certpass.accounts.actor import OPERATOR
from certpass.certificates.context import IssuingContext
from certpass.certificates.schemas import IssueRequest
from certpass.config import Settings
from certpass.credentials import service as credentials
from certpass.registry import service as registry
from certpass.registry.schemas import (
    AccreditationIn,
    BodyIn,
    CategoryIn,
    EconomyIn,
    SchemeIn,
    StandardIn,
)
from certpass.store.database import Database

SETTINGS = Settings.load(environ={}, secret_key="test-secret-key-0123456789")


def ctx(session) -> IssuingContext:  # type: ignore[no-untyped-def]
    """A lifecycle context on the test settings."""
    return IssuingContext(session, SETTINGS, credentials)


ECONOMIES = [("CN", "China", "中国"), ("NZ", "New Zealand", "新西兰"),
             ("HK", "Hong Kong", "中国香港"), ("MO", "Macao", "中国澳门"),
             ("DE", "Germany", "德国"), ("TH", "Thailand", "泰国"),
             ("BY", "Belarus", "白俄罗斯"), ("RU", "Russia", "俄罗斯")]
STANDARDS = ["IEC 60335-1:2001", "IEC 60335-1:2010", "IEC 60335-1:2020", "IEC 60335-2-15:2012",
             "IEC 60079-0:2017", "IEC 62368-1:2018"]


def seed(db: Database) -> None:
    a = OPERATOR
    with db.write() as s:
        registry.add_economies(s, [EconomyIn(code=c, name_en=en, name_zh=zh)
                                   for c, en, zh in ECONOMIES], a)
        registry.add_economies(s, [EconomyIn(code="EAEU", name_en="Eurasian Economic Union",
                                             name_zh="欧亚经济联盟", is_bloc=True,
                                             members=["BY", "RU"])], a)
        for body in [
            BodyIn(id="cnas", name_en="China National Accreditation Service",
                   name_zh="中国合格评定国家认可委员会", roles=["accreditation-body"],
                   economy_code="CN", signatories=["IAF MLA", "ILAC MRA"]),
            BodyIn(id="ianz", name_en="International Accreditation New Zealand",
                   roles=["accreditation-body"], economy_code="NZ"),
            BodyIn(id="cqc", name_en="China Quality Certification Centre",
                   name_zh="中国质量认证中心", roles=["certification-body", "testing-lab"],
                   economy_code="CN"),
            BodyIn(id="lapsed-cb", name_en="Lapsed Certification Ltd",
                   roles=["certification-body"], economy_code="CN"),
            BodyIn(id="paused-cb", name_en="Paused Certification Ltd",
                   roles=["certification-body"], economy_code="NZ"),
            BodyIn(id="cqc-lab", name_en="CQC Testing Laboratory", roles=["testing-lab"],
                   economy_code="CN"),
        ]:
            registry.add_body(s, body, a)
        for scheme in [
            SchemeIn(code="CCC", name_en="China Compulsory Certification",
                     name_zh="中国强制性产品认证",
                     home_markets=["CN"], validity_years=5,
                     status_words={"valid": "有效", "suspended": "暂停", "withdrawn": "撤销",
                                   "cancelled": "注销", "expired": "过期"}),
            SchemeIn(code="IECEx", name_en="IECEx Scheme", validity_years=None,
                     status_words={"valid": "Current", "suspended": "Suspended",
                                   "withdrawn": "Cancelled", "cancelled": "Cancelled"}),
            SchemeIn(code="IECEE-CB", name_en="IECEE CB Scheme", validity_years=None),
        ]:
            registry.add_scheme(s, scheme, a)
        for ref in STANDARDS:
            designation, edition = ref.split(":")
            registry.add_standard(s, StandardIn(ref=ref, designation=designation,
                                                edition=edition, publisher="IEC"), a)
        registry.add_standard(s, StandardIn(
            ref="GB 4706.1-2005", designation="GB 4706.1", edition="2005", publisher="SAC",
            adopts_ref="IEC 60335-1:2001", national_differences=["plug and socket (GB 1002)"],
        ), a)
        registry.add_category(s, CategoryIn(code="HOUS", system="IECEE",
                                            name_en="Household appliances",
                                            hs_codes=["8516"]), a)
        registry.add_category(s, CategoryIn(code="EX", system="IECEx",
                                            name_en="Explosion-protected equipment"), a)
        grants = [
            ("CNAS-C001", "cnas", "cqc", ["CCC", "IECEE-CB"], ["HOUS"],
             ["IEC 60335-1", "IEC 60335-2-*", "GB 4706.1-2005", "IEC 62368-1:2018"],
             dt.date(2015, 1, 1), dt.date(2035, 1, 1), "active"),
            ("CNAS-C002", "cnas", "lapsed-cb", ["CCC"], [], [], dt.date(2010, 1, 1),
             dt.date(2020, 1, 1), "active"),
            ("IANZ-C003", "ianz", "paused-cb", ["IECEE-CB"], [], [], dt.date(2015, 1, 1),
             dt.date(2035, 1, 1), "suspended"),
        ]
        for number, ab, body, schemes, cats, stds, start, end, status in grants:
            registry.accredit(s, AccreditationIn(
                number=number, accreditor_id=ab, body_id=body, standard="ISO/IEC 17065",
                scope={"schemes": schemes, "categories": cats, "standards": stds},
                valid_from=start, valid_until=end, status=status,
                backdate_reason="test registry: an accreditation on record"), a)


def request(number: str = "2024010701000001", **overrides: Any) -> IssueRequest:
    return IssueRequest.model_validate(request_data(number, **overrides))


def request_data(number: str = "2024010701000001", **overrides: Any) -> dict[str, Any]:
    """An issue request as JSON-ready data (not validated, so it can be made wrong)."""
    data: dict[str, Any] = {
        "number": number, "scheme": "CCC", "issuer": "cqc",
        "holder": {"name": "Ningbo Example Appliance Co., Ltd.", "name_zh": "宁波示例电器有限公司",
                   "economy": "CN"},
        "products": [{"name": "Electric kettle", "name_zh": "电水壶", "models": ["EK-17", "EK-18"],
                      "trademark": "Example", "ratings": "220 V~ 50 Hz 1800 W",
                      "hs_code": "8516.79"}],
        "factories": [{"name": "Ningbo Example Factory", "economy": "CN"}],
        "standards": ["GB 4706.1-2005"], "category": "HOUS",
        "test_reports": [{"number": "TR-1", "lab_id": "cqc-lab"}],
        "issued_on": "2024-03-01",
    }
    data.update(overrides)
    return data


def second_ccc_body(session, body_id: str = "other-cb",  # type: ignore[no-untyped-def]
                    name: str = "Other Certification"):
    """Another certification body, accredited for CCC from today (certificate numbers are
    unique per issuer: tests give it numbers cqc holds too); its certification-body actor."""
    from certpass.accounts.actor import Actor

    today = dt.date.today()
    registry.add_body(session, BodyIn(id=body_id, name_en=name, economy_code="CN",
                                      roles=["certification-body"]), OPERATOR)
    registry.accredit(session, AccreditationIn(
        number=f"CNAS-{body_id.upper()}", accreditor_id="cnas", body_id=body_id,
        standard="ISO/IEC 17065", scope={"schemes": ["CCC"]}, valid_from=today,
        valid_until=today + dt.timedelta(days=3650)), OPERATOR)
    return Actor(name=f"{body_id}-user", role="certification-body", body_id=body_id)
