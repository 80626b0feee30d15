"""Click, speaking the user's language: help texts and usage errors through the catalogue.

Click fixes help texts when the commands are decorated, before ``--lang`` is read, and
translates its own words (Usage, Options, Error) with gettext files kgrota does not ship.
So help texts are written as English msgids marked with `N_` and translated here when
shown, and the usage errors click raises are told again through the catalogue. `Group.main`
sets the language for one run from ``--lang``, else the environment (`i18n.detect`).
"""

from __future__ import annotations

import contextlib
import sys
import textwrap
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ..model.i18n import LANGUAGES, N_, _, detect, speaking

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence

LANG_FLAG = "--lang"
F = TypeVar("F", bound=Callable[..., Any])


class Option(click.Option):
    """An option whose help (an English msgid) is translated when shown; ``{names}`` in it
    are filled from ``help_values``."""

    def __init__(
        self, *args: Any, help_values: Mapping[str, object] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.help_values = dict(help_values or {})

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        record = super().get_help_record(ctx)
        if record is None:
            return None
        text = _(self.help).format(**self.help_values) if self.help else ""
        return record[0], _with_extras(text, self, ctx)


class Argument(click.Argument):
    """A positional argument with a help text (an English msgid), translated when shown."""

    def __init__(self, *args: Any, help: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.help_msgid = help

    def get_help_record(self, ctx: click.Context) -> tuple[str, str]:
        return self.make_metavar(ctx), _(self.help_msgid) if self.help_msgid else ""


def _with_extras(text: str, option: click.Option, ctx: click.Context) -> str:
    """The help text with its default and ``required`` in the current language."""
    extra = option.get_help_extra(ctx)
    items = []
    if isinstance(option.show_default, str):  # a default written out, e.g. the solver's
        items.append(_("default: {default}").format(default=option.show_default))
    elif "default" in extra:
        items.append(_("default: {default}").format(default=extra["default"]))
    if "range" in extra:
        items.append(extra["range"])
    if "required" in extra:
        items.append(_("required"))
    if not items:
        return text
    return f"{text}  [{'; '.join(items)}]" if text else f"[{'; '.join(items)}]"


def _kept(text: str) -> str:
    """Mark paragraphs with indented lines (examples) for click to print as written."""
    paragraphs = text.split("\n\n")
    kept = ["\b\n" + p if "\n  " in p else p for p in paragraphs]
    return "\n\n".join(kept)


_USAGE_WORDS = {"[OPTIONS]": N_("[OPTIONS]"), "COMMAND [ARGS]...": N_("COMMAND [ARGS]...")}
# The help option's text (click's own, in English).
HELP_TEXT = N_("Show this message and exit.")


class _Formatter(click.HelpFormatter):
    """Section headings as the catalogue writes them, with their own colon (Chinese: ：)."""

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}\n")


class Context(click.Context):
    formatter_class = _Formatter


class _Translated(click.Command):
    """Help of a command (or group) in the current language: its text, usage line, the
    argument and option sections and the help option's own line."""

    context_class = Context

    def get_short_help_str(self, limit: int = 45) -> str:
        if self.short_help:
            return _(self.short_help)
        text = _(self.help).split("\n")[0] if self.help else ""
        if len(text) <= limit:
            return text
        if " " in text:  # words: end at a word
            return textwrap.shorten(text, limit, placeholder=" …")
        return text[: limit - 1] + "…"

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if self.help:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(_kept(_(self.help)))

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        pieces = super().collect_usage_pieces(ctx)
        return [_(_USAGE_WORDS[p]) if p in _USAGE_WORDS else p for p in pieces]

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        pieces = self.collect_usage_pieces(ctx)
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=_("Usage: "))

    def format_arguments(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        args = [p for p in self.get_params(ctx) if isinstance(p, Argument) and p.help_msgid]
        if args:
            with formatter.section(_("Arguments:")):
                formatter.write_dl([a.get_help_record(ctx) for a in args])

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for param in self.get_params(ctx):
            if isinstance(param, click.Argument):
                continue
            record = param.get_help_record(ctx)
            if record is None:
                continue
            if param is self.get_help_option(ctx):
                record = (record[0], _(HELP_TEXT))
            elif not isinstance(param, Option) and param.help:  # --version: help given as N_
                record = (record[0], _(param.help))
            rows.append(record)
        if rows:
            with formatter.section(_("Options:")):
                formatter.write_dl(rows)


class Command(_Translated):
    """A kgrota command."""


class Group(_Translated, click.Group):
    """The kgrota group: its commands are `Command`s, and one run speaks one language."""

    command_class = Command

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_options(ctx, formatter)
        self.format_commands(ctx, formatter)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        shown = [(name, self.get_command(ctx, name)) for name in self.list_commands(ctx)]
        listed = [(name, cmd) for name, cmd in shown if cmd is not None and not cmd.hidden]
        limit = formatter.width - 6 - max((len(name) for name, _ in listed), default=0)
        rows = [(name, cmd.get_short_help_str(limit)) for name, cmd in listed]
        if rows:
            with formatter.section(_("Commands:")):
                formatter.write_dl(rows)

    def main(self, args: Sequence[str] | None = None, *rest: Any, **kwargs: Any) -> Any:
        """Run once in the language ``--lang`` asks for, else the environment's; the language
        before the run comes back after it (tests run many in one process)."""
        argv = list(args) if args is not None else sys.argv[1:]
        for stream in (sys.stdout, sys.stderr):
            # Output redirected to a file on Windows is encoded in the ANSI code page (GBK),
            # which lacks marks such as ✓: show "?" rather than fail.
            reconfigure = getattr(stream, "reconfigure", None)  # a text file, not a test's
            if reconfigure is not None:
                reconfigure(errors="replace")
        with speaking(_wanted(argv) or detect()):
            return super().main(args, *rest, **kwargs)

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        with _retold():
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: click.Context) -> Any:
        with _retold():
            return super().invoke(ctx)


