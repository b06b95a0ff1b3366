"""Words, not codes: every closed vocabulary shown on the pages has a label in each language."""

from __future__ import annotations

import typing

import pytest

from certpass.registry.schemas import BodyRole, ListingIn
from certpass.web import i18n
from certpass.web.pages.transparency import KINDS


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_codes_have_labels(lang):
    messages = i18n.catalogue(lang)
    listing_roles = typing.get_args(ListingIn.model_fields["role"].annotation)
    wanted = ([f"listingrole.{r}" for r in listing_roles]
              + [f"role.{r}" for r in typing.get_args(BodyRole)]
              + [f"event.{k}" for k in KINDS] + [f"event.{k.split('.')[0]}" for k in KINDS])
    missing = [k for k in wanted if k not in messages]
    assert missing == []
