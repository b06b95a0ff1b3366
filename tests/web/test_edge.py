"""Hostile input at the edge: NUL bytes, lone surrogates, deep JSON, numbers out of range
answer 4xx (never 500) on SQLite and PostgreSQL, and ordinary input still passes."""

from __future__ import annotations

import json

import pytest

from certpass.web import edge
from tests.registry_fixture import request_data
from tests.web.conftest import bearer

BIG = str(2 ** 63)
JSON = {"content-type": "application/json"}


@pytest.mark.parametrize("path", [
    "/api/certificates?q=%00", "/api/certificates?q=%ED%A0%80", "/api/certificates/%00",
    "/api/bodies/%00x", "/search?q=%00", "/api/certificates/a%0Ab", f"/log/entries/{BIG}",
    f"/log/proof/inclusion?index={BIG}&size={BIG}", f"/api/certificates?offset={BIG}",
    f"/log/proof/consistency?from=1&to={BIG}", "/bodies/%00/accreditations.json",
])
def test_hostile_urls_are_4xx(client, path):
    r = client.get(path)
    assert 400 <= r.status_code < 500, (path, r.status_code, r.text[:200])


def _hostile_bodies() -> list[tuple[str, str]]:
    holder = json.dumps(request_data("2024010701000123")).replace('"Ningbo', '"\\ud800Ningbo')
    return [
        ("/api/certificates", json.dumps(request_data("X\u0000Y"))),
        ("/api/certificates", holder),
        ("/api/certificates", "[" * 100_000 + "]" * 100_000),
        ("/api/certificates", '{"a": ' * 5000 + "1" + "}" * 5000),
        ("/api/verify", '{"number": 1e400}'),
        ("/api/verify", '{"number": NaN}'),
        ("/api/verify", '{"number": "\\u0000"}'),
        ("/api/verify", '{"\\u0000": 1}'),
        ("/api/verify", f'{{"number": {BIG}}}'),
        ("/api/plan", '{"hs": "8516.79", "standards": ["IEC 60335-1:2020"], "origin": "CN", '
                      '"markets": ["NZ"], "date": 1e400}'),
        ("/api/subscriptions", '{"target_kind": "body", "target": "cq\\u0000c", '
                               '"url": "https://example.org/"}'),
    ]


@pytest.mark.parametrize("path, body", _hostile_bodies(), ids=range(len(_hostile_bodies())))
def test_hostile_json_is_4xx_and_writes_nothing(client, tokens, path, body):
    r = client.post(path, content=body, headers={**JSON, **bearer(tokens["cqc"])})
    assert 400 <= r.status_code < 500, (r.status_code, r.text[:200])
    assert client.get("/api/subscriptions", headers=bearer(tokens["cqc"])).json() == []


def test_hostile_forms_are_4xx(client):
    r = client.post("/login", content="username=a%00b&password=x&csrf_token=y",
                    headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 400


def test_ordinary_input_passes(client, tokens):
    data = request_data("2024010701000124")
    data["holder"]["name_zh"] = "宁波电器有限公司"
    r = client.post("/api/certificates", json=data, headers=bearer(tokens["cqc"]))
    assert r.status_code == 201, r.text
    assert client.get("/api/certificates?q=%E5%AE%81%E6%B3%A2").status_code == 200
    assert client.get("/api/certificates/BY%2F112%2002.01.%20TP").status_code == 404


def test_json_depth_skips_strings():
    assert edge.json_depth(b'{"a": [1, {"b": "[[[[{{{{"}]}') == 3
    assert edge.json_depth(b'"\\"[["') == 0
