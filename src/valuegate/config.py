"""Runtime configuration, read from environment variables (``VALUEGATE_*``) and CLI flags."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_SQLITE_PATH = Path("var") / "valuegate.db"


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise SystemExit(f"{name} must be a whole number, got {raw!r}") from exc


@dataclass(frozen=True)
class Settings:
    database_url: str
    # First month of the fiscal year (1 = January).
    fiscal_year_start_month: int = 1
    # Value status thresholds, in percent of the baseline.
    value_green_percent: int = 100
    value_amber_percent: int = 80
    # Global roles that may enter actuals besides the measure's own controller.
    actuals_roles: tuple[str, ...] = ("finance",)
    # Days after which an owner who has not updated a measure is "silent".
    update_cadence_days: int = 30
    reporting_currency: str = "EUR"
    # Front-end libraries (htmx, ECharts) as installed from package-lock.json by `make setup`.
    assets_dir: Path = field(default_factory=lambda: default_assets_dir())
    # Send the session cookie over HTTPS only; turn off only for plain-HTTP local use.
    secure_cookies: bool = False
    # Change workstream: at least one champion per this many impacted people.
    champion_ratio: int = 50
    # Anonymous feedback: the smallest group whose scores are shown (never below 3), and for comments.
    anonymity_min_group: int = 5
    anonymity_min_comments: int = 5
    # The fixed window anonymous responses are kept and reported in: "week" (ISO week) or "month".
    feedback_window: str = "week"
    # Secret mixed into pseudonymous actor keys of usage events (set it per deployment).
    pseudonym_secret: str = "valuegate-default-pseudonym-secret"
    # The time zone whose calendar days usage events are counted in (IANA name).
    usage_timezone: str = "UTC"
    # Record Valuegate's own use (pages and API calls of signed-in people) as usage events of system "valuegate".
    record_own_use: bool = True
    # An OpenAI-compatible chat-completions endpoint for the assistant prompts; off when empty.
    assistant_url: str = ""
    assistant_model: str = ""
    assistant_key: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def default_assets_dir() -> Path:
    """node_modules beside the source tree (an editable install, as `make setup` makes)."""
    return Path(__file__).resolve().parents[2] / "node_modules"


def default_database_url() -> str:
    return f"sqlite:///{DEFAULT_SQLITE_PATH}"


def load_settings(database_url: str | None = None) -> Settings:
    url = database_url or os.environ.get("VALUEGATE_DATABASE_URL") or default_database_url()
    fy = _int("VALUEGATE_FISCAL_YEAR_START_MONTH", 1)
    if not 1 <= fy <= 12:
        raise SystemExit("VALUEGATE_FISCAL_YEAR_START_MONTH must be between 1 and 12")
    k = _int("VALUEGATE_ANONYMITY_MIN_GROUP", 5)
    if k < 3:
        raise SystemExit("VALUEGATE_ANONYMITY_MIN_GROUP is at least 3: smaller groups expose who answered")
    k_comments = _int("VALUEGATE_ANONYMITY_MIN_COMMENTS", max(k, 5))
    if k_comments < k:
        raise SystemExit("VALUEGATE_ANONYMITY_MIN_COMMENTS cannot be below VALUEGATE_ANONYMITY_MIN_GROUP")
    window = os.environ.get("VALUEGATE_FEEDBACK_WINDOW", "week")
    if window not in ("week", "month"):
        raise SystemExit("VALUEGATE_FEEDBACK_WINDOW is week or month")
    tz = os.environ.get("VALUEGATE_USAGE_TIMEZONE", "UTC")
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise SystemExit(
            f"VALUEGATE_USAGE_TIMEZONE must be an IANA time zone such as Europe/Berlin, got {tz!r}"
        ) from exc
    ratio = _int("VALUEGATE_CHAMPION_RATIO", 50)
    if ratio < 1:
        raise SystemExit("VALUEGATE_CHAMPION_RATIO is the number of impacted people per champion, 1 or more")
    roles = tuple(r.strip() for r in os.environ.get("VALUEGATE_ACTUALS_ROLES", "finance").split(",") if r.strip())
    return Settings(
        database_url=url,
        fiscal_year_start_month=fy,
        value_green_percent=_int("VALUEGATE_VALUE_GREEN_PERCENT", 100),
        value_amber_percent=_int("VALUEGATE_VALUE_AMBER_PERCENT", 80),
        actuals_roles=roles,
        update_cadence_days=_int("VALUEGATE_UPDATE_CADENCE_DAYS", 30),
        reporting_currency=os.environ.get("VALUEGATE_CURRENCY", "EUR"),
        assets_dir=Path(os.environ.get("VALUEGATE_ASSETS_DIR") or default_assets_dir()),
        secure_cookies=os.environ.get("VALUEGATE_SECURE_COOKIES", "").lower() in ("1", "true", "yes"),
        champion_ratio=ratio,
        anonymity_min_group=k,
        anonymity_min_comments=k_comments,
        feedback_window=window,
        usage_timezone=tz,
        record_own_use=os.environ.get("VALUEGATE_RECORD_OWN_USE", "true").lower() not in ("0", "false", "no"),
        pseudonym_secret=os.environ.get("VALUEGATE_PSEUDONYM_SECRET") or Settings.pseudonym_secret,
        assistant_url=os.environ.get("VALUEGATE_ASSISTANT_URL", ""),
        assistant_model=os.environ.get("VALUEGATE_ASSISTANT_MODEL", ""),
        assistant_key=os.environ.get("VALUEGATE_ASSISTANT_KEY", ""),
    )
