"""The message catalogue: every message marked for translation has its Chinese, with the same
placeholders; nothing in the catalogue is stale; the language follows flag, env and locale."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from kgrota.model import i18n

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("model", "solver", "io", "bench", "scenarios")


def _marked() -> dict[str, str]:
    """msgid → where it is used, for every _("...") and N_("...") in the package sources."""
    out: dict[str, str] = {}
    for package in PACKAGES:
        for filename, line, message, _comments, _context in extract_from_dir(
            ROOT / package, method_map=[("**.py", "python")], keywords={"_": None, "N_": None}
        ):
            if isinstance(message, str):
                out.setdefault(message, f"{package}/{filename}:{line}")
    return out


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_marked_message_has_chinese() -> None:
    zh = i18n.catalogue("zh")
    missing = {m: where for m, where in _marked().items() if m not in zh}
    assert not missing, f"add to a .po file of model/locale/zh/LC_MESSAGES/: {missing}"


def test_catalogue_has_no_stale_messages() -> None:
    stale = set(i18n.catalogue("zh")) - set(_marked())
    assert not stale, f"remove from the catalogue: {sorted(stale)}"


def test_translations_keep_the_placeholders() -> None:
    for msgid, msgstr in i18n.catalogue("zh").items():
        assert _fields(msgid) == _fields(msgstr), msgid


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "zh"),
        ({"LANG": "C.UTF-8"}, "zh"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
        ({"KGROTA_LANG": "en", "LANG": "zh_CN.UTF-8"}, "en"),
        ({"KGROTA_LANG": "zh_CN"}, "zh"),
    ],
)
def test_language_follows_env_then_locale_then_chinese(
    environ: dict[str, str], expected: str
) -> None:
    assert i18n.detect(environ) == expected


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="zh, en"):
        i18n.set_language("fr")
