"""The operator's endpoints of `briefbot serve`: ``GET /healthz``, ``GET /readyz`` and ``GET /metrics``."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.logs import Redactor
from briefings.metrics import CONTENT_TYPE, Metrics

log = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
METRICS_PATH = "/metrics"
DB_TIMEOUT = 2.0  # seconds a readiness probe waits for the database (probes themselves time out at 1 to 10 s)


class Health:
    """What the probes read: the database check, each configured platform's connection, and draining."""

    def __init__(
        self,
        metrics: Metrics,
        *,
        db_check: Callable[[], Awaitable[Any]],
        redact: Callable[[str], str] | None = None,
        db_timeout: float = DB_TIMEOUT,
    ) -> None:
        self.metrics = metrics
        self.db_check = db_check
        self.redact = redact or Redactor()
        self.db_timeout = db_timeout
        self.draining = False
        self._platforms: dict[str, Callable[[], bool]] = {}

    def watch(self, platform: str, connected: Callable[[], bool]) -> None:
        """Make readiness depend on ``platform`` being connected, as ``connected()`` tells."""
        self._platforms[platform] = connected
        self.metrics.platform_connected.labels(platform=platform).set_function(lambda: float(_safe(connected)))

    def drain(self) -> None:
        """Stop being ready (shutting down): load balancers send no more work."""
        self.draining = True
        self.metrics.ready.set(0)

    async def readiness(self) -> tuple[bool, dict[str, Any]]:
        """Return whether the process is ready and a JSON-able account of why (not)."""
        reasons: list[str] = []
        if self.draining:
            reasons.append("shutting down: draining in-flight work")
        database = "ok"
        try:
            await asyncio.wait_for(self.db_check(), self.db_timeout)
        except TimeoutError:
            database = f"no answer within {self.db_timeout:g} s"
        except Exception as exc:  # any failure means "not ready", with the reason shown to the operator
            database = self.redact(f"{type(exc).__name__}: {getattr(exc, 'message', None) or exc}")[:300]
        if database != "ok":
            reasons.append(f"database: {database}")
        platforms = {name: _safe(connected) for name, connected in self._platforms.items()}
        reasons += [f"{name}: not connected" for name, ok in platforms.items() if not ok]
        ready = not reasons
        if not self.draining:
            self.metrics.ready.set(1 if ready else 0)
        body: dict[str, Any] = {
            "ready": ready,
            "database": database,
            "platforms": {name: "connected" if ok else "not connected" for name, ok in platforms.items()},
        }
        if reasons:
            body["reasons"] = reasons
        return ready, body

    def add_routes(self, app: web.Application) -> None:
        """Add ``/healthz``, ``/readyz`` and ``/metrics`` to ``app``."""
        app.router.add_get(HEALTH_PATH, self.on_healthz)
        app.router.add_get(READY_PATH, self.on_readyz)
        app.router.add_get(METRICS_PATH, self.on_metrics)

    async def on_healthz(self, request: web.Request) -> web.Response:
        """Answer 200 while the process runs (liveness)."""
        return web.json_response({"alive": True, "draining": self.draining})

    async def on_readyz(self, request: web.Request) -> web.Response:
        """Answer 200 when the database answers and every platform is connected, else 503 with the reasons."""
        ready, body = await self.readiness()
        if not ready:
            log.info("not ready: %s", "; ".join(body["reasons"]))
        return web.json_response(body, status=200 if ready else 503)

    async def on_metrics(self, request: web.Request) -> web.Response:
        """Answer the metrics in the Prometheus text format."""
        return web.Response(body=self.metrics.render(), headers={"Content-Type": CONTENT_TYPE})


def _safe(connected: Callable[[], bool]) -> bool:
    try:
        return bool(connected())
    except Exception:  # a client half torn down is not connected
        return False
