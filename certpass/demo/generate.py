"""Deterministic generator of the demo certificates, as a time-ordered list of operations.

Each operation is what the certificate service takes: ``{"op": "issue", "request": IssueRequest}``,
``{"op": "amend", "number", "request": AmendRequest}`` or ``{"op": "suspend" | "restore" |
"withdraw" | "cancel", "number", "request": TransitionRequest}``. Every certificate lies within an
active accreditation of its issuer on its issue date (checked here with the same rule the
service applies), so loading never trips the scope check. All holders, manufacturers, factories,
trademarks and numbers are fictional; the demo data is illustrative.

Run ``python -m certpass.demo.generate`` to print the operations as JSON.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from certpass.certificates.lifecycle import AccreditedScope, check_scope, default_valid_until
from certpass.errors import CertpassError

DATA = Path(__file__).parent / "data"
SEED = 2023_0801
# Nothing is dated after this day: the service refuses future dates, and a fixed cap keeps the
# output the same whatever day it runs.
LAST_DAY = dt.date(2026, 11, 15)
FIRST_DAY = dt.date(2018, 1, 8)
CCC_EX_START = dt.date(2020, 10, 1)  # CNCA-C23-01: CCC for Ex products mandatory from this day
GBA_START = dt.date(2024, 1, 15)

Op = dict[str, Any]


def read_items(name: str) -> list[dict[str, Any]]:
    """The ``items`` of a demo data file."""
    return json.loads((DATA / name).read_text(encoding="utf-8"))["items"]


def accredited_scopes() -> dict[str, list[AccreditedScope]]:
    """Certification-body (ISO/IEC 17065) accreditations by body, as the service reads them."""
    out: dict[str, list[AccreditedScope]] = {}
    for a in read_items("accreditations.json"):
        if a["standard"] != "ISO/IEC 17065":
            continue
        out.setdefault(a["body_id"], []).append(
            AccreditedScope.from_scope(
                a["number"], a["status"], dt.date.fromisoformat(a["valid_from"]),
                dt.date.fromisoformat(a["valid_until"]), a["scope"], a["accreditor_id"],
            )
        )
    return out


def within_scope(scopes: dict[str, list[AccreditedScope]], issuer: str, scheme: str,
                 category: str, standards: Iterable[str], on: dt.date) -> bool:
    try:
        check_scope(issuer, scopes.get(issuer, []), scheme, category, standards, on)
    except CertpassError:
        return False
    return True


# --- standards: which edition applies on a day -------------------------------------------

@dataclass(frozen=True)
class Edition:
    ref: str
    published: dt.date


def _ed(ref: str, published: str) -> Edition:
    return Edition(ref, dt.date.fromisoformat(published))


# Editions per designation, oldest first, with the day from which certificates may cite them.
EDITIONS: dict[str, list[Edition]] = {
    "IEC 60335-1": [_ed("IEC 60335-1:2001", "2001-05-01"), _ed("IEC 60335-1:2010", "2010-05-13"),
                    _ed("IEC 60335-1:2020", "2020-09-22")],
    "IEC 60335-2-9": [_ed("IEC 60335-2-9:2008", "2008-08-01"),
                      _ed("IEC 60335-2-9:2019", "2019-12-10")],
    "IEC 60335-2-14": [_ed("IEC 60335-2-14:2016", "2016-04-06")],
    "IEC 60335-2-15": [_ed("IEC 60335-2-15:2005", "2005-01-01"),
                       _ed("IEC 60335-2-15:2016", "2016-04-06")],
    "IEC 60335-2-21": [_ed("IEC 60335-2-21:2010", "2010-01-01")],
    "IEC 60335-2-24": [_ed("IEC 60335-2-24:2010", "2010-02-01"),
                       _ed("IEC 60335-2-24:2020", "2020-06-15")],
    "IEC 60335-2-40": [_ed("IEC 60335-2-40:2002", "2002-01-01"),
                       _ed("IEC 60335-2-40:2018", "2018-01-24"),
                       _ed("IEC 60335-2-40:2022", "2022-06-28")],
    "IEC 60335-2-80": [_ed("IEC 60335-2-80:2015", "2015-01-01")],
    "IEC 62368-1": [_ed("IEC 60950-1:2005", "2005-12-01"), _ed("IEC 62368-1:2014", "2014-02-26"),
                    _ed("IEC 62368-1:2018", "2018-10-11"), _ed("IEC 62368-1:2023", "2023-05-22")],
    "IEC 62841-1": [_ed("IEC 62841-1:2014", "2014-12-01")],
    "IEC 60598-1": [_ed("IEC 60598-1:2020", "2020-05-01")],
    "IEC 60079-0": [_ed("IEC 60079-0:2011", "2011-06-29"), _ed("IEC 60079-0:2017", "2017-12-14")],
    "IEC 60079-1": [_ed("IEC 60079-1:2014", "2014-06-26")],
    "IEC 60079-7": [_ed("IEC 60079-7:2015", "2015-06-01")],
    "IEC 60079-11": [_ed("IEC 60079-11:2011", "2011-06-01"),
                     _ed("IEC 60079-11:2023", "2023-01-24")],
    # GB: the edition in force (a new GB replaces the old one on its implementation day).
    "GB 4943.1": [_ed("GB 4943.1-2011", "2012-12-01"), _ed("GB 4943.1-2022", "2023-08-01")],
    "GB 3836.1": [_ed("GB 3836.1-2010", "2011-08-01"), _ed("GB/T 3836.1-2021", "2022-05-01")],
    "GB 3836.2": [_ed("GB 3836.2-2010", "2011-08-01"), _ed("GB/T 3836.2-2021", "2022-05-01")],
    "GB 3836.3": [_ed("GB/T 3836.3-2021", "2022-05-01")],
    "GB 3836.4": [_ed("GB/T 3836.4-2021", "2022-05-01")],
    "AS/NZS 60335.1": [_ed("AS/NZS 60335.1:2011", "2011-06-01"),
                       _ed("AS/NZS 60335.1:2020", "2020-12-18")],
    "AS/NZS 62368.1": [_ed("AS/NZS 62368.1:2022", "2022-06-01")],
    "EN 60079-0": [_ed("EN IEC 60079-0:2018", "2018-07-01")],
    "EN 60079-1": [_ed("EN 60079-1:2014", "2014-09-01")],
}
# GB part 2 of 4706 for each IEC 60335 part 2 (one edition each in the demo registry).
GB_PART2 = {"9": "GB 4706.14-2008", "14": "GB 4706.30-2008", "15": "GB 4706.19-2008",
            "21": "GB 4706.12-2006", "24": "GB 4706.13-2014", "40": "GB 4706.32-2012",
            "80": "GB 4706.27-2008"}
ASNZS_PART2 = {"15": "AS/NZS 60335.2.15:2019", "24": "AS/NZS 60335.2.24:2020"}


def editions_on(designation: str, on: dt.date) -> list[str]:
    """Editions that can be cited on a day, newest first."""
    return [e.ref for e in reversed(EDITIONS[designation]) if e.published <= on]


# --- product families ----------------------------------------------------------------------

@dataclass(frozen=True)
class Family:
    key: str
    name: str
    name_zh: str
    hs: str
    sector: str  # appliance, ict, ex, machinery
    iecee: str = ""
    ccc: str = ""
    nz: str = ""
    part2: str = ""  # IEC 60335-2-x
    ratings: tuple[str, ...] = ()
    prefix: str = "X"
    ex_parts: tuple[str, ...] = ()  # IEC 60079 parts for Ex equipment
    ex_marking: str = ""


FAMILIES = [
    Family("kettle", "Electric kettle", "电水壶", "8516.79", "appliance", "HOUS", "CCC-0711",
           "NZ-DA", "15", ("220-240V~ 50/60Hz 1850-2200W", "220V~ 50Hz 1500W", "230V~ 50Hz 2200W"),
           "KE"),
    Family("airfryer", "Air fryer", "空气炸锅", "8516.60", "appliance", "HOUS", "CCC-0710", "", "9",
           ("220-240V~ 50/60Hz 1400W", "220V~ 50Hz 1700W"), "AF"),
    Family("waterheater", "Storage water heater", "储水式电热水器", "8516.10", "appliance", "HOUS",
           "CCC-0706", "", "21", ("220V~ 50Hz 2000W 60L 0.8MPa", "220V~ 50Hz 3000W 80L 0.8MPa"),
           "WH"),
    Family("blender", "Blender", "搅拌机", "8509.40", "appliance", "HOUS", "CCC-0712", "", "14",
           ("220-240V~ 50/60Hz 800W", "220V~ 50Hz 1200W"), "BL"),
    Family("aircon", "Split air conditioner", "分体式空调器", "8415.10", "appliance", "HOUS",
           "CCC-0703", "", "40", ("220V~ 50Hz 3500W cooling R32", "220V~ 50Hz 2600W cooling R32"),
           "AC"),
    Family("fridge", "Household refrigerator", "家用电冰箱", "8418.21", "appliance", "HOUS",
           "CCC-0701", "NZ-DA", "24", ("220V~ 50Hz 1.2A R600a 60g", "220-240V~ 50Hz 0.9A R600a"),
           "BCD"),
    Family("fan", "Electric fan", "电风扇", "8414.51", "appliance", "HOUS", "CCC-0702", "", "80",
           ("220V~ 50Hz 45W", "220V~ 50Hz 60W"), "FS"),
    Family("laptop", "Notebook computer", "便携式计算机", "8471.30", "ict", "OFF", "CCC-0901",
           "NZ-MR", "", ("19.5V⎓3.33A", "20V⎓3.25A"), "NB"),
    Family("monitor", "LCD monitor", "液晶显示器", "8528.52", "ict", "TRON", "CCC-0911", "", "",
           ("100-240V~ 50/60Hz 1.5A", "19V⎓2.1A"), "M"),
    Family("adapter", "Power adapter", "电源适配器", "8504.40", "ict", "OFF", "CCC-0907", "NZ-DA",
           "", ("Input 100-240V~ 50/60Hz 1.5A; Output 20V⎓3.25A", "Input 100-240V~; Output 5V⎓3A"),
           "PA"),
    Family("drill", "Cordless drill", "充电式电钻", "8467.21", "tool", "TOOL", "", "", "",
           ("18V⎓ 0-1500/min", "20V⎓ 0-1800/min"), "DR"),
    Family("luminaire", "LED luminaire", "LED灯具", "9405", "light", "LITE", "", "", "",
           ("220-240V~ 50Hz 36W", "100-277V~ 50/60Hz 150W"), "LD"),
    Family("exmotor", "Flameproof three-phase induction motor", "隔爆型三相异步电动机", "8501.52",
           "ex", "EX", "CCC-2301", "", "", ("380V 50Hz 15kW", "660V 50Hz 55kW", "380V 50Hz 7.5kW"),
           "YBX3", ("0", "1"), "Ex db IIB T4 Gb"),
    Family("exbox", "Flameproof control box", "隔爆型控制箱", "8537.10", "ex", "EX", "CCC-2304", "",
           "", ("AC 380V 63A", "AC 660V 100A"), "BXK", ("0", "1", "7"), "Ex db eb IIC T6 Gb"),
    Family("exlight", "Explosion-proof LED luminaire", "防爆LED灯", "9405", "ex", "EX", "CCC-2313",
           "", "", ("AC 220V 50Hz 60W", "AC 220V 50Hz 100W"), "BAD", ("0", "1"),
           "Ex db IIC T6 Gb"),
    Family("gasdet", "Intrinsically safe gas detector", "本安型气体检测仪", "9027.10", "ex", "EX",
           "CCC-2310", "", "", ("DC 24V 4-20mA", "DC 3.7V battery"), "GD", ("0", "11"),
           "Ex ia IIC T4 Ga"),
    # Consumer goods on the (illustrative) GBA certification list; CCC-catalogue products
    # still need CCC, so GBA certificates here cover tableware, linen and furniture.
    Family("tableware", "Porcelain tableware set", "日用陶瓷餐具", "6911.10", "consumer",
           ratings=("16-piece set", "24-piece set"), prefix="CZ"),
    Family("linen", "Cotton bed linen set", "纯棉床上用品套件", "6302", "consumer",
           ratings=("1.8 m bed, 4 pieces", "1.5 m bed, 4 pieces"), prefix="JF"),
    Family("furniture", "Solid-wood wardrobe", "实木衣柜", "9403.60", "consumer",
           ratings=("2000 x 600 x 2200 mm", "1600 x 600 x 2000 mm"), prefix="YG"),
    Family("hoist", "Electric wire-rope hoist", "钢丝绳电动葫芦", "8428", "machinery",
           ratings=("380V 50Hz 5t", "380V 50Hz 10t"), prefix="CD1"),
    Family("sprayer", "Boom sprayer", "喷杆喷雾机", "8424", "machinery",
           ratings=("PTO 540 r/min 12 m boom", "PTO 540 r/min 18 m boom"), prefix="3WP"),
    Family("packer", "Automatic packaging machine", "全自动包装机", "8479", "machinery",
           ratings=("380V 50Hz 5.5kW", "220V 50Hz 2.2kW"), prefix="DXD"),
]
FAM = {f.key: f for f in FAMILIES}


def standards_for(f: Family, scheme: str, on: dt.date, pick: int = 0) -> list[str] | None:
    """Standards a ``scheme`` certificate of family ``f`` cites on a day (``pick``: 0 = newest
    edition, 1 = the one before, if any); None if the scheme does not cover the family."""

    def ed(designation: str) -> str | None:
        eds = editions_on(designation, on)
        return eds[min(pick, len(eds) - 1)] if eds else None

    if scheme in ("IECEE-CB", "GCC"):
        if f.sector == "appliance":
            return _all(ed("IEC 60335-1"), ed(f"IEC 60335-2-{f.part2}"))
        if f.sector == "ict":
            return _all(ed("IEC 62368-1"))
        if f.sector == "tool":
            return _all(ed("IEC 62841-1"))
        if f.sector == "light" and scheme == "IECEE-CB":
            return _all(ed("IEC 60598-1"))
        return None
    if scheme == "GBA":
        gba = {"tableware": "GB 4806.4-2016", "linen": "GB 18401-2010",
               "furniture": "GB/T 3324-2017"}
        return [gba[f.key]] if f.key in gba else None
    if scheme == "CCC":
        if f.sector == "appliance":
            return ["GB 4706.1-2005", GB_PART2[f.part2]]
        if f.sector == "ict":
            return _all(editions_on("GB 4943.1", on)[0] if editions_on("GB 4943.1", on) else None)
        return None
    if f.sector == "ex" and scheme == "IECEx":
        return _all(*(ed(f"IEC 60079-{p}") for p in f.ex_parts))
    if f.sector == "ex" and scheme == "CCC-Ex":
        gb = {"0": "GB 3836.1", "1": "GB 3836.2", "7": "GB 3836.3", "11": "GB 3836.4"}
        # A certificate cites the editions in force: the 2021 series only as a whole.
        new = on >= dt.date(2022, 5, 1)
        if not new and any(p in ("7", "11") for p in f.ex_parts):
            return None
        return [editions_on(gb[p], on)[0] for p in f.ex_parts]
    if f.sector == "ex" and scheme == "ATEX":
        if not set(f.ex_parts) <= {"0", "1"}:
            return None
        return _all(ed("EN 60079-0"), ed("EN 60079-1"))
    if scheme == "NZ-EEE":
        if f.sector == "appliance" and f.part2 in ASNZS_PART2:
            return _all(ed("AS/NZS 60335.1"), ASNZS_PART2[f.part2])
        if f.sector == "ict":
            return _all(ed("AS/NZS 62368.1"))
        return None
    if scheme == "EAC":
        if f.sector == "appliance":
            return ["GOST IEC 60335-1-2015"]
        if f.sector == "machinery":
            return ["GOST ISO 12100-2013", "GOST IEC 60204-1-2007"]
        return None
    return None


def _all(*refs: str | None) -> list[str] | None:
    present = [r for r in refs if r is not None]
    return present if len(present) == len(refs) else None


def category_for(f: Family, scheme: str) -> str:
    if scheme in ("IECEE-CB", "GCC", "IECEx", "ATEX"):
        return f.iecee
    if scheme in ("CCC", "CCC-Ex"):
        return f.ccc
    if scheme == "NZ-EEE":
        return f.nz
    return f.hs  # EAC and GBA scopes are written in HS codes


# --- fictional companies and factories -----------------------------------------------------

BRANDS = [
    ("Meixin", "美欣"), ("Huayu", "华宇"), ("Kairun", "凯润"), ("Jinlong", "金珑"),
    ("Lianchuang", "联创"), ("Haoyang", "浩阳"), ("Xinda", "鑫达"), ("Anrui", "安瑞"),
    ("Boyuan", "博远"), ("Tianchen", "天辰"), ("Hengtai", "恒泰"), ("Ruifeng", "瑞丰"),
    ("Zhongke", "中科"), ("Yongsheng", "永晟"), ("Dexin", "德信"), ("Guanghua", "光华"),
    ("Shengshi", "盛世"), ("Weilan", "蔚蓝"), ("Qianfeng", "前锋"), ("Hongyuan", "宏远"),
    ("Baiyi", "佰益"), ("Jiahe", "嘉禾"), ("Fuda", "富达"), ("Runtong", "润通"),
]
CN_CITIES = {
    "appliance": [("Foshan", "佛山", "Shunde District, Foshan, Guangdong"),
                  ("Ningbo", "宁波", "Cixi, Ningbo, Zhejiang"),
                  ("Zhongshan", "中山", "Xiaolan Town, Zhongshan, Guangdong"),
                  ("Hefei", "合肥", "Economic and Technological Development Area, Hefei, Anhui"),
                  ("Qingdao", "青岛", "Laoshan District, Qingdao, Shandong")],
    "ict": [("Shenzhen", "深圳", "Bao'an District, Shenzhen, Guangdong"),
            ("Suzhou", "苏州", "Suzhou Industrial Park, Jiangsu"),
            ("Dongguan", "东莞", "Chang'an Town, Dongguan, Guangdong")],
    "tool": [("Jinhua", "金华", "Yongkang, Jinhua, Zhejiang"),
             ("Nantong", "南通", "Qidong, Jiangsu")],
    "light": [("Zhongshan", "中山", "Guzhen Town, Zhongshan, Guangdong")],
    "ex": [("Nanyang", "南阳", "Wolong District, Nanyang, Henan"),
           ("Wenzhou", "温州", "Yueqing, Wenzhou, Zhejiang"),
           ("Changzhou", "常州", "Wujin District, Changzhou, Jiangsu"),
           ("Fushun", "抚顺", "Wanghua District, Fushun, Liaoning")],
    "consumer": [("Chaozhou", "潮州", "Fengxi District, Chaozhou, Guangdong"),
                 ("Foshan", "佛山", "Longjiang Town, Shunde, Foshan, Guangdong"),
                 ("Nantong", "南通", "Haimen, Nantong, Jiangsu")],
    "machinery": [("Luoyang", "洛阳", "Jianxi District, Luoyang, Henan"),
                  ("Changzhou", "常州", "Xinbei District, Changzhou, Jiangsu")],
}
FOREIGN_SITES = {
    "TH": ("Rayong", "Amata City Industrial Estate, Rayong, Thailand"),
    "VN": ("Bac Ninh", "VSIP Bac Ninh, Tu Son, Bac Ninh, Viet Nam"),
    "MY": ("Penang", "Bayan Lepas Free Industrial Zone, Penang, Malaysia"),
    "DE": ("Nuremberg", "Industriestrasse 12, Nuremberg, Germany"),
    "NZ": ("Christchurch", "Hornby Industrial Park, Christchurch, New Zealand"),
    "BY": ("Minsk", "China-Belarus Industrial Park Great Stone, Minsk Region, Belarus"),
    "US": ("Columbus", "Rickenbacker Parkway, Columbus, Ohio, USA"),
}
SUFFIX = {"appliance": ("Electrical Appliance Co., Ltd.", "电器有限公司"),
          "ict": ("Electronics Technology Co., Ltd.", "电子科技有限公司"),
          "tool": ("Power Tools Co., Ltd.", "电动工具有限公司"),
          "light": ("Lighting Co., Ltd.", "照明有限公司"),
          "ex": ("Explosion-proof Electric Co., Ltd.", "防爆电气有限公司"),
          "machinery": ("Machinery Co., Ltd.", "机械有限公司"),
          "consumer": ("Home Products Co., Ltd.", "家居用品有限公司")}


@dataclass
class Company:
    name: str
    name_zh: str
    economy: str
    address: str
    trademark: str
    sector: str
    factories: list[dict[str, str]] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)  # in other scripts, by language

    def party(self) -> dict[str, Any]:
        party: dict[str, Any] = {"name": self.name, "name_zh": self.name_zh,
                                 "economy": self.economy, "address": self.address}
        return {**party, "names": self.names} if self.names else party


# Foreign makers' names in their own scripts (the registered name is the English one).
OTHER_NAMES = {"Minsk Agro Machinery JSC": {"ru": "ОАО «Минская агромашина»"}}


def make_companies(rng: random.Random) -> list[Company]:
    out: list[Company] = []
    for sector, cities in CN_CITIES.items():
        for i, (brand, brand_zh) in enumerate(rng.sample(BRANDS, 12 if sector != "light" else 4)):
            city, city_zh, address = cities[i % len(cities)]
            en, zh = SUFFIX[sector]
            c = Company(f"{city} {brand} {en}", f"{city_zh}{brand_zh}{zh}", "CN",
                        address, brand.upper(), sector)
            c.factories.append({"name": c.name, "address": address, "economy": "CN"})
            # Some makers also assemble abroad (origin cases: TH/VN goods under CN brands).
            roll = rng.random()
            if sector in ("appliance", "ict") and roll < 0.3:
                eco = rng.choice(["TH", "VN", "MY"] if sector == "ict" else ["TH", "TH", "VN"])
                town, addr = FOREIGN_SITES[eco]
                c.factories.append({"name": f"{brand} Manufacturing ({town}) Co., Ltd.",
                                    "address": addr, "economy": eco})
            elif sector == "machinery" and roll < 0.4:
                town, addr = FOREIGN_SITES["BY"]
                c.factories.append({"name": f"{brand} Machinery Belarus LLC", "address": addr,
                                    "economy": "BY"})
            out.append(c)
    foreign = [
        ("Kiwi Home Appliances Ltd", "NZ", "appliance", "KIWIHOME"),
        ("Southern Cross Electronics Ltd", "NZ", "ict", "SOUTHERNX"),
        ("Rheinwerk Antriebstechnik GmbH", "DE", "ex", "RHEINWERK"),
        ("Nordstern Explosionsschutz GmbH", "DE", "ex", "NORDSTERN"),
        ("Siam Cool Appliance Co., Ltd.", "TH", "appliance", "SIAMCOOL"),
        ("Lakeview Tools Inc.", "US", "tool", "LAKEVIEW"),
        ("Minsk Agro Machinery JSC", "BY", "machinery", "MAGRO"),
    ]
    for name, eco, sector, tm in foreign:
        town, addr = FOREIGN_SITES[eco]
        c = Company(name, "", eco, addr, tm, sector, names=OTHER_NAMES.get(name, {}))
        c.factories.append({"name": name, "address": addr, "economy": eco})
        out.append(c)
    return out


# --- issuers, numbers and test reports per scheme -------------------------------------------

@dataclass(frozen=True)
class SchemePlan:
    scheme: str
    kind: str
    count: int
    issuers: tuple[tuple[str, int], ...]  # (body id, weight)
    families: tuple[str, ...]
    start: dt.date = FIRST_DAY


PLANS = [
    SchemePlan("CCC", "product-certificate", 400, (("cqc", 8), ("ccic", 2)),
               ("kettle", "airfryer", "waterheater", "blender", "aircon", "fridge", "fan", "laptop",
                "monitor", "adapter")),
    SchemePlan("IECEE-CB", "cb-test-certificate", 300,
               (("cqc", 5), ("tuv-sud", 2), ("ul", 2), ("sgs", 2), ("intertek", 2), ("lcie", 1)),
               ("kettle", "airfryer", "blender", "aircon", "fridge", "fan", "laptop", "monitor",
                "adapter", "drill", "luminaire")),
    SchemePlan("IECEx", "iecex-coc", 150,
               (("nepsi", 4), ("cciccnex", 4), ("ptb", 2), ("sgs", 1), ("ul", 1), ("intertek", 1),
                ("tuv-sud", 1)), ("exmotor", "exbox", "exlight", "gasdet")),
    SchemePlan("CCC-Ex", "product-certificate", 120, (("cciccnex", 1), ("nepsi", 1)),
               ("exmotor", "exbox", "exlight", "gasdet"), CCC_EX_START),
    SchemePlan("ATEX", "product-certificate", 70,
               (("ptb", 3), ("tuv-sud", 2), ("sgs", 1), ("ul", 1), ("lcie", 1)),
               ("exmotor", "exlight"), dt.date(2018, 9, 1)),
    SchemePlan("GBA", "product-certificate", 60,
               (("cqc", 3), ("ccic", 1), ("hkstc", 2), ("cpttm-mo", 1), ("hkqaa", 1)),
               ("tableware", "linen", "furniture"), GBA_START),
    SchemePlan("NZ-EEE", "product-certificate", 50, (("nz-eee-cab", 2), ("cqc", 1)),
               ("kettle", "fridge", "laptop", "adapter"), dt.date(2018, 3, 1)),
    SchemePlan("EAC", "product-certificate", 60, (("belgiss", 1),),
               ("kettle", "blender", "fridge", "aircon", "airfryer", "hoist", "sprayer", "packer")),
    SchemePlan("GCC", "product-certificate", 50,
               (("tuv-sud", 1), ("intertek", 1), ("sgs", 1), ("ul", 1)),
               ("kettle", "airfryer", "blender", "aircon", "fridge", "drill")),
]
CCC_BODY_CODE = {"cqc": "01", "ccic": "11", "cciccnex": "32", "nepsi": "31"}
CB_PREFIX = {"cqc": "CN-{n:05d}", "tuv-sud": "DE 3-{n:06d}", "ul": "US-{n:05d}-UL",
             "sgs": "FI-{n:05d}", "intertek": "SE-{n:06d}", "lcie": "FR-{n:06d}"}
IECEX_CODE = {"nepsi": ("CN", "NEP"), "cciccnex": ("CN", "CNEX"), "ptb": ("DE", "PTB"),
              "sgs": ("GB", "BAS"), "ul": ("DK", "ULD"), "intertek": ("GB", "ITS"),
              "tuv-sud": ("DE", "TPS")}
ATEX_CODE = {"ptb": "PTB", "tuv-sud": "TPS", "sgs": "SGS Fimko", "ul": "DEMKO", "lcie": "LCIE"}
SHORT = {"cqc": "CQC", "ccic": "CCIC", "hkstc": "STC", "cpttm-mo": "CPTTM", "hkqaa": "HKQAA",
         "nz-eee-cab": "NZC", "tuv-sud": "TUV", "intertek": "ITK", "sgs": "SGS", "ul": "UL",
         "cvc": "CVC", "belgiss": "BG"}
# Laboratories whose reports a certificate rests on (the issuer's own labs when it has them).
LABS = {
    ("CCC", "cqc"): ("cvc", "cvc", "cqc"), ("CCC", "ccic"): ("ccic",),
    ("IECEE-CB", "cqc"): ("cqc", "cvc", "cvc", "hkstc"),
    ("GBA", "cqc"): ("cqc",), ("GBA", "ccic"): ("ccic",), ("GBA", "hkstc"): ("hkstc",),
    ("GBA", "cpttm-mo"): ("cpttm-mo",), ("GBA", "hkqaa"): ("hkstc",),
    ("NZ-EEE", "cqc"): ("cvc",), ("NZ-EEE", "nz-eee-cab"): ("nz-eee-cab", "cvc"),
}


class Numbers:
    """Certificate numbers in each scheme's own format, never reused."""

    def __init__(self) -> None:
        self.counters: Counter[tuple[str, ...]] = Counter()
        self.used: set[str] = set()

    def next(self, *key: str) -> int:
        self.counters[key] += 1
        return self.counters[key]

    def certificate(self, scheme: str, issuer: str, f: Family, on: dt.date, suffix: str) -> str:
        number = self._format(scheme, issuer, f, on, suffix)
        while number in self.used:  # a hand-written example took it
            number = self._format(scheme, issuer, f, on, suffix)
        self.used.add(number)
        return number

    def _format(self, scheme: str, issuer: str, f: Family, on: dt.date, suffix: str) -> str:
        yy = on.strftime("%y")
        if scheme in ("CCC", "CCC-Ex"):
            code = f.ccc.removeprefix("CCC-")
            n = self.next(scheme, issuer, str(on.year), code)
            number = f"{on.year}{CCC_BODY_CODE[issuer]}{code}{n + 123000:06d}"
        elif scheme == "IECEE-CB":
            number = CB_PREFIX[issuer].format(n=self.next(scheme, issuer) + 1200)
        elif scheme == "IECEx":
            n = self.next(scheme, issuer, yy)
            number = f"IECEx {IECEX_CODE[issuer][1]} {yy}.{n:04d}{suffix}"
        elif scheme == "ATEX":
            n = self.next(scheme, issuer, yy)
            number = f"{ATEX_CODE[issuer]} {yy} ATEX {n + 1000:04d}{suffix}"
        elif scheme == "GBA":
            n = self.next(scheme, issuer, str(on.year))
            number = f"GBA-{on.year}-{SHORT[issuer]}-{n:06d}"
        elif scheme == "NZ-EEE":
            number = f"NZEEE-{yy}-{SHORT[issuer]}-{self.next(scheme, issuer, yy):05d}"
        elif scheme == "EAC":
            tr = "TR010" if f.sector == "machinery" else "TR004"
            n = self.next(scheme, issuer)
            number = f"EAEU BY/112 02.01. {tr} {n // 50 + 1:03d}.01 {n:05d}"
        else:  # GCC
            number = f"GCC-{SHORT[issuer]}-{on.year}-{self.next(scheme, issuer):05d}"
        return number

    def report(self, lab: str, scheme: str, on: dt.date) -> str:
        n = self.next("report", lab, str(on.year))
        if scheme in ("IECEx", "IECEx-QAR"):
            eco, code = IECEX_CODE[lab]
            kind = "QAR" if scheme == "IECEx-QAR" else "ExTR"
            return f"{eco}/{code}/{kind}{on:%y}.{n:04d}/00"
        return f"{SHORT.get(lab, lab.upper())}{on:%y%m}-{n:05d}"


