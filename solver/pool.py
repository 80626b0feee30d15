"""Worker processes that know what each of them is doing: a killed worker costs its own task
only, and a `Stop` reaches every worker at once.

``concurrent.futures.ProcessPoolExecutor`` breaks as a whole when one worker dies (every
pending task fails) and cannot tell which task the dead worker held, so the local backend
and the benchmarks run tasks here instead: spawn-context processes (SPEC §9), each sent one
task at a time over its own pipe. A worker that ends without answering gives `lost(task,
why)`; a stop request goes down every pipe (the worker's search then stops and sends the
best so far), and tasks not yet handed out give `lost(task, None)` without starting.
Workers ignore SIGINT: the parent decides what an interrupt means (solver/stop.py); a
worker whose parent has gone (its pipe ends) stops and leaves. Pipes, not a shared event:
a parent that exits at once (a second Ctrl-C) leaves no semaphore behind.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import queue as queues
import signal
import threading
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import wait
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .stop import Stop

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

T = TypeVar("T")
R = TypeVar("R")

_POLL_SECONDS = 0.5  # how often the parent looks at the stop request while it waits
_JOIN_SECONDS = 5.0  # a worker told to leave gets this long before it is killed


class TaskError(RuntimeError):
    """A task raised in its worker; the worker's exception is the cause."""


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection  # the parent's end of the worker's pipe
    task: int | None = None  # index of the task it holds
    done: int = 0  # tasks finished


@dataclass(frozen=True)
class Pool(Generic[T, R]):
    """Run ``function(task, stop)`` for each task in up to `processes` worker processes.

    `function` must be importable by the workers (a module-level function or a
    ``functools.partial`` of one); `lost(task, why)` stands in for a task whose worker
    ended (`why`: how it ended) or that was never started because of a stop (`why`: None).
    `fresh` gives each task a new process (its peak memory is then its own).
    """

    function: Callable[[T, Stop], R]
    lost: Callable[[T, str | None], R]
    processes: int
    fresh: bool = False

    def run(self, tasks: Sequence[T], stop: Stop | None = None) -> Iterator[R]:
        """Results as tasks finish (in no particular order)."""
        stop = stop if stop is not None else Stop()
        context = multiprocessing.get_context("spawn")
        queue = deque(range(len(tasks)))
        workers: list[_Worker] = []
        sending = threading.Lock()  # the stop comes from another thread (solver/stop.py)

        def tell_all_to_stop() -> None:
            with sending:
                for w in list(workers):
                    _send(w, (_STOP, None))

        def kill_all() -> None:  # the parent leaves at once (a second interrupt)
            for w in list(workers):
                w.process.kill()

        stop.on_request(tell_all_to_stop)
        stop.abort_hooks.append(kill_all)
        try:
            while queue or any(w.task is not None for w in workers):
                if stop.requested:
                    while queue:
                        yield self.lost(tasks[queue.popleft()], None)
                with sending:
                    self._hand_out(tasks, queue, workers, context)
                yield from self._collect(tasks, workers)
        finally:
            for w in workers:
                _dismiss(w)

    def _hand_out(
        self, tasks: Sequence[T], queue: deque[int], workers: list[_Worker], context: Any
    ) -> None:
        for w in workers:
            if queue and w.task is None and not (self.fresh and w.done):
                w.task = queue.popleft()
                _send(w, (_TASK, tasks[w.task]))
        while queue and len(workers) < self.processes:
            parent, child = context.Pipe()
            process = context.Process(target=_serve, args=(child, self.function), daemon=True)
            process.start()
            child.close()
            index = queue.popleft()
            w = _Worker(process, parent, index)
            _send(w, (_TASK, tasks[index]))
            workers.append(w)

    def _collect(self, tasks: Sequence[T], workers: list[_Worker]) -> Iterator[R]:
        busy = [w for w in workers if w.task is not None]
        ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy], _POLL_SECONDS)
        for w in busy:
            if w.conn not in ready and w.process.sentinel not in ready:
                continue
            assert w.task is not None
            task = tasks[w.task]
            try:
                kind, value = w.conn.recv()
            except (EOFError, OSError):  # ended without an answer: killed, or out of memory
                w.process.join(_JOIN_SECONDS)
                workers.remove(w)
                w.conn.close()
                yield self.lost(task, _how_it_ended(w.process))
                continue
            w.task, w.done = None, w.done + 1
            if kind == _ERROR:
                raise TaskError(f"a worker process failed: {value!r}") from value
            if self.fresh:
                workers.remove(w)
                _dismiss(w)
            yield value


_TASK, _STOP, _RESULT, _ERROR = "task", "stop", "result", "error"


def _send(w: _Worker, message: tuple[str, Any]) -> None:
    # A worker gone (or its pipe closed) is _collect's to see.
    with contextlib.suppress(OSError, ValueError):
        w.conn.send(message)


def _how_it_ended(process: BaseProcess) -> str:
    code = process.exitcode
    if code is None:
        return "no answer"
    if code < 0:
        try:
            return signal.Signals(-code).name
        except ValueError:
            return f"signal {-code}"
    return f"exit status {code}"


def _dismiss(w: _Worker) -> None:
    """Tell a worker to leave (end of its pipe), then make sure it does."""
    w.conn.close()
    w.process.join(_JOIN_SECONDS)
    if w.process.is_alive():
        w.process.kill()
        w.process.join()


def _serve(conn: Connection, function: Callable[[Any, Stop], Any]) -> None:
    """A worker's life: tasks from the pipe until it ends; a stop message (or the end of the
    pipe: the parent has gone) stops the current one."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    stop = Stop()
    tasks: queues.SimpleQueue[Any] = queues.SimpleQueue()
    threading.Thread(target=_listen, args=(conn, stop, tasks), daemon=True).start()
    while (task := tasks.get()) is not _END:
        try:
            answer: tuple[str, Any] = (_RESULT, function(task, stop))
        except Exception as exc:  # sent to the parent, which raises it as a TaskError
            answer = (_ERROR, exc)
        try:
            conn.send(answer)
        except (OSError, ValueError):  # the parent has gone
            return


_END = object()


def _listen(conn: Connection, stop: Stop, tasks: queues.SimpleQueue[Any]) -> None:
    """Read the pipe: tasks for the worker's loop, stop requests for its searches."""
    while True:
        try:
            kind, value = conn.recv()
        except (EOFError, OSError):
            stop.request()
            tasks.put(_END)
            return
        if kind == _STOP:
            stop.request()
        else:
            tasks.put(value)
