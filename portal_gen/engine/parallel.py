"""Share an ordered list of jobs with one forked helper process.

This process goes through the jobs in order, alongside other work of its own, and
just before each job asks whether to run it itself (:meth:`JobShare.claim`); the
helper takes the jobs nobody has taken, from the back of the list. A claim weighs
what each side has left, from recent timings, so both finish together whatever
else the machine is doing. Nothing here knows what a job is: the MkDocs
adapter uses it to write the pages portal generated on a second core.

A helper never outlives this process's interest in it: :meth:`JobShare.finish` waits
for it and raises the error it hit, :meth:`JobShare.stop` kills it, and it stops by
itself when its parent dies.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import logging
import multiprocessing
import os
import pickle
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

JOBS_ENV = "PORTAL_JOBS"  # PORTAL_JOBS=1 builds in one process, e.g. to compare outputs

_FREE, _OURS, _THEIRS = 0, 1, 2
_PENDING: Any = object()


def usable_cores() -> int:
    """How many cores this process may use; ``PORTAL_JOBS`` can only lower it."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    limit = os.environ.get(JOBS_ENV, "").strip()
    return min(cores, int(limit)) if limit.isdigit() and int(limit) > 0 else cores


def can_share() -> bool:
    """Whether a helper would help: a second core, and ``fork`` to start it cheaply."""
    return usable_cores() >= 2 and "fork" in multiprocessing.get_all_start_methods()


class RemoteTraceback(Exception):
    """The helper's traceback, chained as the cause of the error it raised."""

    def __str__(self) -> str:
        return str(self.args[0])


class JobFailed(Exception):
    """Raised by :class:`JobShare` when job ``index`` raised ``error`` (in the helper, or
    in :meth:`JobShare.run_rest`)."""

    def __init__(self, index: int, error: BaseException) -> None:
        super().__init__(index, error)
        self.index = index
        self.error = error


