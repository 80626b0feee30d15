"""Chinese first: help and messages in Chinese by default, English with --lang en, the
KGROTA_LANG variable or an English locale; every option has help in both."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click
import pytest
from click.testing import CliRunner

from kgrota.io.cli import main
from kgrota.io.cli_text import Argument
from kgrota.io.roster_write import write_roster
from kgrota.model import i18n
from kgrota.model.generate import generate

if TYPE_CHECKING:
    from pathlib import Path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), prog_name="kgrota")
    assert "Traceback" not in result.output
    return result.exit_code, result.output


@pytest.fixture
def chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine with no language set: what a clerk's Windows PC looks like to kgrota."""
    for name in ("KGROTA_LANG", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


@pytest.mark.usefixtures("chinese")
def test_help_is_chinese_by_default() -> None:
    code, output = run("--help")
    assert code == 0
    assert output.startswith("用法：kgrota [选项] 命令 [参数]...")
    assert "选项：" in output and "命令：" in output and "显示本帮助并退出。" in output
    assert "notice     生成计划中某一学年的公示名单" in output
    assert "Usage" not in output and "Show this" not in output


@pytest.mark.usefixtures("chinese")
def test_command_help_is_chinese_by_default() -> None:
    code, output = run("solve", "--help")
    assert code == 0
    assert "ROSTER  花名册工作簿（.xlsx）。" in output
    assert "-o, --out FILE" in output and "要写出的计划" in output and "[必填]" in output
    assert "搜索的随机种子" in output and "[默认：0]" in output  # --seed has its help now


@pytest.mark.usefixtures("chinese")
@pytest.mark.parametrize(
    ("args", "env"),
    [
        (("--lang", "en", "--help"), {}),  # the flag
        (("--lang=en", "solve", "--help"), {}),  # the flag, = form, before a command
        (("--help",), {"KGROTA_LANG": "en"}),  # the environment variable
        (("--help",), {"LANG": "en_US.UTF-8"}),  # an English locale
    ],
)
def test_help_is_english_when_asked(
    args: tuple[str, ...], env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    code, output = run(*args)
    assert code == 0
    assert output.startswith("Usage: kgrota")
    assert "Show this message and exit." in output and "用法" not in output


def test_lang_flag_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KGROTA_LANG", "en")
    code, output = run("--lang", "zh", "notice", "--help")
    assert code == 0 and output.startswith("用法：kgrota notice [选项] ROSTER PLAN")
    assert i18n.language() == "en"  # the run's language does not outlive the run


def commands() -> list[click.Command]:
    return [main, *(c for name, c in sorted(main.commands.items()) if name != "bench")]


@pytest.mark.parametrize("command", commands(), ids=lambda c: c.name)
def test_every_option_and_argument_has_help_in_both_languages(command: click.Command) -> None:
    # bench passes its arguments to its own parser, which documents them
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            assert param.help, f"{command.name} {param.opts}: no help"
            text = param.help
        elif isinstance(param, Argument):
            assert param.help_msgid, f"{command.name} {param.name}: no help"
            text = param.help_msgid
        else:
            continue
        with i18n.speaking("zh"):
            assert i18n._(text) != text, f"{command.name} {param.opts}: no Chinese"
    assert command.help
    with i18n.speaking("zh"):
        assert i18n._(command.help) != command.help


@pytest.mark.usefixtures("chinese")
@pytest.mark.parametrize(
    ("args", "chinese_message", "english_message"),
    [
        (  # the output would overwrite the roster
            ("solve", "r.xlsx", "-o", "r.xlsx"),
            "r.xlsx：计划不能覆盖 r.xlsx",
            "r.xlsx: the plan must not overwrite r.xlsx",
        ),
        (  # the plan's file is missing
            ("solve", "r.xlsx"),
            "错误：缺少选项 '-o' / '--out'。",
            "Error: Missing option '-o' / '--out'.",
        ),
        (  # a number outside its range
            ("solve", "r.xlsx", "-o", "p.xlsx", "--years", "20"),
            "错误：'--years' 的值无效：应在 1<=x<=10 范围内。",
            "Error: Invalid value for '--years': it must be within 1<=x<=10.",
        ),
        (  # a mistyped command
            ("sovle",),
            "错误：没有命令 sovle。是否要用 solve？",
            "Error: No such command sovle. Did you mean solve?",
        ),
    ],
)
def test_bad_input_is_told_in_the_users_language(
    args: tuple[str, ...],
    chinese_message: str,
    english_message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    write_roster(generate(groups=1, kgs=3, seed=1, start_year=2026), tmp_path / "r.xlsx")
    code, output = run(*args)
    assert code == 2 and chinese_message in output, output
    code, output = run("--lang", "en", *args)
    assert code == 2 and english_message in output, output