REPORT_FORM = {"CCC": "CCC type test report", "CCC-Ex": "CCC-Ex type test report",
               "IECEE-CB": "IECEE harmonised TRF", "IECEx": "IECEx ExTR",
               "ATEX": "ATEX assessment and test report", "GBA": "GBA type test report",
               "NZ-EEE": "AS/NZS test report", "EAC": "EAEU test protocol",
               "GCC": "IECEE harmonised TRF with GCC deviations"}


# --- the generator ---------------------------------------------------------------------------

@dataclass
class _Cert:
    request: dict[str, Any]
    family: Family
    issued_on: dt.date
    valid_until: dt.date | None
    suffix: str = ""


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def _models(rng: random.Random, f: Family) -> list[str]:
    base = rng.randrange(100, 990)
    letters = "ABCDEFGHKLMNPRSTW"
    first = f"{f.prefix}-{base}{rng.choice(letters)}"
    count = rng.choice([1, 1, 2, 3, 4])
    extra = [f"{f.prefix}-{base + 10 * i}{rng.choice(letters)}" for i in range(1, count)]
    return [first, *extra]


def _route(rng: random.Random, scheme: str) -> str:
    if scheme not in ("IECEE-CB", "CCC"):
        return "third-party"
    r = rng.random()
    if r < 0.08:
        return "TMP"
    if r < 0.14:
        return "WMT"
    if r < 0.17 and scheme == "IECEE-CB":
        return "SMT"
    return "third-party"


