"""Keeps the anonymous channel out of every log: request lines naming its paths are dropped before any handler
writes them (uvicorn's access log included, whatever level a deployment runs it at)."""

from __future__ import annotations

import logging

ANONYMOUS_MARK = "/feedback/anonymous"


def is_anonymous_path(path: str) -> bool:
    return ANONYMOUS_MARK in path


class DropAnonymousRequests(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else (record.args,)
        return not any(isinstance(a, str) and is_anonymous_path(a) for a in args) and not is_anonymous_path(
            str(record.msg)
        )


def guard_logs() -> None:
    """Install the filter on the loggers that see requests (idempotent)."""
    for name in ("uvicorn.access", "uvicorn.error", "fastapi", "valuegate"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, DropAnonymousRequests) for f in logger.filters):
            logger.addFilter(DropAnonymousRequests())
