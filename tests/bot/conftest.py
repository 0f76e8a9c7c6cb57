"""CLI fixtures: ``run`` invokes ``briefbot ARGS`` in-process, as a user would type it."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.cli import main


@dataclass
class Ran:
    """What one CLI run printed and returned."""

    returncode: int
    stdout: str
    stderr: str


Run = Callable[..., Ran]


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Run:
    """Run ``briefbot ARGS`` in this process, as a user would type it; return its exit code and output."""
    monkeypatch.chdir(tmp_path)  # no stray .env or ./briefbot.db
    monkeypatch.delenv("BRIEFBOT_DB", raising=False)

    def invoke(*args: str, db: Path | None = None, stdin: str | None = None, env: dict | None = None) -> Ran:
        with monkeypatch.context() as m:
            if db is not None:
                m.setenv("BRIEFBOT_DB", str(db))
            for key, value in (env or {}).items():
                m.setenv(key, value)
            m.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO((stdin or "").encode("utf-8")), encoding="utf-8"))
            capsys.readouterr()
            try:
                code = main(list(args))
            except SystemExit as exc:  # argparse: --help, --version, usage errors
                code = exc.code if isinstance(exc.code, int) else 2
            out = capsys.readouterr()
        return Ran(code, out.out, out.err)

    return invoke


