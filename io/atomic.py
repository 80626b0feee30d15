"""Write files atomically: to a temporary file beside the target, then rename.

A failed write (a full disk, a file-size limit, a folder without write permission) leaves no
partial file and raises an `OSError` naming the target, never the temporary file. Temporary
files being written are listed, so that an abort (a second Ctrl-C, solver/stop.py) can remove
them before the process leaves without unwinding (`discard_pending`).
"""

from __future__ import annotations

import contextlib
import errno
import gc
import os
import sys
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from ..model.i18n import _

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

# openpyxl streams sheets through lxml when it is installed (python-docx brings it), and lxml
# reports a full disk as SerialisationError('IO_ENOSPC'), not as an OSError.
_WRITE_ERRORS = (OSError, etree.Error)

_pending: set[Path] = set()
_lock = threading.Lock()


def write_atomic(path: str | Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp)`` then rename tmp over ``path``; on any error nothing is left behind
    and an `OSError` says which file could not be written and why."""
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise write_error(target, exc) from None
    os.close(fd)
    tmp = Path(tmp_name)
    with _lock:
        _pending.add(tmp)
    try:
        with _quiet_writers():
            failure = _attempt(write, tmp, target)
            if failure is not None:
                gc.collect()  # a workbook and its sheets form cycles: collect them while quiet
    finally:
        tmp.unlink(missing_ok=True)
        with _lock:
            _pending.discard(tmp)
    if failure is not None:
        raise failure
    return target


def _attempt(write: Callable[[Path], None], tmp: Path, target: Path) -> OSError | None:
    """Write tmp and rename it over target; the error naming target if that failed."""
    try:
        write(tmp)
        # mkstemp makes 0600 files; give the result the permissions a plain open() would.
        umask = os.umask(0)
        os.umask(umask)
        tmp.chmod(0o666 & ~umask)
        os.replace(tmp, target)
    except _WRITE_ERRORS as exc:
        _drop_frames(exc)
        return write_error(target, _as_os_error(exc))
    return None


def _as_os_error(exc: Exception) -> OSError:
    """lxml's 'IO_EFBIG' as OSError(EFBIG, …)."""
    if isinstance(exc, OSError):
        return exc
    code = getattr(errno, str(exc).removeprefix("IO_"), None)
    return OSError(code, os.strerror(code) if isinstance(code, int) else str(exc))


def write_error(target: Path, exc: OSError) -> OSError:
    """An error naming the target file and the reason in words."""
    if exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
        why = _("the disk is full or the file too large")
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        why = _("no permission to write in {folder}").format(folder=target.parent)
    else:
        why = exc.strerror or str(exc)
    error = OSError(
        _("cannot write {path}: {why}; nothing was written").format(path=target, why=why)
    )
    error.errno = exc.errno
    return error


def _drop_frames(exc: BaseException | None) -> None:
    """Let go of a failed write's frames now, inside `_quiet_writers`: they hold its open
    streams, which close (and fail again) when collected."""
    while exc is not None:
        exc.__traceback__ = None
        exc = exc.__context__


def discard_pending() -> None:
    """Remove the temporary files of writes under way (before an abort)."""
    with _lock:
        for tmp in _pending:
            tmp.unlink(missing_ok=True)
        _pending.clear()


@contextlib.contextmanager
def _quiet_writers() -> Iterator[None]:
    """Within the block, an `OSError` raised while an abandoned writer is collected (openpyxl's
    write-only sheets close their XML streams then, onto the full disk) is not printed as
    "Exception ignored … Traceback": the write's own error already says what happened."""
    previous = sys.unraisablehook

    def hook(unraisable: sys.UnraisableHookArgs) -> None:
        if not isinstance(unraisable.exc_value, _WRITE_ERRORS):
            previous(unraisable)

    sys.unraisablehook = hook
    try:
        yield
    finally:
        sys.unraisablehook = previous
