"""What every service needs besides the session and the actor: settings and today's date."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from valuegate.config import Settings, load_settings

_SETTINGS = "valuegate_settings"
_TODAY = "valuegate_today"


def bind(session: Session, settings: Settings, today: date | None = None) -> Session:
    session.info[_SETTINGS] = settings
    if today is not None:
        session.info[_TODAY] = today
    return session


def settings_of(session: Session) -> Settings:
    settings = session.info.get(_SETTINGS)
    if settings is None:
        settings = load_settings()
        session.info[_SETTINGS] = settings
    return settings


def today_of(session: Session) -> date:
    given = session.info.get(_TODAY)
    return given if given is not None else datetime.now(UTC).date()


@contextmanager
def on_day(session: Session, day: date) -> Iterator[None]:
    """Act as if today were ``day`` (demo data and tests that build a history), then restore."""
    before = session.info.get(_TODAY)
    session.info[_TODAY] = day
    try:
        yield
    finally:
        if before is None:
            session.info.pop(_TODAY, None)
        else:
            session.info[_TODAY] = before
