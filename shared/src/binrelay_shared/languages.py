"""The languages BIN Relay speaks: of reports, members, templates and placeholders."""

from __future__ import annotations

from typing import Literal, get_args

Language = Literal["nl", "fr", "en", "de"]

#: Every language, in the order of ``Language``.
LANGUAGES: tuple[str, ...] = get_args(Language)

__all__ = ["LANGUAGES", "Language"]
