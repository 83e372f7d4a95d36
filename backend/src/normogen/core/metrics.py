"""Prometheus metrics owned by one app instance (its own registry, so tests can build many)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from pymongo import monitoring

# Latency buckets (seconds) from sub-millisecond probes to slow Argon2 logins.
_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    """Request, pool, auth and rate-limit metrics, exposed as Prometheus text."""

    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "normogen_http_requests",
            "HTTP requests by method, route template and status.",
            ("method", "route", "status"),
            registry=self.registry,
        )
        self.latency = Histogram(
            "normogen_http_request_duration_seconds",
            "HTTP request latency by method, route template and status.",
            ("method", "route", "status"),
            buckets=_BUCKETS,
            registry=self.registry,
        )
        self.in_flight = Gauge(
            "normogen_http_requests_in_flight",
            "HTTP requests being served now.",
            registry=self.registry,
        )
        self.pool_checked_out = Gauge(
            "normogen_mongodb_pool_checked_out_connections",
            "MongoDB connections checked out of the driver's pool.",
            registry=self.registry,
        )
        self.pool_open = Gauge(
            "normogen_mongodb_pool_open_connections",
            "MongoDB connections open in the driver's pool.",
            registry=self.registry,
        )
        self.rate_limited = Counter(
            "normogen_rate_limit_rejections",
            "Requests rejected by a rate limit, by limit name.",
            ("limit",),
            registry=self.registry,
        )
        self.auth_failures = Counter(
            "normogen_auth_failures",
            "Failed authentication attempts, by reason.",
            ("reason",),
            registry=self.registry,
        )

    def render(self) -> bytes:
        return generate_latest(self.registry)

    def pool_listener(self) -> PoolMetricsListener:
        return PoolMetricsListener(self)


class PoolMetricsListener(monitoring.ConnectionPoolListener):
    """Feeds the pool gauges from PyMongo's connection-monitoring events."""

    def __init__(self, metrics: Metrics) -> None:
        self._metrics = metrics

    def connection_checked_out(self, event: monitoring.ConnectionCheckedOutEvent) -> None:
        self._metrics.pool_checked_out.inc()

    def connection_checked_in(self, event: monitoring.ConnectionCheckedInEvent) -> None:
        self._metrics.pool_checked_out.dec()

    def connection_created(self, event: monitoring.ConnectionCreatedEvent) -> None:
        self._metrics.pool_open.inc()

    def connection_closed(self, event: monitoring.ConnectionClosedEvent) -> None:
        self._metrics.pool_open.dec()

    def pool_created(self, event: monitoring.PoolCreatedEvent) -> None:
        pass

    def pool_ready(self, event: monitoring.PoolReadyEvent) -> None:
        pass

    def pool_cleared(self, event: monitoring.PoolClearedEvent) -> None:
        pass

    def pool_closed(self, event: monitoring.PoolClosedEvent) -> None:
        pass

    def connection_ready(self, event: monitoring.ConnectionReadyEvent) -> None:
        pass

    def connection_check_out_started(
        self, event: monitoring.ConnectionCheckOutStartedEvent
    ) -> None:
        pass

    def connection_check_out_failed(self, event: monitoring.ConnectionCheckOutFailedEvent) -> None:
        pass
