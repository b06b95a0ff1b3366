"""The tests' readiness wait: it returns what became ready, and stops waiting as soon as the
thing waited for has died instead of running out a fixed clock."""

from __future__ import annotations

import pytest

from tests.waiting import scaled, wait_for


def test_returns_the_first_true_result():
    tries = iter([None, 0, "", "ready"])
    assert wait_for(lambda: next(tries), "a counter") == "ready"


def test_stops_when_the_server_died():
    with pytest.raises(AssertionError, match="a server: it stopped before it was ready"):
        wait_for(lambda: False, "a server", seconds=10_000, alive=lambda: False)


def test_the_budget_grows_with_the_given_factor(monkeypatch):
    monkeypatch.setenv("CERTPASS_TEST_TIME_SCALE", "4")
    assert scaled(10) >= 40
