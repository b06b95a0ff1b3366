"""Rebuild economies.json from pycountry (ISO 3166-1 and its zh_CN translation).

Run once by hand (``pip install pycountry``, then ``python build_economies.py``); the
runtime reads only the JSON, so pycountry is not a dependency of certpass.
"""

from __future__ import annotations

import gettext
import json
from importlib.metadata import version
from pathlib import Path

import pycountry

HERE = Path(__file__).parent

# Names a Chinese reader expects (PRC official usage, MFA country list), and fixes of
# typos or Taiwan-usage forms in the iso-codes zh_CN catalogue.
ZH = {
    "CN": "中国",
    "HK": "中国香港",
    "MO": "中国澳门",
    "TW": "中国台湾",
    "KR": "韩国",
    "KP": "朝鲜",
    "LA": "老挝",
    "IR": "伊朗",
    "SY": "叙利亚",
    "BO": "玻利维亚",
    "VE": "委内瑞拉",
    "MD": "摩尔多瓦",
    "KH": "柬埔寨",
    "GT": "危地马拉",
    "BD": "孟加拉国",
    "KG": "吉尔吉斯斯坦",
    "PF": "法属波利尼西亚",
    "IM": "马恩岛",
    "AE": "阿拉伯联合酋长国",
    "GS": "南乔治亚和南桑威奇群岛",
    "TF": "法属南部领地",
    "CC": "科科斯（基林）群岛",
    "FK": "福克兰群岛（马尔维纳斯）",
    "MN": "蒙古国",
    "SZ": "埃斯瓦蒂尼",
    "BV": "布韦岛",
    "HM": "赫德岛和麦克唐纳群岛",
    "BQ": "荷兰加勒比区",
    "SH": "圣赫勒拿、阿森松和特里斯坦-达库尼亚",
}

# English: the short common name, and the forms used in Chinese official English.
EN = {
    "HK": "Hong Kong, China",
    "MO": "Macao, China",
    "TW": "Taiwan, China",
    "KR": "Republic of Korea",
    "KP": "Democratic People's Republic of Korea",
    "CD": "Democratic Republic of the Congo",
    "FM": "Micronesia",
    "PS": "Palestine",
    "VG": "British Virgin Islands",
    "VI": "U.S. Virgin Islands",
    "VA": "Holy See",
}

EU_MEMBERS = """AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI
ES SE""".split()  # noqa: SIM905 (a list literal would take 27 lines)

# Current membership (checked Nov 2026); Timor-Leste joined ASEAN on 26 Oct 2025.
BLOCS = [
    {
        "code": "EU",
        "name_en": "European Union",
        "name_zh": "欧洲联盟",
        "members": EU_MEMBERS,
    },
    {
        "code": "EAEU",
        "name_en": "Eurasian Economic Union",
        "name_zh": "欧亚经济联盟",
        "members": ["AM", "BY", "KZ", "KG", "RU"],
    },
    {
        "code": "GCC",
        "name_en": "Gulf Cooperation Council",
        "name_zh": "海湾阿拉伯国家合作委员会",
        "members": ["AE", "BH", "KW", "OM", "QA", "SA"],
    },
    {
        "code": "ASEAN",
        "name_en": "Association of Southeast Asian Nations",
        "name_zh": "东南亚国家联盟",
        "members": ["BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN", "TL"],
    },
]


def build() -> list[dict[str, object]]:
    zh = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"])
    rows: list[dict[str, object]] = []
    for c in sorted(pycountry.countries, key=lambda c: c.alpha_2):
        name_en = EN.get(c.alpha_2) or getattr(c, "common_name", None) or c.name
        rows.append(
            {
                "code": c.alpha_2,
                "name_en": name_en,
                "name_zh": ZH.get(c.alpha_2) or zh.gettext(c.name),
                "is_bloc": False,
                "members": [],
            }
        )
    rows += [{**b, "is_bloc": True, "members": sorted(b["members"])} for b in BLOCS]
    return rows


if __name__ == "__main__":
    items = build()
    doc: dict[str, object] = {
        "illustrative": False,
        "note": "ISO 3166-1 alpha-2 economies with Simplified Chinese names, plus blocs.",
        "sources": [
            f"pycountry {version('pycountry')} (Debian iso-codes: ISO 3166-1 and its zh_CN"
            " catalogue)",
            "Hand corrections: see ZH and EN in build_economies.py",
        ],
        "items": items,
    }
    # One economy a line: small diffs when a name is corrected.
    head = json.dumps({k: v for k, v in doc.items() if k != "items"}, ensure_ascii=False, indent=1)
    lines = ",\n".join("  " + json.dumps(r, ensure_ascii=False) for r in items)
    text = head[:-2] + ',\n "items": [\n' + lines + "\n ]\n}\n"
    (HERE / "economies.json").write_text(text, encoding="utf-8")