class JobShare:
    """Jobs ``0..count-1``, shared between this process and one forked helper.

    ``run(index)`` runs in the helper, on a copy of this process's memory as it was
    when :meth:`start` was called. Warnings the helper logs are logged again here
    once it is done, so ``mkdocs build --strict`` counts them.
    """

    def __init__(self, run: Callable[[int], None], count: int) -> None:
        self._count = count
        self._run = run
        self.weigh([1.0] * count)
        context = multiprocessing.get_context("fork")
        self._lock = context.Lock()
        self._states: Any = context.RawArray("b", count)  # _FREE, _OURS or _THEIRS, under the lock
        self._shared: Any = context.RawArray("d", [count, 0.0])  # free jobs; helper's seconds a job
        self._reader, self._writer = context.Pipe(duplex=False)
        self._process = context.Process(target=self._serve, args=(os.getpid(),), daemon=True)
        self._outcome: Any = _PENDING  # (jobs it ran, failure or None); None if it died
        # Recent timings here: seconds a job, and seconds and weight of the work between jobs.
        self._mark: float | None = None
        self._job_seconds = 0.0
        self._other_seconds = 0.0
        self._other_weight = 0.0

    def start(self) -> None:
        """Fork the helper; it starts on the last job at once."""
        self._process.start()
        self._writer.close()

    def weigh(self, weights: Sequence[float]) -> None:
        """Say how much of this process's own work comes with each job, in any unit.

        That work is done whoever runs the job; claims convert weights to seconds from
        what they measure. Until this is called every job weighs the same. Call it
        after :meth:`start` when the weights take a while to find: the helper is at
        work meanwhile.
        """
        self._weights = weights
        self._weight_after = list(itertools.accumulate(reversed([*weights[1:], 0.0])))[::-1]

    def claim(self, index: int) -> bool:
        """Whether this process should run job ``index`` now; call in increasing ``index``.

        Call :meth:`done` when a claimed job is finished. A job this process does not
        claim is (or will be) the helper's. Once the helper has failed, nothing is
        claimed any more: :meth:`finish` reports its error, not a later one here.
        """
        if self._outcome is _PENDING and self._reader.poll():
            self._receive()
        if self._outcome is not _PENDING:
            return False  # the helper is done: it took every job left, or it failed
        now = time.monotonic()
        if self._mark is not None:  # the work since the last job led up to this one
            self._other_seconds = _recent(self._other_seconds, now - self._mark)
            self._other_weight = _recent(self._other_weight, self._weights[index])
        self._mark = now
        with self._locked(lambda: self._process.is_alive()):
            if self._states[index] == _FREE and self._worth_it(index):
                self._states[index] = _OURS
                self._shared[0] -= 1
                return True
        return False

    def done(self) -> None:
        """Record that the job last claimed is finished (its time guides later claims)."""
        now = time.monotonic()
        if self._mark is not None:
            self._job_seconds = _recent(self._job_seconds, now - self._mark)
        self._mark = now

    def run_rest(self) -> int:
        """After the last claim: run here the jobs still free, lowest first, while the
        helper runs its own from the top; return how many ran here.

        Claims weigh what is left from estimates, and this process's own work on the
        last jobs can turn out lighter than they said (GitHub's portal: its last pages
        are models, a third as long to search): instead of waiting for the helper at
        the end, this process meets it in the middle of what is left.
        """
        ran, low = 0, 0
        while self._outcome is _PENDING and not self._reader.poll():
            with self._locked(lambda: self._process.is_alive()):
                index = self._take_first(range(low, self._count), _OURS)
            if index < 0:
                break
            try:
                self._run(index)
            except Exception as exc:
                self.stop()
                raise JobFailed(index, exc) from exc
            except BaseException:
                self.stop()
                raise
            ran, low = ran + 1, index + 1
        return ran

    def finish(self) -> int:
        """Wait for the helper to run its jobs; return how many it ran.

        Raises :class:`JobFailed` when one of its jobs failed (the helper's traceback
        chained as the cause) and :class:`RuntimeError` when the helper died.
        """
        self._receive()
        ran, failure = self._outcome
        if ran is None:
            raise RuntimeError(f"the helper process died (exit code {self._process.exitcode})")
        if failure is not None:
            index, error, text = failure
            error.__cause__ = RemoteTraceback(text)
            raise JobFailed(index, error)
        return int(ran)

    def stop(self) -> None:
        """Kill the helper (this process failed) and wait for it to go."""
        if self._outcome is _PENDING:
            self._outcome = (0, None)
            self._process.kill()
            self._process.join()
            self._reader.close()

    def _worth_it(self, index: int) -> bool:
        """Claim if the helper's queue still outlasts our own work left after this job."""
        if not self._job_seconds:
            return True  # measure one first
        free, theirs = self._shared
        per_weight = self._other_seconds / self._other_weight if self._other_weight else 0.0
        ours_left = self._job_seconds + self._weight_after[index] * per_weight
        return bool((free - 1) * (theirs or self._job_seconds) >= ours_left)

    def _receive(self) -> None:
        """Wait for the helper's report, once; log again the warnings it collected."""
        if self._outcome is not _PENDING:
            return
        try:
            ran, failure, records = self._reader.recv()
        except EOFError:
            ran, failure, records = None, None, []
        finally:
            self._process.join()
            self._reader.close()
        self._outcome = (ran, failure)
        for name, level, message in records:
            logging.getLogger(name).log(level, "%s", message)

    @contextlib.contextmanager
    def _locked(self, other_alive: Callable[[], bool]) -> Iterator[None]:
        """Hold the lock; give up if the other process died (perhaps holding it)."""
        while not self._lock.acquire(timeout=1.0):
            if not other_alive():
                raise RuntimeError("the process sharing the jobs died")
        try:
            yield
        finally:
            self._lock.release()

    # -- in the helper -----------------------------------------------------------------

    def _serve(self, parent: int) -> None:
        status = 1
        # What this copy of the parent holds is never garbage here: collections skip it
        # (and so write to none of its pages, which stay shared with the parent).
        gc.freeze()
        try:
            self._reader.close()
            records = _capture_warnings()
            ran, failure, index = 0, None, self._count
            while os.getppid() == parent and (index := self._take(index, parent)) >= 0:
                started = time.monotonic()
                try:
                    self._run(index)
                except BaseException as exc:
                    failure = (index, picklable(exc), traceback.format_exc())
                    break
                ran += 1
                self._shared[1] = _recent(self._shared[1], time.monotonic() - started)
            self._writer.send((ran, failure, [(r.name, r.levelno, r.getMessage()) for r in records]))
            status = 0
        finally:
            # Skip interpreter shutdown: there is nothing to flush, and a lock another
            # thread of the parent held at fork time (a progress bar's) would never free.
            os._exit(status)

    def _take(self, below: int, parent: int) -> int:
        """The highest free job below ``below``, now the helper's; -1 when none is left."""
        with self._locked(lambda: os.getppid() == parent):
            return self._take_first(range(below - 1, -1, -1), _THEIRS)

    def _take_first(self, indices: Iterable[int], owner: int) -> int:
        """The first free job of ``indices``, now ``owner``'s; -1 when none is free.
        Call with the lock held."""
        for index in indices:
            if self._states[index] == _FREE:
                self._states[index] = owner
                self._shared[0] -= 1
                return index
        return -1


def _recent(average: float, sample: float) -> float:
    """A moving average that follows the last few dozen samples (the first one starts it)."""
    return sample if not average else average + (sample - average) / 16


class _Collector(logging.Handler):
    def __init__(self, records: list[logging.LogRecord]) -> None:
        super().__init__(logging.WARNING)
        self.records = records

    def emit(self, record: logging.LogRecord) -> None:
        if not (self.records and self.records[-1] is record):  # seen again as it propagates
            self.records.append(record)


def _capture_warnings() -> list[logging.LogRecord]:
    """In the helper: keep warnings for the parent to log, instead of printing them."""
    records: list[logging.LogRecord] = []
    collector = _Collector(records)
    loggers = [logging.getLogger()]
    loggers += [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger) and logger.handlers
    ]
    for logger in loggers:
        logger.handlers[:] = [collector]
    return records


def picklable(exc: BaseException) -> BaseException:
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc
