"""Stopping a solve on request: the `Stop` token every search watches, and `interrupts`, which
turns Ctrl-C and SIGTERM into such a request.

CP-SAT runs in C++ with the GIL released, so a Python signal handler would only run once the
search returned. `interrupts` therefore lets Python's C-level handler write the signal number
to a socket (``signal.set_wakeup_fd``) and a watcher thread act on it at once: the first
SIGINT or SIGTERM requests the stop (every registered CP-SAT search stops within moments and
keeps its best plan), a second one exits the process at once (status 130) after the
``on_abort`` hooks (e.g. removing half-written files), writing nothing. CP-SAT's own SIGINT
handling (``catch_sigint_signal``) is switched off wherever a `Stop` is given (cpsat.py), so
the signal reaches this handler instead of ending one search and letting the next begin.

Worker processes get the request through a ``multiprocessing`` event (solver/pool.py); they
ignore SIGINT themselves, which a terminal sends to the whole process group.
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import socket
import sys
import threading
import time
from typing import TYPE_CHECKING, Protocol

from ..model.i18n import _

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

SIGNALS = (signal.SIGINT, signal.SIGTERM)
INTERRUPTED_EXIT = 130  # 128 + SIGINT, as shells report an interrupted command
_RESTOP_SECONDS = 0.05  # a search registered just before it started is stopped again


class Search(Protocol):
    """What a `Stop` needs of a search: CP-SAT's ``CpSolver`` has it."""

    def stop_search(self) -> None: ...


class Stop:
    """A request to stop every search of a solve, made once and seen by all of them.

    Searches register while they run (`watching`); `request` stops each registered one and
    runs the hooks (the process pool tells its workers). CP-SAT ignores a stop that arrives
    before its search has begun, so until the searches unregister a helper thread repeats
    the stop every 50 ms.
    """

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._searches: set[Search] = set()
        self._hooks: list[Callable[[], None]] = []
        self.abort_hooks: list[Callable[[], None]] = []  # run before leaving at once (_abort)
        self._restopping = False

    @property
    def requested(self) -> bool:
        return self._event.is_set()

    def request(self) -> None:
        """Stop every search now and every later one before it starts."""
        with self._lock:
            if self._event.is_set():
                return
            self._event.set()
            hooks = list(self._hooks)
        for hook in hooks:
            hook()
        self._restop()

    def on_request(self, hook: Callable[[], None]) -> None:
        """Call `hook` when the stop is requested (at once if it already is)."""
        with self._lock:
            self._hooks.append(hook)
            already = self._event.is_set()
        if already:
            hook()

    @contextlib.contextmanager
    def watching(self, search: Search) -> Iterator[None]:
        """Register a search for the duration of its run."""
        with self._lock:
            self._searches.add(search)
        try:
            if self.requested:
                self._restop()
            yield
        finally:
            with self._lock:
                self._searches.discard(search)

    def _restop(self) -> None:
        with self._lock:
            if self._restopping or not self._searches:
                return
            self._restopping = True
        threading.Thread(target=self._keep_stopping, name="kgrota-stop", daemon=True).start()

    def _keep_stopping(self) -> None:
        while True:
            with self._lock:
                searches = list(self._searches)
                if not searches:
                    self._restopping = False
                    return
            for search in searches:
                search.stop_search()
            time.sleep(_RESTOP_SECONDS)


@contextlib.contextmanager
def interrupts(
    stop: Stop | None = None, *, on_abort: Callable[[], None] | None = None
) -> Iterator[Stop]:
    """Within the block, the first SIGINT or SIGTERM requests `stop` (a new `Stop` if None)
    and a second one runs `on_abort` and exits the process with status 130 at once.

    After a first interrupt the process is on its way out: from the end of the block on,
    any further SIGINT or SIGTERM leaves at once as well. Outside the main thread signals
    cannot be caught: the block then only yields the token.
    """
    stop = stop if stop is not None else Stop()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return
    reader, writer = socket.socketpair()
    writer.setblocking(False)
    previous_fd = signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
    # The Python-level handler has nothing to do: the watcher acts on the wakeup byte.
    previous = {s: signal.signal(s, _ignore) for s in SIGNALS}
    watcher = threading.Thread(
        target=_watch, args=(reader, stop, on_abort), name="kgrota-signals", daemon=True
    )
    watcher.start()
    try:
        yield stop
    finally:
        leave = functools.partial(_leave, stop, on_abort)
        for s, handler in previous.items():
            signal.signal(s, leave if stop.requested else handler)
        signal.set_wakeup_fd(previous_fd)
        writer.close()  # the watcher reads end-of-file and ends
        watcher.join()
        reader.close()


def _ignore(signum: int, frame: object) -> None:
    """Python-level handler: the watcher thread has acted on the signal already."""


def _leave(stop: Stop, on_abort: Callable[[], None] | None, signum: int, frame: object) -> None:
    """A further interrupt once the solve was stopped: leave at once."""
    _abort(stop, on_abort)


def _watch(reader: socket.socket, stop: Stop, on_abort: Callable[[], None] | None) -> None:
    seen = 0
    while True:
        try:
            data = reader.recv(64)
        except OSError:
            return
        if not data:
            return
        for number in data:
            if number not in SIGNALS:
                continue
            seen += 1
            if seen == 1:
                stop.request()
            else:
                _abort(stop, on_abort)


def _abort(stop: Stop, on_abort: Callable[[], None] | None) -> None:
    """A second interrupt: clean up and leave now, without unwinding (nothing more is written)."""
    try:
        for hook in [*stop.abort_hooks, on_abort]:
            if hook is not None:
                hook()
        # Straight to the terminal: sys.stderr may be a progress display's buffer by now.
        message = "\n" + _("interrupted again: stopped at once; nothing was written.") + "\n"
        os.write(sys.__stderr__.fileno() if sys.__stderr__ else 2, message.encode())
    finally:
        os._exit(INTERRUPTED_EXIT)
