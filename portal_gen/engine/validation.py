"""The spec's validation, in a forked process while the pages render; its verdict kept in
the page cache by the spec's digest, and each schema's meta-schema verdict by its hash."""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import threading
import traceback
from typing import Any

from ..checks.rules import example_problems
from ..checks.spec import SchemaVerdicts, iter_spec_problems
from ..errors import Diagnostic, PortalError
from ..load.spec import SpecSource
from .cache import PageCache
from .collector import collect_fully_less_often
from .keys import digest, validator_digest
from .parallel import RemoteTraceback, picklable


class Validation:
    """The spec's validation (:func:`spec_problems`), computed now or in the background.

    Validating a big spec takes as long as rendering it (tens of seconds for GitHub's),
    so a build validates in a forked process on the other core while it renders, and
    publishes nothing until the verdict is in (see ``problems``).
    """

    def __init__(
        self, source: SpecSource, background: bool, cache: PageCache | None = None, spec_key: str = ""
    ) -> None:
        self._problems: list[Diagnostic] | None = None
        self._process: Any = None
        self._reader: Any = None
        self._cache = cache
        self._key = ""
        self._verdicts: SchemaVerdicts | None = None
        self._lock = threading.Lock()
        self._failure: BaseException | None = None
        if cache is not None:
            # The verdict depends on the spec's files and the validator's code alone.
            self._key = digest("validation", validator_digest(), spec_key or spec_digest(source))
            self._problems = cache.validation(self._key)
            if self._problems is not None:
                cache.mark_used(_verdicts_key())  # kept for the next edit of the spec
                return
            # A spec seen before but for an edit: its unchanged schemas pass again unchecked.
            self._verdicts = SchemaVerdicts(cache.schema_verdicts(_verdicts_key()))
        if background and "fork" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("fork")
            self._reader, writer = context.Pipe(duplex=False)
            self._process = context.Process(target=_validate_into, args=(source, self._verdicts, writer), daemon=True)
            self._process.start()
            writer.close()
        else:
            self._problems = spec_problems(source, self._verdicts)
            self._keep(self._verdicts.used if self._verdicts is not None else None)

    def _keep(self, passed: set[str] | None) -> None:
        if self._cache is not None and self._problems is not None:
            self._cache.keep_validation(self._key, self._problems)
            if passed is not None:
                self._cache.keep_schema_verdicts(_verdicts_key(), passed)

    def problems(self) -> list[Diagnostic]:
        """Every spec problem found; waits for the background process if there is one.

        Safe from several threads (``serve`` waits for it in one while rebuilding)."""
        with self._lock:
            return self._wait()

    def _wait(self) -> list[Diagnostic]:
        if self._problems is None and self._failure is None:
            try:
                outcome = self._reader.recv()
            except EOFError:
                outcome = RuntimeError("the spec validation process died without an answer")
            self._process.join()
            self._reader.close()
            if isinstance(outcome, BaseException):
                self._failure = outcome  # raised to every caller, not read twice
            elif isinstance(outcome[0], BaseException):  # a bug in the child: its traceback as the cause
                error, text = outcome
                error.__cause__ = RemoteTraceback(f"spec validation failed in its process:\n{text}")
                self._failure = error
            else:
                self._problems, passed = outcome
                self._keep(passed)
        if self._failure is not None:
            raise self._failure
        assert self._problems is not None
        return self._problems

    def raise_problems(self) -> None:
        """Raise the problems that stop a build (the validator finds none: see ``warnings``)."""
        errors = [d for d in self.problems() if d.severity == "error"]
        if errors:
            raise PortalError.from_diagnostics(errors)

    def warnings(self) -> list[Diagnostic]:
        """What the validator found that a reader can live with: the build goes on."""
        return [d for d in self.problems() if d.severity != "error"]


def spec_problems(source: SpecSource, verdicts: SchemaVerdicts | None = None) -> list[Diagnostic]:
    """What reading the spec found (broken internal ``$ref``s), what openapi-spec-validator
    finds, and the examples that do not match their schema: warnings all (the build
    goes on, ``--strict`` and ``portal check`` fail)."""
    return [*source.problems, *iter_spec_problems(source, verdicts), *example_problems(source)]


def _verdicts_key() -> str:
    return digest("schema-verdicts", validator_digest())


def _validate_into(source: SpecSource, verdicts: SchemaVerdicts | None, writer: Any) -> None:
    gc.freeze()  # in the forked process: what it inherited is never garbage there
    collect_fully_less_often()  # this process ends with the validation
    try:
        problems = spec_problems(source, verdicts)
        writer.send((problems, verdicts.used if verdicts is not None else None))
    except BaseException as exc:  # a bug in validation: hand it, with its traceback, to the parent
        writer.send((picklable(exc), traceback.format_exc()))
    finally:
        writer.close()


def spec_digest(source: SpecSource) -> str:
    """The spec's files, by name and text: what its validation verdict depends on."""
    # Hashed as they are: through digest()'s JSON, GitHub's 13 MB spec took a quarter
    # of a second of every warm build.
    hasher = hashlib.sha256()
    for display, text in sorted((d.display, d.text) for d in (source.root, *source.documents.values())):
        for part in (display, text):
            data = part.encode("utf-8", errors="surrogatepass")
            hasher.update(len(data).to_bytes(8, "big") + data)
    return hasher.hexdigest()