def _pick_company(rng: random.Random, companies: list[Company], f: Family, scheme: str,
                  issuer: str) -> tuple[Company, list[dict[str, str]]]:
    sector = {"tool": "tool", "light": "light"}.get(f.sector, f.sector)
    pool = [c for c in companies if c.sector == sector]
    if scheme == "NZ-EEE" and issuer == "nz-eee-cab":
        pool = [c for c in pool if c.economy in ("CN", "NZ")] or pool
    elif scheme in ("CCC", "CCC-Ex", "GBA", "EAC") or issuer in ("cqc", "nepsi", "cciccnex"):
        pool = [c for c in pool if c.economy in ("CN", "BY")] or pool
    company = rng.choice(pool)
    factories = list(company.factories)
    if len(factories) > 1 and rng.random() < 0.5:
        factories = [rng.choice(factories)]
    return company, factories


def generate(seed: int = SEED) -> list[Op]:
    """The generated operations plus the hand-written worked examples, in time order."""
    rng = random.Random(seed)
    scopes = accredited_scopes()
    companies = make_companies(rng)
    numbers = Numbers()
    timed: list[tuple[dt.date, int, Op]] = []
    seq = 0

    def add(on: dt.date, op: Op) -> None:
        nonlocal seq
        seq += 1
        timed.append((on, seq, op))

    for req in handwritten(numbers):
        add(dt.date.fromisoformat(req["issued_on"]), {"op": "issue", "request": req})

    certs: list[_Cert] = []
    for plan in PLANS:
        made = attempts = 0
        while made < plan.count and attempts < plan.count * 40:
            attempts += 1
            cert = _one(rng, plan, scopes, companies)
            if cert is not None:
                made += 1
                certs.append(cert)
    # Numbers are given in issue-date order, as a scheme's registry would have them.
    certs.sort(key=lambda c: c.issued_on)
    for cert in certs:
        req = cert.request
        req["number"] = numbers.certificate(req["scheme"], req["issuer"], cert.family,
                                            cert.issued_on, cert.suffix)
        for report in req["test_reports"]:
            report["number"] = numbers.report(report["lab_id"], report.pop("series"),
                                              cert.issued_on - dt.timedelta(days=30))
        add(cert.issued_on, {"op": "issue", "request": req})
        for on, op in _history(rng, cert, scopes):
            add(on, op)
    timed.sort(key=lambda t: (t[0], t[1]))
    return [op for _, _, op in timed]


