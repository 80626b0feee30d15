"""Chinese first: one message catalogue for everything a clerk reads.

Messages are written in English in the code, marked with `_` (``_("{n} problem(s)")``), and
translated in ``locale/<lang>/LC_MESSAGES/*.po`` (gettext's format, read with Babel): one
file per area (``rules.po``, ``cli.po`` …), so that changes to different areas never touch the
same file; together they are one catalogue.
The language is Chinese unless ``--lang en`` (the CLI calls `set_language`), ``KGROTA_LANG``
or an English locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``) asks for English. A message
missing from the catalogue shows in English; tests/model/test_i18n.py keeps the Chinese
catalogue complete.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from babel.messages.pofile import read_po

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

LANGUAGES = ("zh", "en")
SOURCE = "en"  # the language the messages are written in

_state = {"language": ""}


def detect(environ: Mapping[str, str] | None = None) -> str:
    """The language the environment asks for: KGROTA_LANG, else an English or Chinese
    locale, else Chinese."""
    env = os.environ if environ is None else environ
    wanted = env.get("KGROTA_LANG", "").strip().lower()
    if wanted:
        return _check(wanted.split("_")[0].split("-")[0])
    for key in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(key, "").lower()
        if value.startswith(("en", "zh")):
            return value[:2]
    return "zh"


def _check(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {lang!r}")
    return lang


def set_language(lang: str) -> None:
    """Use this language for every message from now on (``zh`` or ``en``)."""
    _state["language"] = _check(lang)


def language() -> str:
    if not _state["language"]:
        _state["language"] = detect()
    return _state["language"]


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """Use ``lang`` inside the block, then as before (one CLI run, a test): a language not yet
    chosen stays to be detected."""
    before = _state["language"]
    set_language(lang)
    try:
        yield
    finally:
        _state["language"] = before


@cache
def catalogue(lang: str) -> Mapping[str, str]:
    """msgid → translation of one language (empty for the source language)."""
    if lang == SOURCE:
        return {}
    folder = resources.files("kgrota.model") / "locale" / lang / "LC_MESSAGES"
    out: dict[str, str] = {}
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if path.name.endswith(".po"):
            with path.open("rb") as handle:
                po = read_po(handle)
            for m in po:
                if m.id and isinstance(m.id, str) and m.string and not m.fuzzy:
                    out.setdefault(m.id, str(m.string))
    return out


def _(message: str) -> str:
    """The message in the current language (as written when it has no translation)."""
    return catalogue(language()).get(message, message)


def N_(message: str) -> str:
    """Mark a message for the catalogue without translating it yet: for texts fixed when the
    program loads (help texts, column names) and translated with `_` when shown."""
    return message
