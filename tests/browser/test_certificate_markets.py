"""The certificate page in Chromium (issue 16): recognised and conditional markets first, the
rest collapsed behind their count, and the visitor's market shown first and remembered."""

from __future__ import annotations

from urllib.parse import quote

NUMBER = "CN-00101"  # a CB-based kettle certificate: a few markets accept it, most do not


def test_recognised_first_the_rest_collapsed_and_my_market_remembered(server, page):
    base, _settings, _db = server
    messages: list[str] = []
    page.on("console", lambda msg: messages.append(msg.text))
    page.goto(f"{base}/certificates/{quote(NUMBER, safe='')}")
    accepted = page.locator("#recognised tr[data-market] .decision").evaluate_all(
        "els => els.map(e => e.dataset.decision)")
    assert accepted and "not-recognised" not in accepted
    refused = page.locator("#not-recognised")
    assert refused.get_attribute("open") is None  # collapsed
    count = int(refused.get_attribute("data-count"))
    assert count == page.locator("#not-recognised tr[data-market]").count() > 0
    assert refused.locator("> summary").inner_text().endswith(f": {count}")
    assert not page.locator("#not-recognised tr[data-market]").first.is_visible()

    # The visitor picks a market where it is not recognised: shown first, before the list.
    market = page.locator("#not-recognised tr[data-market]").first.get_attribute("data-market")
    assert page.locator("#my-market-field").is_visible()
    page.select_option("#my-market", market)
    mine = page.locator(f"#my-market-row tr[data-market='{market}']")
    assert mine.is_visible()
    assert mine.locator(".decision").get_attribute("data-decision") == "not-recognised"
    # ... and remembered on this device: the next certificate page opens with it.
    page.reload()
    assert page.locator("#my-market").input_value() == market
    assert page.locator(f"#my-market-row tr[data-market='{market}']").is_visible()
    # Clearing the choice forgets it.
    page.select_option("#my-market", "")
    assert page.locator("#my-market-row tr").count() == 0
    page.reload()
    assert page.locator("#my-market").input_value() == ""
    assert not [m for m in messages if "Content Security Policy" in m]