def _weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _one(rng: random.Random, plan: SchemePlan, scopes: dict[str, list[AccreditedScope]],
         companies: list[Company]) -> _Cert | None:
    """One certificate within its issuer's scope (numbered later), or None to try again."""
    scheme = plan.scheme
    issuer = _weighted(rng, plan.issuers)
    f = FAM[rng.choice(plan.families)]
    on = _day(rng, plan.start, LAST_DAY)
    # Mostly the newest edition; some certificates keep the previous one.
    standards = standards_for(f, scheme, on, pick=1 if rng.random() < 0.2 else 0)
    category = category_for(f, scheme)
    if not standards or not within_scope(scopes, issuer, scheme, category, standards, on):
        return None
    company, factories = _pick_company(rng, companies, f, scheme, issuer)
    suffix = ""
    if scheme in ("IECEx", "ATEX"):
        r = rng.random()
        suffix = "U" if (r < 0.1 and f.key == "exbox" and scheme == "IECEx") else (
            "X" if r < 0.4 else "")
    models = _models(rng, f)
    name = f.name + (" (Ex component enclosure)" if suffix == "U" else "")
    ratings = rng.choice(f.ratings) + (f"; {f.ex_marking}" if f.ex_marking else "")
    product = {"name": name, "name_zh": f.name_zh, "models": models,
               "trademark": company.trademark, "ratings": ratings, "hs_code": f.hs}
    lab = rng.choice(LABS.get((scheme, issuer), (issuer,)))
    # "series" tells the numbering which report format to use; it is removed then.
    test_reports = [{"number": "", "lab_id": lab, "form": REPORT_FORM[scheme], "series": scheme}]
    if scheme == "IECEx":
        test_reports = [
            {"number": "", "lab_id": issuer, "form": "IECEx ExTR", "series": "IECEx"},
            {"number": "", "lab_id": issuer, "form": "IECEx QAR", "series": "IECEx-QAR"},
        ]
    conditions = ""
    if suffix == "X":
        conditions = ("Specific conditions of use: flameproof joints are not intended to be "
                      "repaired; use only fasteners of property class A4-70 or better.")
    elif suffix == "U":
        conditions = "Component certificate: not for installation without further certification."
    holder = company.party()
    if scheme == "NZ-EEE" and company.economy != "NZ" and rng.random() < 0.5:
        holder = {"name": "Aotearoa Imports Ltd", "name_zh": "", "economy": "NZ",
                  "address": "Penrose, Auckland, New Zealand"}
    request: dict[str, Any] = {
        "number": "", "scheme": scheme, "issuer": issuer, "kind": plan.kind,
        "holder": holder, "manufacturer": company.party(), "products": [product],
        "factories": factories, "standards": standards, "category": category,
        "test_reports": test_reports, "testing_route": _route(rng, scheme),
        "conditions": conditions, "issued_on": on.isoformat(),
    }
    validity = SCHEME_VALIDITY.get(scheme)
    return _Cert(request, f, on, default_valid_until(on, validity), suffix)


