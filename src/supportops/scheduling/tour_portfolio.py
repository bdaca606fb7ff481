"""A cooperative portfolio of neighbourhood searches: one per worker, each in its own process.

A step of :mod:`supportops.scheduling.tour_moves` spends most of its time in HiGHS (which lets go of the
interpreter lock) and about a quarter building its model in Python (which holds it), so searches in threads
would wait on each other; in processes each has a core. With ``workers`` ≥ 2 this module runs
``workers - 1`` more searches in child processes beside the one in the calling process, each from the same
start with its own seed. They run in rounds of :data:`ROUND_S` seconds; after each round the caller's search
takes the best solution found when its own is worse, and a child goes on from its own solution while it
gains or has whole-day windows left to try, and otherwise descends anew from the first start, so the
searches share the incumbent while their windows differ. The best solution seen is returned. With one worker
(or when no child process can be started) the search runs alone, as
:func:`supportops.scheduling.tour_moves.neighbourhood_search` does.

A child is a fresh interpreter running :mod:`supportops.scheduling.search_worker` (not a fork, which is unsafe
after OR-Tools' and HiGHS's threads have run, and not ``multiprocessing``'s spawn, which would run the caller's
main script again when it has no ``if __name__ == "__main__"`` guard); requests and answers are pickled over
its standard input and output. The children are started (and build their tour model) when the
:class:`Portfolio` is made, which :func:`supportops.scheduling.solve.build_schedule` does before the tour
stage, so the start-up costs no search time.
"""

from __future__ import annotations

import os
import pickle
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import IO, Any

from supportops.scheduling.rules import Agent, Requirements, Rules
from supportops.scheduling.shifts import ShiftType
from supportops.scheduling.tour_moves import Search
from supportops.scheduling.tour_solve import Placed, Values

__all__ = ["ROUND_S", "Portfolio"]

ROUND_S = 12.0
"""Seconds between exchanges of the incumbent (long enough for a two-day window step)."""


class _Child:
    """One search in a child process: requests go to its standard input, answers are read by a thread."""

    def __init__(self, setup: tuple[Any, ...]) -> None:
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "supportops.scheduling.search_worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )
        self.answers: queue.Queue[Any] = queue.Queue()
        self.pending = 0
        assert self.proc.stdout is not None
        self.reader = threading.Thread(target=self._read, args=(self.proc.stdout,), daemon=True)
        self.reader.start()
        self.send(("setup", *setup))

    def _read(self, out: IO[bytes]) -> None:
        try:
            while True:
                self.answers.put(pickle.load(out))
        except (EOFError, OSError, pickle.UnpicklingError):
            self.answers.put(None)  # the child has ended

    def send(self, message: tuple[Any, ...]) -> bool:
        try:
            assert self.proc.stdin is not None
            pickle.dump(message, self.proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            self.proc.stdin.flush()
        except (OSError, ValueError):
            return False
        self.pending += 1
        return True

    def receive(self, wait_s: float) -> Any:
        """The next answer, or None when there is none within ``wait_s`` or the child has ended."""
        try:
            answer = self.answers.get(timeout=max(0.01, wait_s))
        except queue.Empty:
            return None
        self.pending -= 1
        return answer

    def close(self) -> None:
        try:
            if self.proc.stdin is not None:
                self.proc.stdin.close()  # the child ends at the end of its input
            self.proc.wait(timeout=1.0)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
        self.reader.join(timeout=1.0)  # it reads to the end of the child's output, then ends
        if self.proc.stdout is not None:
            self.proc.stdout.close()


class Portfolio:
    """Searches in ``workers - 1`` child processes beside the caller's; :meth:`search` runs them all.

    Use as a context manager, or call :meth:`close` (the children end)."""

    def __init__(
        self,
        req: Requirements,
        agents: list[Agent],
        rules: Rules,
        types: tuple[ShiftType, ...],
        *,
        workers: int,
        seed: int,
    ) -> None:
        self.req, self.agents, self.rules, self.types = req, agents, rules, types
        self.children: list[_Child] = []
        self.answers = 0
        """Rounds the children have answered (what they found took part in the choice of the best)."""
        for c in range(max(0, workers - 1)):
            try:
                self.children.append(_Child((req, agents, rules, types, seed + 1000 * (c + 1))))
            except OSError:  # no processes here (a sandbox, a frozen app): the caller's search runs alone
                break

    def __enter__(self) -> Portfolio:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        for child in self.children:
            child.close()
        self.children = []

    def search(
        self,
        weeks: list[list[Placed]],
        *,
        deadline_s: float,
        seed: int,
        progress: Callable[[str], None] | None = None,
    ) -> list[list[Placed]]:
        """The best weeks the searches reach from ``weeks`` within ``deadline_s`` seconds (or until all have
        stalled). ``seed`` draws the caller's windows. Raises ComputationError when a week breaks a rule."""
        started = time.perf_counter()
        say = progress or (lambda _t: None)
        mine = Search(self.req, self.agents, self.rules, self.types, seed=seed)
        mine.load(weeks)
        hours = mine.hours
        best_obj, best = mine.objective(), mine.values()
        origin, origin_obj = best, best_obj
        say(f"tour moves: from objective {best_obj * hours:,.1f} h ({1 + len(self.children)} searches)")
        start: list[Values | None] = [origin] * len(self.children)  # what each child starts its next round from
        last = [best_obj] * len(self.children)  # each child's objective after its last round
        alive = [True] * len(self.children)
        rounds = 0

        def left() -> float:
            return deadline_s - (time.perf_counter() - started)

        while left() > 1.2:
            rounds += 1
            # alone (one worker, or no child could start) there is nothing to exchange: one round to the end
            seconds = min(ROUND_S, left() - 0.2) if self.children else left() - 0.2
            until = time.time() + seconds  # the wall clock: the same in every process
            asked = [alive[c] and child.send(("run", start[c], until)) for c, child in enumerate(self.children)]
            mine.run(seconds, say)
            results: list[tuple[int, Values, bool, bool] | None] = []
            for c, child in enumerate(self.children):
                answer = child.receive(max(0.5, left() + 0.5)) if asked[c] else None
                if isinstance(answer, tuple) and answer[0] == "done":
                    results.append((answer[1], answer[2], answer[3], answer[4]))
                    self.answers += 1
                else:  # a child that fails or is late leaves the portfolio, never the run
                    results.append(None)
                    alive[c] = False
            found = [(mine.objective(), mine.values())] + [(r[0], r[1]) for r in results if r is not None]
            round_obj, round_values = min(found, key=lambda r: r[0])
            if round_obj < best_obj:
                best_obj, best = round_obj, round_values
                say(f"tour moves: round {rounds}, best of {len(found)} searches {best_obj * hours:,.1f} h")
            if mine.objective() > best_obj:
                mine.load(best)
            for c, r in enumerate(results):
                if r is None:
                    continue
                # a child goes on while it gains or has whole days left to try; then it descends anew from the
                # first start
                start[c] = None if r[0] < last[c] or r[0] < best_obj or not r[3] else origin
                last[c] = r[0] if start[c] is None else origin_obj
            if mine.stalled and all(r is None or r[2] for r in results):
                break  # every search has stalled (small instances)
        mine.load(best)
        say(f"tour moves: {rounds} rounds of {1 + sum(alive)} searches, objective {best_obj * hours:,.1f} h")
        return mine.weeks()
