"""Prometheus metrics for a client's or a server's ``Stats``, with ``prometheus_client``.

Owns ``register(stats, registry)``: a collector that reads ``Stats`` when Prometheus scrapes
(counters by MsgType and ErrorCode, the round-trip histogram), and ``serve_metrics`` for a
process without an exporter of its own (``fixsession serve --metrics HOST:PORT``). Needs the
``metrics`` extra (``pip install 'fixsession[metrics]'``); nothing else imports it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fixsession.stats import LATENCY_BUCKETS, Stats


def register(stats: Stats, registry: Any = None, prefix: str = "fixsession") -> Any:
    """Export ``stats`` through ``registry`` (default: prometheus_client's global one), as
    metrics named ``PREFIX_…``; the collector (``registry.unregister`` takes it back)."""
    from prometheus_client import REGISTRY
    from prometheus_client.core import (
        CounterMetricFamily,
        GaugeMetricFamily,
        HistogramMetricFamily,
    )

    class Collector:
        def collect(self) -> Iterator[Any]:
            for name, counts, label, text in (
                ("messages_received", stats.messages_in, "msg_type", "Messages received"),
                ("messages_sent", stats.messages_out, "msg_type", "Messages sent"),
                ("rejects_received", stats.rejects_in, "code", "Rejects received, by code"),
                ("rejects_sent", stats.rejects_out, "code", "Rejects sent, by code"),
            ):
                family = CounterMetricFamily(f"{prefix}_{name}", text, labels=[label])
                for key, value in sorted(counts.items(), key=lambda item: str(item[0])):
                    family.add_metric([str(key)], value)
                yield family
            yield CounterMetricFamily(f"{prefix}_logons", "Sessions logged on", stats.logons)
            yield CounterMetricFamily(
                f"{prefix}_sessions_ended", "Sessions ended", stats.sessions_ended
            )
            yield CounterMetricFamily(f"{prefix}_reconnects", "Reconnects", stats.reconnects)
            yield GaugeMetricFamily(f"{prefix}_up", "1 while the client or server runs", value=1)
            usage = stats.message_limit_usage() if stats.message_limit_usage else None
            if usage is not None:
                used, limit = usage
                yield GaugeMetricFamily(
                    f"{prefix}_message_limit_used",
                    "Messages sent within the message limit's window (the pacer's count)",
                    value=used,
                )
                yield GaugeMetricFamily(
                    f"{prefix}_message_limit", "The session type's message limit", value=limit
                )
            buckets, total = [], 0
            bounds = (*LATENCY_BUCKETS, float("inf"))
            for bound, count in zip(bounds, stats.round_trips, strict=True):
                total += count
                buckets.append((str(bound) if bound != float("inf") else "+Inf", total))
            yield HistogramMetricFamily(
                f"{prefix}_request_seconds", "request() round trips",
                buckets=buckets, sum_value=stats.round_trip_seconds,
            )  # fmt: skip

    collector = Collector()
    (registry if registry is not None else REGISTRY).register(collector)
    return collector


def serve_metrics(stats: Stats, host: str, port: int, prefix: str = "fixsession") -> Any:
    """An HTTP endpoint for Prometheus on ``host:port`` exporting ``stats`` (in a thread, as
    prometheus_client runs it); the registry it uses."""
    from prometheus_client import CollectorRegistry, start_http_server

    registry = CollectorRegistry()
    register(stats, registry, prefix)
    start_http_server(port, addr=host, registry=registry)
    return registry