def _wanted(argv: Sequence[str]) -> str | None:
    """The language ``--lang X`` or ``--lang=X`` names (before ``--``), if a known one."""
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        value = None
        if arg == LANG_FLAG and i + 1 < len(argv):
            value = argv[i + 1]
        elif arg.startswith(LANG_FLAG + "="):
            value = arg.partition("=")[2]
        if value in LANGUAGES:
            return value
    return None


class _Retold(click.UsageError):
    """A usage error told in the current language (exit code 2, as click's own)."""

    def format_message(self) -> str:
        return self.message

    def show(self, file: Any = None) -> None:
        stream = file or sys.stderr
        if self.ctx is not None:
            click.echo(self.ctx.get_usage(), file=stream, color=self.ctx.color)
            helper = max(self.ctx.command.get_help_option_names(self.ctx), key=len)
            hint = _("Try '{command} {option}' for help.").format(
                command=self.ctx.command_path, option=helper
            )
            click.echo(hint + "\n", file=stream)
        click.echo(_("Error: {message}").format(message=self.message), file=stream)


@contextlib.contextmanager
def _retold() -> Iterator[None]:
    """Raise click's usage errors again with the message in the current language."""
    try:
        yield
    except click.exceptions.NoArgsIsHelpError:
        raise
    except click.UsageError as exc:
        raise _Retold(_message(exc), exc.ctx) from exc


def _message(exc: click.UsageError) -> str:
    """What went wrong, from the error's fields (click's own detail where it has no fields)."""
    if isinstance(exc, click.exceptions.NoSuchOption):
        return _unknown(_("No such option {name}."), exc.option_name, exc.possibilities)
    if isinstance(exc, click.exceptions.NoSuchCommand):
        return _unknown(_("No such command {name}."), exc.command_name, exc.possibilities)
    if isinstance(exc, click.BadParameter) and exc.param is not None:
        name = exc.param.get_error_hint(exc.ctx)
        if isinstance(exc, click.MissingParameter):
            if isinstance(exc.param, click.Argument):
                return _("Missing argument {name}.").format(name=name)
            return _("Missing option {name}.").format(name=name)
        return _("Invalid value for {name}: {detail}").format(name=name, detail=_detail(exc))
    return exc.format_message()


def _detail(exc: click.BadParameter) -> str:
    """What a value must be, from its parameter's type (click's own words for the rest)."""
    param, kind = exc.param, exc.param.type if exc.param is not None else None
    if isinstance(param, click.Option) and exc.ctx is not None:
        limits = param.get_help_extra(exc.ctx).get("range")
        if limits:
            return _("it must be within {range}.").format(range=limits)
    if isinstance(kind, click.Choice):
        choices = ", ".join(str(c) for c in kind.choices)
        return _("choose one of {choices}.").format(choices=choices)
    if isinstance(kind, click.types.IntParamType):
        return _("a whole number is needed.")
    if isinstance(kind, click.types.FloatParamType):
        return _("a number is needed.")
    return exc.message


def _unknown(message: str, name: str, near: list[str] | None) -> str:
    """An unknown option or command, with the known ones it is close to."""
    text = message.format(name=name)
    if not near:
        return text
    return _("{unknown} Did you mean {names}?").format(unknown=text, names=", ".join(near))


def option(*decls: str, **attrs: Any) -> Callable[[F], F]:
    """`click.option` with a help text translated when shown."""
    return click.option(*decls, cls=Option, **attrs)


def argument(*decls: str, **attrs: Any) -> Callable[[F], F]:
    """`click.argument` with a help text translated when shown."""
    return click.argument(*decls, cls=Argument, **attrs)
