"""Input problems, reported all at once with file / sheet / row / column."""

from __future__ import annotations

from dataclasses import dataclass

from ..model.i18n import _


@dataclass(frozen=True)
class Problem:
    file: str
    sheet: str | None
    row: int | None
    column: str | None
    message: str
    warning: bool = False

    def __str__(self) -> str:
        where = [self.file]
        if self.sheet:
            where.append(_("sheet {sheet}").format(sheet=self.sheet))
        if self.row is not None:
            where.append(_("row {row}").format(row=self.row))
        if self.column:
            where.append(_("column {column}").format(column=self.column))
        text = _("{where}: warning: {message}") if self.warning else _("{where}: {message}")
        return text.format(where=" / ".join(where), message=self.message)


class InputError(Exception):
    """Bad input: one or more problems, each with its location. The CLI exits 2."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
