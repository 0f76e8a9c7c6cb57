"""Helpers for tests that run `briefbot serve` as real OS processes against the loopback fakes.

``serving(env, cwd)`` starts one process (``python -m bot.cli serve --port 0``) and kills it if the test leaves
it running; its stderr is read as JSON log lines (``Lines``), so a test waits on what the process says, never on
the clock. ``HoldingSlack`` is the fake Slack Web API holding chat.postMessage open until the test lets it go.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from adapters.testing.slack_api import FakeSlackAPI

ROOT = Path(__file__).resolve().parents[2]
BOT_TOKEN = "xoxb-process-test-0000-SECRETVALUE"
SIGNING = "process-test-signing-secret-value"
WITHIN = 30.0  # generous: a loaded CI machine starts Python, discord.py and bolt slowly
READY = "briefbot serve ready on port"
STOPPED = "briefbot serve stopped cleanly"


class HoldingSlack(FakeSlackAPI):
    """The fake Slack Web API, holding the first ``hold`` chat.postMessage calls (None: all) until ``release``.

    With ``drop_held`` set when released, the held posts end as if they never reached Slack: nothing is stored
    and the call is not recorded.
    """

    def __init__(self, hold: int | None = None) -> None:
        super().__init__()
        self.hold = hold
        self.arrived = 0  # chat.postMessage calls received, held or not
        self.release = asyncio.Event()
        self.drop_held = False
        self._arrivals = asyncio.Condition()

    async def wait_arrived(self, count: int = 1, within: float = WITHIN) -> None:
        """Wait until ``count`` chat.postMessage calls have arrived (answered or still held)."""
        async with self._arrivals:
            await asyncio.wait_for(self._arrivals.wait_for(lambda: self.arrived >= count), within)

    async def _on_api(self, request: web.Request) -> web.Response:
        if request.match_info["method"] == "chat.postMessage":
            self.arrived += 1
            held = self.hold is None or self.arrived <= self.hold
            async with self._arrivals:
                self._arrivals.notify_all()
            if held:
                await request.read()  # the body is kept: the post still lands if its sender dies meanwhile
                await self.release.wait()
                if self.drop_held:
                    raise web.HTTPServiceUnavailable()
        return await super()._on_api(request)


class Lines:
    """The JSON log lines of a process's stderr, read as they come."""

    def __init__(self, stream: asyncio.StreamReader) -> None:
        self.records: list[dict[str, Any]] = []
        self.raw: list[str] = []
        self._changed = asyncio.Condition()
        self.task = asyncio.create_task(self._read(stream))

    async def _read(self, stream: asyncio.StreamReader) -> None:
        while line := await stream.readline():
            text = line.decode("utf-8", "replace").rstrip("\n")
            self.raw.append(text)
            with contextlib.suppress(json.JSONDecodeError):
                self.records.append(json.loads(text))
            async with self._changed:
                self._changed.notify_all()
        async with self._changed:  # the end of the stream wakes waiters too
            self._changed.notify_all()

    def matching(self, found: Callable[[dict[str, Any]], bool]) -> list[dict[str, Any]]:
        """Return the records logged so far that satisfy ``found``."""
        return [r for r in self.records if found(r)]

    async def wait_for(
        self, found: Callable[[dict[str, Any]], bool], count: int = 1, within: float = WITHIN
    ) -> dict[str, Any]:
        """Wait until ``count`` records satisfying ``found`` were logged; return the first."""

        def enough() -> bool:
            return len(self.matching(found)) >= count or self.task.done()

        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(enough), within)
        records = self.matching(found)
        assert len(records) >= count, "\n".join(self.raw[-30:])
        return records[0]

    def tail(self, n: int = 30) -> str:
        """Return the last ``n`` raw lines, for assertion messages."""
        return "\n".join(self.raw[-n:])


def message_has(words: str) -> Callable[[dict[str, Any]], bool]:
    """Match the log records whose message contains ``words``."""
    return lambda record: words in str(record.get("message"))


def serve_env(db: str | Path, slack: FakeSlackAPI | None = None, **extra: str) -> dict[str, str]:
    """Return a `briefbot serve` environment: this one without Briefbot or platform settings, plus ``db``,
    JSON logs, Slack in HTTP mode against ``slack`` (when given) and ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BRIEFBOT_", "SLACK_", "DISCORD_", "PORT"))}
    env.update(BRIEFBOT_DB=str(db), BRIEFBOT_LOG_FORMAT="json", PYTHONPATH=str(ROOT))
    if slack is not None:
        env.update(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING, SLACK_API_URL=slack.base_url)
    env.update(extra)
    return env


class Served:
    """One running `briefbot serve` process: its log lines and, once ready, its port."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        assert proc.stderr is not None
        self.proc = proc
        self.lines = Lines(proc.stderr)
        self.port = 0

    @property
    def pid(self) -> int:
        """Return the process id."""
        return self.proc.pid

    @property
    def base(self) -> str:
        """Return the base URL of its HTTP server (once ready)."""
        return f"http://127.0.0.1:{self.port}"

    async def ready(self, within: float = WITHIN) -> int:
        """Wait for the "ready" line; return the port it listens on."""
        record = await self.lines.wait_for(message_has(READY), within=within)
        self.port = int(record["message"].split(f"{READY} ")[1].split(":")[0])
        return self.port

    async def get(self, session: aiohttp.ClientSession, path: str) -> tuple[int, Any]:
        """GET ``path``; return the status and the JSON body."""
        async with session.get(f"{self.base}{path}") as resp:
            return resp.status, await resp.json()

    async def terminate(self, within: float = WITHIN) -> int:
        """Send SIGTERM and wait for the exit code (and the end of its log)."""
        self.proc.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(self.proc.wait(), within)
        await asyncio.wait_for(self.lines.task, within)
        return code

    async def kill(self) -> None:
        """SIGKILL the process (no drain, no clean-up) and wait for it to end."""
        self.proc.send_signal(signal.SIGKILL)
        await self.proc.wait()
        await self.lines.task


@contextlib.asynccontextmanager
async def serving(env: dict[str, str], cwd: Path) -> AsyncIterator[Served]:
    """Start `briefbot serve --port 0` on 127.0.0.1 with ``env``; kill it on the way out if still running."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "serve", "--port", "0", "--host", "127.0.0.1",
        cwd=cwd, env=env, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    served = Served(proc)
    try:
        yield served
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        served.lines.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await served.lines.task
