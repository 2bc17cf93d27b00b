"""The garbage collector during a build: paused while the spec is modelled (its objects
hold no cycles), full collections rarer while pages are made; restored after."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """No garbage collection meanwhile: for work that makes many objects that live on
    and few garbage cycles (parsing a spec, modelling it, a quick rebuild). Each
    collection would walk every object again for little: a third of the time parsing
    GitHub's spec took. What is left to collect is collected afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# Young collections between two full ones (CPython's default: 10). A build makes objects
# that live as long as it does (the model, the navigation, memos of what it rendered),
# and each full collection walks every one made since the last gc.freeze(): GitHub's cold
# build spent 0.3 s of CPU, over its four processes, in 16 full collections that freed
# almost nothing (peak RSS 237 MB with them, 240 MB without). Young collections run as
# before: the cycles a page leaves (Jinja's contexts and modules) go with them.
FULL_COLLECTIONS_EVERY = 100


def collect_fully_less_often() -> tuple[int, int, int]:
    """Make full garbage collections rarer (:data:`FULL_COLLECTIONS_EVERY`); return the
    thresholds to restore with ``gc.set_threshold(*old)`` once the build is over."""
    old = gc.get_threshold()
    gc.set_threshold(old[0], old[1], max(old[2], FULL_COLLECTIONS_EVERY))
    return old