# Validity years as in schemes.json (kept here so the generator needs no database).
SCHEME_VALIDITY = {s["code"]: s["validity_years"] for s in read_items("schemes.json")}

AMEND_REASONS = [
    ("models", "addition of models", "增加型号"),
    ("trademark", "change of trademark", "商标变更"),
    ("holder", "change of the holder's name", "持证人名称变更"),
    ("standards", "update to the current standard edition", "标准换版"),
]
SUSPEND_REASONS = ["follow-up inspection not carried out on time", "holder request during "
                   "factory relocation", "market surveillance found non-conforming samples",
                   "annual fee not paid"]
WITHDRAW_REASONS = ["serious non-conformity found in follow-up inspection",
                    "certificate used outside its scope", "suspension not resolved in time"]
CANCEL_REASONS = ["holder request: product discontinued", "manufacturer ceased trading",
                  "replaced by a new certificate"]


def _history(rng: random.Random, cert: _Cert,
             scopes: dict[str, list[AccreditedScope]]) -> list[tuple[dt.date, Op]]:
    """Amendments and transitions after issue, each legal on its date."""
    req = cert.request
    number = req["number"]
    end = min(LAST_DAY, cert.valid_until - dt.timedelta(days=1)) if cert.valid_until else LAST_DAY
    day = cert.issued_on
    out: list[tuple[dt.date, Op]] = []
    standards = list(req["standards"])
    product = dict(req["products"][0])
    # Amendments: issue 1..3 for about one certificate in five.
    for _ in range(rng.choice([0, 0, 0, 0, 1, 1, 2])):
        if (end - day).days < 120:
            break
        day = _day(rng, day + dt.timedelta(days=60), min(end, day + dt.timedelta(days=900)))
        what, reason, reason_zh = rng.choice(AMEND_REASONS)
        amend: dict[str, Any] = {"issued_on": day.isoformat(), "reason": f"{reason} ({reason_zh})"}
        if what == "standards":
            newer = standards_for(cert.family, req["scheme"], day)
            if not newer or newer == standards:
                what = "models"
            else:
                amend["standards"] = standards = newer
        if what == "models":
            product["models"] = [*product["models"], f"{product['models'][0]}-{rng.choice('PQRS')}"]
            amend["products"] = [dict(product)]
        elif what == "trademark":
            product["trademark"] = product["trademark"] + " PRO"
            amend["products"] = [dict(product)]
        elif what == "holder":
            holder = dict(req["holder"])
            holder["name"] = holder["name"].replace("Co., Ltd.", "Group Co., Ltd.")
            if holder["name"] == req["holder"]["name"]:
                holder["name"] += " (renamed)"
            holder["name_zh"] = holder["name_zh"].replace("有限公司", "集团有限公司")
            holder.pop("names", None)  # the new name is not yet registered in other scripts
            amend["holder"] = holder
        if not within_scope(scopes, req["issuer"], req["scheme"], req["category"], standards, day):
            break
        out.append((day, {"op": "amend", "number": number, "request": amend}))
    # Status changes.
    r = rng.random()
    if (end - day).days < 90 or r > 0.30:
        return out
    day = _day(rng, day + dt.timedelta(days=30), end - dt.timedelta(days=30))
    if r < 0.12:
        out.append(_transition("suspend", number, day, rng.choice(SUSPEND_REASONS)))
        later = _day(rng, day + dt.timedelta(days=14), min(end, day + dt.timedelta(days=180)))
        if later > end:
            return out
        if rng.random() < 0.6:
            out.append(_transition("restore", number, later, "corrective actions verified"))
        elif rng.random() < 0.7:
            out.append(_transition("withdraw", number, later, rng.choice(WITHDRAW_REASONS)))
        # else: still suspended today
    elif r < 0.18:
        out.append(_transition("withdraw", number, day, rng.choice(WITHDRAW_REASONS)))
    else:
        out.append(_transition("cancel", number, day, rng.choice(CANCEL_REASONS)))
    return out


