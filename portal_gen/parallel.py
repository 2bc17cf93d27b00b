"""Share an ordered list of jobs with one forked helper process.

This process keeps working through the jobs in order and, just before each one, asks
whether it is still free (:meth:`JobShare.claim`); the helper takes jobs from the back
of the list. They meet wherever their speeds put the middle, so the split balances
itself whatever else the machine is doing. Nothing here knows what a job is: the
MkDocs adapter uses it to write the pages portal generated on the second core.

A helper never outlives this process's interest in it: :meth:`JobShare.finish` waits
for it and raises the first error it hit, :meth:`JobShare.stop` kills it, and it stops
by itself when its parent dies.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import traceback
from collections.abc import Callable
from typing import Any

JOBS_ENV = "PORTAL_JOBS"  # "1" turns sharing off, e.g. to compare with a one-process build


def usable_cores() -> int:
    """How many cores this process may use; ``PORTAL_JOBS`` can only lower it."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    limit = os.environ.get(JOBS_ENV, "").strip()
    return min(cores, int(limit)) if limit.isdigit() and int(limit) > 0 else cores


def can_share() -> bool:
    """Whether a helper process would help: a second core, and ``fork`` to start it cheaply."""
    return usable_cores() >= 2 and "fork" in multiprocessing.get_all_start_methods()


_PENDING: Any = object()


class RemoteTraceback(Exception):
    """The helper's traceback, chained as the cause of the error it raised."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text

    def __str__(self) -> str:
        return self.text


class JobFailed(Exception):
    """Raised by :meth:`JobShare.finish` when the helper's job ``index`` failed."""

    def __init__(self, index: int, error: BaseException) -> None:
        super().__init__(index, error)
        self.index = index
        self.error = error


class JobShare:
    """Jobs ``0..count-1``: this process claims from the front, a forked helper runs from the back.

    ``run(index)`` runs in the helper, on a copy of this process's memory as it was
    when :meth:`start` was called. Warnings the helper logs are logged again here
    by :meth:`finish`, so ``--strict`` counts them.
    """

    def __init__(self, count: int, run: Callable[[int], None]) -> None:
        self._count = count
        self._run = run
        context = multiprocessing.get_context("fork")
        self._lock = context.Lock()
        self._bounds: Any = context.RawArray("q", [0, count])  # [next job of ours, first job of the helper]
        self._reader, self._writer = context.Pipe(duplex=False)
        self._process = context.Process(target=self._serve, args=(os.getpid(),), daemon=True)
        self._first_theirs = count  # lowest job the helper is known to have taken
        self._outcome: Any = _PENDING  # (jobs run, failure or None) once received; None if it died

    def start(self) -> None:
        """Fork the helper; it starts taking jobs from the back at once."""
        self._process.start()
        self._writer.close()

    def claim(self, index: int) -> bool:
        """Whether job ``index`` is ours to run; call in increasing order of ``index``.

        False means the helper has run it or is running it. Raises the helper's error
        as soon as it reports one, so a failed build stops early.
        """
        if index < self._first_theirs:
            with self._lock:
                if index < self._bounds[1]:
                    self._bounds[0] = index + 1
                    return True
                self._first_theirs = self._bounds[1]
        if self._outcome is _PENDING and self._reader.poll():
            self._receive()
            self._raise_failure()
        return False

    def finish(self) -> int:
        """Wait for the helper to run its jobs; return how many it ran.

        Raises :class:`JobFailed` with the helper's error (its traceback chained as the
        cause) when a job failed, and :class:`RuntimeError` when the helper died.
        """
        self._receive()
        self._raise_failure()
        ran, _ = self._outcome
        return int(ran)

    def stop(self) -> None:
        """Kill the helper (after a failure here) and wait for it to go."""
        if self._outcome is _PENDING:
            self._process.kill()
            self._process.join()
            self._reader.close()
            self._outcome = None

    def _receive(self) -> None:
        if self._outcome is not _PENDING:
            return
        try:
            ran, failure, records = self._reader.recv()
            self._outcome = (ran, failure)
        except EOFError:
            self._outcome, records = None, []
        finally:
            self._process.join()
            self._reader.close()
        for name, level, message in records:
            logging.getLogger(name).log(level, "%s", message)

    def _raise_failure(self) -> None:
        if self._outcome is None:
            raise RuntimeError(f"the helper process died (exit code {self._process.exitcode})")
        _, failure = self._outcome
        if failure is not None:
            index, error, text = failure
            error.__cause__ = RemoteTraceback(text)
            raise JobFailed(index, error)

    # -- in the helper -----------------------------------------------------------------

    def _serve(self, parent: int) -> None:
        status = 1
        try:
            self._reader.close()
            records = _capture_warnings()
            ran, failure = 0, None
            while os.getppid() == parent and (index := self._take()) is not None:
                try:
                    self._run(index)
                except BaseException as exc:
                    failure = (index, _picklable(exc), traceback.format_exc())
                    break
                ran += 1
            self._writer.send((ran, failure, [(r.name, r.levelno, r.getMessage()) for r in records]))
            status = 0
        finally:
            # Skip interpreter shutdown: nothing to flush, and locks other threads of
            # the parent held at fork time (a progress bar's, say) must not be waited on.
            os._exit(status)

    def _take(self) -> int | None:
        with self._lock:
            mine, theirs = self._bounds
            if theirs <= mine:
                return None
            self._bounds[1] = theirs - 1
            return int(theirs - 1)


class _Collector(logging.Handler):
    def __init__(self, records: list[logging.LogRecord]) -> None:
        super().__init__(logging.WARNING)
        self.records = records

    def emit(self, record: logging.LogRecord) -> None:
        if not (self.records and self.records[-1] is record):  # seen again as it propagates
            self.records.append(record)


def _capture_warnings() -> list[logging.LogRecord]:
    """In the helper: keep warnings for the parent to log instead of printing them."""
    records: list[logging.LogRecord] = []
    collector = _Collector(records)
    loggers = [
        logging.getLogger(),
        *(
            logger
            for logger in logging.Logger.manager.loggerDict.values()
            if isinstance(logger, logging.Logger) and logger.handlers
        ),
    ]
    for logger in loggers:
        logger.handlers[:] = [collector]
    return records


def _picklable(exc: BaseException) -> BaseException:
    import pickle

    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc
