"""Keeps every projection caught up with the log, woken by the store after each commit."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import os
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import sqlalchemy.exc

from domain.errors import PlenaryError
from projections.runner import ProjectionRunner
from service.readside.rebuild import rebuild_all

log = logging.getLogger("plenary.projector")


class Projector:
    """One background task running every projection's ``catch_up`` whenever woken."""

    def __init__(self, runners: Sequence[ProjectionRunner[Any]], min_interval: float = 1.0) -> None:
        self.runners = list(runners)
        self.min_interval = min_interval
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._rebuild = False

    def wake(self, *_hint: object) -> None:
        """Ask for a catch-up soon; cheap, and safe to call after every commit."""
        self._wake.set()

    def rebuild_soon(self) -> None:
        """Build every view again from the first event on the next round: after an erasure,
        views hold texts that must not be shown again."""
        self._rebuild = True
        self._wake.set()

    def start(self) -> None:
        self._wake.set()
        self._task = asyncio.create_task(self._run(), name="plenary-projector")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def catch_up(self) -> None:
        """Run every projection up to the head now."""
        for runner in self.runners:
            await runner.catch_up()

    async def catch_up_to_now(self) -> None:
        """Apply what was recorded before this call, then stop: never chase the head.

        A step that reads less than a full batch has reached the head as it was; what came
        after waits for the next round. (Under steady load ``catch_up`` never stops: each
        step finds the events recorded during the one before, and saves views for them.)
        """
        for runner in self.runners:
            position = await runner.position()
            while True:
                new_position = await runner.step(position)
                # Positions are contiguous: the step read new_position - position events.
                if new_position - position < runner.batch_size:
                    break
                position = new_position

    async def round(self) -> None:
        """One round of the background task: ``catch_up_to_now``, then, if an erasure was read
        before or while catching up (``rebuild_soon``), every view rebuilt from the start."""
        await self.catch_up_to_now()
        if self._rebuild:
            await self._rebuild_all()

    async def rebuild(self, progress: Callable[[int], None] | None = None) -> int:
        """Build every view again from the first event, reading the log once
        (``rebuild_all``); the last position applied."""
        first = self.runners[0]
        projections = [runner.projection for runner in self.runners]
        try:
            return await rebuild_all(projections, first.source, first.views, progress=progress)
        finally:
            for runner in self.runners:
                runner.forget()  # what they remember predates the rebuild

    async def _rebuild_all(self) -> None:
        self._rebuild = False  # an erasure read while rebuilding asks for another round
        try:
            await self.rebuild()
        except BaseException:
            self._rebuild = True
            raise

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            try:
                await self.round()
                # Readers fold the stream's tail onto the stored view, so a view a little
                # behind costs nothing; batching commits keeps its writes off the hot path.
                await asyncio.sleep(self.min_interval)
            except (PlenaryError, sqlalchemy.exc.SQLAlchemyError, OSError):
                log.exception("projection catch-up failed; retrying on the next commit")
                await asyncio.sleep(1.0)
                self._wake.set()


class ProjectorProcess:
    """The projections in a child process: ``plenary project --follow-stdin``.

    Folding a second of a live workshop's events and saving a hundred board views takes tens
    of milliseconds of CPU; on the serving process's event loop (or a thread of it, which
    holds the GIL) every board's deliveries would wait behind it. The child reads the
    log and writes the read models on its own; ``wake`` sends it one byte (at most every
    ``wake_gap`` seconds) after commits. It exits when its stdin closes, so it never outlives
    the server, and it is started again if it dies.
    """

    STOP_SECONDS = 10.0

    def __init__(
        self,
        command: Sequence[str],
        env: Mapping[str, str] | None = None,
        *,
        wake_gap: float = 0.1,
        restart_after: float = 1.0,
    ) -> None:
        """Run ``command`` as the child (``for_database`` gives the projector's own)."""
        self._command = list(command)
        self._env = dict(os.environ if env is None else env)
        self._wake_gap = wake_gap
        self._restart_after = restart_after
        self._proc: asyncio.subprocess.Process | None = None
        self._watch: asyncio.Task[None] | None = None
        self._stopping = False
        self._last_wake = -math.inf
        self._trailing: asyncio.TimerHandle | None = None
        self.starts = 0
        """Child processes started, the first included (diagnostics and tests)."""

    @classmethod
    def for_database(cls, database_url: str, schema: str | None) -> ProjectorProcess:
        """``plenary project --follow-stdin`` on the log at ``database_url`` (and ``schema``)."""
        command = [sys.executable, "-m", "service.cli", "project", "--follow-stdin"]
        env = {**os.environ, "PLENARY_DATABASE_SCHEMA": schema or ""}
        return cls([*command, "--database", database_url], env)

    @property
    def pid(self) -> int | None:
        """The running child's process id."""
        return None if self._proc is None or self._proc.returncode is not None else self._proc.pid

    async def start(self) -> None:
        """Start the child and keep it running until ``stop``."""
        await self._spawn()
        self._watch = asyncio.create_task(self._keep_running(), name="plenary-projector-process")

    async def _spawn(self) -> None:
        self._proc = await asyncio.create_subprocess_exec(
            *self._command, stdin=asyncio.subprocess.PIPE, env=self._env
        )
        self._last_wake = -math.inf
        self.starts += 1

    async def _keep_running(self) -> None:
        while not self._stopping:
            assert self._proc is not None
            code = await self._proc.wait()
            if self._stopping:
                return
            log.warning("the projector process exited (%s); starting it again", code)
            await asyncio.sleep(self._restart_after)
            if not self._stopping:
                await self._spawn()

    def wake(self, *_hint: object) -> None:
        """Ask the child for a catch-up: cheap, and safe to call after every commit.

        One byte at most every ``wake_gap`` seconds; a wake inside the gap is sent at its
        end, so the last commit of a burst is never left for the child's slow poll.
        """
        if self._trailing is not None or self._stopping:
            return
        wait = self._last_wake + self._wake_gap - time.monotonic()
        if wait > 0:
            self._trailing = asyncio.get_running_loop().call_later(wait, self._send)
        else:
            self._send()

    def _send(self) -> None:
        self._trailing = None
        proc = self._proc
        if proc is None or proc.stdin is None or proc.returncode is not None or self._stopping:
            return
        self._last_wake = time.monotonic()
        with contextlib.suppress(ConnectionError, RuntimeError):
            proc.stdin.write(b"w")

    async def stop(self) -> None:
        """Close the child's stdin and wait for it to finish its step; kill it after
        ``STOP_SECONDS``."""
        self._stopping = True
        if self._trailing is not None:
            self._trailing.cancel()
            self._trailing = None
        if self._watch is not None:
            self._watch.cancel()
            await asyncio.gather(self._watch, return_exceptions=True)
        proc = self._proc
        if proc is None or proc.returncode is not None:
            return
        if proc.stdin is not None:
            proc.stdin.close()
        try:
            async with asyncio.timeout(self.STOP_SECONDS):
                await proc.wait()
        except TimeoutError:
            log.warning("the projector process did not stop in %s s; killing it", self.STOP_SECONDS)
            proc.kill()
            await proc.wait()
