"""The child process of :mod:`supportops.scheduling.tour_portfolio`: one neighbourhood search, driven over its
standard input and output.

Requests (pickled, one after another on standard input): ``("setup", req, agents, rules, types, seed)`` builds
the tour model and the search (no answer); ``("run", start, until)`` goes on from ``start`` (model values, or
None to go on from its own solution) until the wall-clock time ``until`` (``time.time()``) and answers
``("done", objective, values, stalled, exhausted)`` (see :class:`supportops.scheduling.tour_moves.Search`), or
``("error", text)`` when the setup or the run failed. The process ends at the end of its input. Whatever else
writes to standard output (a solver's log) goes to standard error.
"""

from __future__ import annotations

import os
import pickle
import sys
import time
from typing import IO, Any


def serve(requests: IO[bytes], answers: IO[bytes]) -> None:
    """Answer ``requests`` until they end."""
    from supportops.scheduling.tour_moves import Search

    search: Search | None = None
    failed = "no setup"

    def answer(message: tuple[Any, ...]) -> None:
        pickle.dump(message, answers, protocol=pickle.HIGHEST_PROTOCOL)
        answers.flush()

    while True:
        try:
            request = pickle.load(requests)
        except EOFError:
            return
        if request[0] == "setup":
            try:
                req, agents, rules, types, seed = request[1:]
                search = Search(req, agents, rules, types, seed=seed)
            except Exception as exc:  # reported on every run: the parent then searches without this child
                search, failed = None, f"setup: {exc}"
            continue
        if search is None:
            answer(("error", failed))
            continue
        try:
            start, until = request[1:]
            if start is not None:
                search.load(start)
            search.run(until - time.time(), lambda _t: None)
            answer(("done", search.objective(), search.values(), search.stalled, search.exhausted))
        except Exception as exc:  # the parent goes on without this child
            answer(("error", f"run: {exc}"))


def main() -> None:
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # stray output must not corrupt the answers
    serve(sys.stdin.buffer, answers)


if __name__ == "__main__":
    main()