def _transition(action: str, number: str, on: dt.date, reason: str) -> tuple[dt.date, Op]:
    return on, {"op": action, "number": number,
                "request": {"reason": reason, "effective_on": on.isoformat()}}


# --- hand-written certificates for the recognition worked examples (domain.md) ---------------

def handwritten(numbers: Numbers) -> list[dict[str, Any]]:
    """Certificates that exercise the worked examples; numbers are reserved in ``numbers``."""
    # GTINs (GS1 check digits valid; illustrative numbers under GS1 China's 69 prefix): the
    # kettle's resolves (/01/06951234001704) to its CB and CCC certificates alike.
    # The kettle is also sold in the EAEU and the Gulf, so its maker registered its name in
    # Russian and Arabic (labels and manuals there must carry them).
    kettle_maker = {"name": "Foshan Meixin Electrical Appliance Co., Ltd.",
                    "name_zh": "佛山美欣电器有限公司", "economy": "CN",
                    "address": "Shunde District, Foshan, Guangdong",
                    "names": {"ru": "Фошань Мэйсинь Электрикал Эпплаенс Ко., Лтд.",
                              "ar": "شركة فوشان مييشين للأجهزة الكهربائية المحدودة"}}
    kettle = {"name": "Electric kettle", "name_zh": "电水壶", "models": ["KE-1701", "KE-1702"],
              "trademark": "MEIXIN", "ratings": "220-240V~ 50/60Hz 1850-2200W",
              "hs_code": "8516.79", "gtin": "6951234001704",
              "names": {"ru": "Электрический чайник", "ar": "غلاية كهربائية"}}
    factory_cn = {"name": "Foshan Meixin Electrical Appliance Co., Ltd.",
                  "address": "Shunde District, Foshan, Guangdong", "economy": "CN"}
    factory_th = {"name": "Meixin Manufacturing (Rayong) Co., Ltd.",
                  "address": "Amata City Industrial Estate, Rayong, Thailand", "economy": "TH"}
    tableware_maker = {"name": "Chaozhou Jiahe Home Products Co., Ltd.",
                       "name_zh": "潮州嘉禾家居用品有限公司", "economy": "CN",
                       "address": "Fengxi District, Chaozhou, Guangdong"}
    motor_maker = {"name": "Nanyang Hengtai Explosion-proof Electric Co., Ltd.",
                   "name_zh": "南阳恒泰防爆电气有限公司", "economy": "CN",
                   "address": "Wolong District, Nanyang, Henan"}

    def req(number: str, scheme: str, issuer: str, kind: str, **kw: Any) -> dict[str, Any]:
        numbers.used.add(number)
        base = {"number": number, "scheme": scheme, "issuer": issuer, "kind": kind,
                "holder": kettle_maker, "manufacturer": kettle_maker, "products": [kettle],
                "factories": [factory_cn], "testing_route": "third-party", "conditions": ""}
        return {**base, **kw}

    return [
        # Example 1: CB test certificate from a listed NCB (CQC) and CBTL, third-party route:
        # counts towards CCC "with conditions" (sample, GB differences, factory inspection).
        req("CN-00101", "IECEE-CB", "cqc", "cb-test-certificate",
            standards=["IEC 60335-1:2010", "IEC 60335-2-15:2016"], category="HOUS",
            test_reports=[{"number": "CQC2503-00101", "lab_id": "cqc",
                           "form": "IECEE harmonised TRF"}],
            issued_on="2025-03-12"),
        # Example 1b: the same product tested under SMT: SMT results are not accepted for CCC.
        req("CN-00102", "IECEE-CB", "cqc", "cb-test-certificate",
            standards=["IEC 60335-1:2010", "IEC 60335-2-15:2016"], category="HOUS",
            test_reports=[{"number": "CQC2503-00102", "lab_id": "cqc",
                           "form": "IECEE harmonised TRF"}],
            testing_route="SMT", issued_on="2025-03-14"),
        # Example 1c: old edition and stale: IEC 62368-1:2014 is older than the 2018 edition
        # GB 4943.1-2022 adopts, and the certificate is more than 3 years old.
        req("DE 3-000501", "IECEE-CB", "tuv-sud", "cb-test-certificate",
            holder={"name": "Shenzhen Boyuan Electronics Technology Co., Ltd.",
                    "name_zh": "深圳博远电子科技有限公司", "economy": "CN",
                    "address": "Bao'an District, Shenzhen, Guangdong"},
            manufacturer=None,
            products=[{"name": "Power adapter", "name_zh": "电源适配器", "models": ["PA-650"],
                       "trademark": "BOYUAN", "ratings": "Input 100-240V~; Output 20V⎓3.25A",
                       "hs_code": "8504.40", "gtin": "6958765006505"}],
            factories=[{"name": "Shenzhen Boyuan Electronics Technology Co., Ltd.",
                        "address": "Bao'an District, Shenzhen, Guangdong", "economy": "CN"}],
            standards=["IEC 62368-1:2014"], category="OFF",
            test_reports=[{"number": "TUV1905-00501", "lab_id": "tuv-sud",
                           "form": "IECEE harmonised TRF"}],
            issued_on="2019-05-20"),
        # Example 2: IECEx CoC (X suffix) from NEPSI, presented for CCC-Ex: needs its own
        # factory inspection; the X conditions become a marking condition.
        req("IECEx NEP 24.0031X", "IECEx", "nepsi", "iecex-coc",
            holder=motor_maker, manufacturer=motor_maker,
            products=[{"name": "Flameproof three-phase induction motor",
                       "name_zh": "隔爆型三相异步电动机", "models": ["YBX3-160M-4"],
                       "trademark": "HENGTAI", "ratings": "380V 50Hz 11kW; Ex db IIB T4 Gb",
                       "hs_code": "8501.52", "gtin": "6943210000160"}],
            factories=[{"name": motor_maker["name"], "address": motor_maker["address"],
                        "economy": "CN"}],
            standards=["IEC 60079-0:2017", "IEC 60079-1:2014"], category="EX",
            test_reports=[{"number": "CN/NEP/ExTR24.0031/00", "lab_id": "nepsi",
                           "form": "IECEx ExTR"},
                          {"number": "CN/NEP/QAR23.0012/01", "lab_id": "nepsi",
                           "form": "IECEx QAR"}],
            conditions="Specific conditions of use: flameproof joints are not intended to be "
                       "repaired.",
            issued_on="2024-04-09"),
        # Example 3a: CN-made kettle with a CCC certificate from a designated body: within the
        # China–New Zealand EEE MRA (made in a party, designated body).
        req("2024010711900001", "CCC", "cqc", "product-certificate",
            standards=["GB 4706.1-2005", "GB 4706.19-2008"], category="CCC-0711",
            test_reports=[{"number": "CVC2405-00001", "lab_id": "cvc",
                           "form": "CCC type test report"}],
            issued_on="2024-05-06"),
        # Example 3b: the same kettle made in Thailand: the MRA's origin rule refuses it.
        req("2024010711900002", "CCC", "cqc", "product-certificate",
            products=[{**kettle, "models": ["KE-1701T"], "gtin": "6951234001711"}],
            factories=[factory_th],
            standards=["GB 4706.1-2005", "GB 4706.19-2008"], category="CCC-0711",
            test_reports=[{"number": "CVC2405-00002", "lab_id": "cvc",
                           "form": "CCC type test report"}],
            issued_on="2024-05-08"),
        # Example 4: Greater Bay Area certificate from a Hong Kong body: valid in CN, HK, MO.
        req("GBA-2024-STC-900001", "GBA", "hkstc", "product-certificate",
            holder=tableware_maker, manufacturer=tableware_maker,
            products=[{"name": "Porcelain tableware set", "name_zh": "日用陶瓷餐具",
                       "models": ["CZ-16A"], "trademark": "JIAHE", "ratings": "16-piece set",
                       "hs_code": "6911.10", "gtin": "6976543001603"}],
            factories=[{"name": tableware_maker["name"], "address": tableware_maker["address"],
                        "economy": "CN"}],
            standards=["GB 4806.4-2016"], category="6911.10",
            test_reports=[{"number": "STC2406-90001", "lab_id": "hkstc",
                           "form": "GBA type test report"}],
            issued_on="2024-06-18"),
        # Example 5: a CB test certificate presented in the EAEU: the 2018 China–EAEU agreement
        # recognises no certificate, so the answer is "not recognised" with that reason.
        req("CN-00103", "IECEE-CB", "cqc", "cb-test-certificate",
            products=[{"name": "Blender", "name_zh": "搅拌机", "models": ["BL-880"],
                       "trademark": "MEIXIN", "ratings": "220-240V~ 50/60Hz 800W",
                       "hs_code": "8509.40", "gtin": "6951234008802"}],
            standards=["IEC 60335-1:2020", "IEC 60335-2-14:2016"], category="HOUS",
            test_reports=[{"number": "CQC2509-00103", "lab_id": "cqc",
                           "form": "IECEE harmonised TRF"}],
            issued_on="2025-09-02"),
    ]


def main(argv: list[str] | None = None) -> int:
    ops = generate()
    json.dump(ops, sys.stdout, ensure_ascii=False, indent=None)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
