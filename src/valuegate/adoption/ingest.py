"""Usage events in: checked all together (one bad row and nothing is stored), pseudonymised, appended, and
counted into daily activity per actor in the reporting time zone. From the API, a CSV file, or Valuegate's own
use. Audience members come in the same way, as identifiers that are hashed on arrival."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from valuegate.adoption.models import AudienceMember, MetricPoint, UsageActor, UsageDay, UsageEvent
from valuegate.adoption.rules import pseudonym
from valuegate.audit import service as audit
from valuegate.auth.policy import Actor, require
from valuegate.change.models import AudienceGroup
from valuegate.change.service import workstream_node
from valuegate.context import settings_of, today_of
from valuegate.errors import InvalidInput, NotFound, TooLarge
from valuegate.uow import use_case

MAX_EVENTS_PER_CALL = 10_000
MAX_CSV_BYTES = 64 * 1024 * 1024
MAX_CSV_ROWS = 1_000_000
MAX_ERRORS_SHOWN = 20
CSV_COLUMNS = ("actor", "event", "occurred_at", "system")
SOURCES = ("api", "csv", "self")


def _problem(errors: list[dict[str, Any]], where: str, problem: str) -> None:
    if len(errors) < MAX_ERRORS_SHOWN:
        errors.append({"at": where, "problem": problem})
    elif len(errors) == MAX_ERRORS_SHOWN:
        errors.append({"at": "…", "problem": "more problems not listed"})


def parse_time(raw: Any) -> datetime:
    """ISO 8601; a time without an offset is UTC."""
    if isinstance(raw, datetime):
        moment = raw
    elif isinstance(raw, str) and raw.strip():
        moment = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    else:
        raise ValueError("needs a date and time such as 2026-06-15T09:30:00Z")
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def check_rows(
    rows: Iterable[Mapping[str, Any]], now: datetime, default_system: str | None = None
) -> list[dict[str, Any]]:
    """Every row checked; returns them cleaned, or raises with the problems of the first rows that have them."""
    errors: list[dict[str, Any]] = []
    clean = []
    for n, row in enumerate(rows, start=1):
        where = f"row {n}"
        actor = str(row.get("actor") or "").strip()
        event = str(row.get("event") or "").strip()
        system = str(row.get("system") or default_system or "").strip()
        bad = False
        for name, value, limit in (("actor", actor, 254), ("event", event, 100), ("system", system, 100)):
            if not value:
                _problem(errors, where, f"{name} is missing")
                bad = True
            elif len(value) > limit:
                _problem(errors, where, f"{name} is longer than {limit} characters")
                bad = True
        try:
            moment = parse_time(row.get("occurred_at"))
            if moment > now + timedelta(days=1):
                _problem(errors, where, f"occurred_at {moment.isoformat()} is in the future")
                bad = True
        except ValueError as exc:
            _problem(errors, where, f"occurred_at {row.get('occurred_at')!r} is not a date and time ({exc})")
            bad = True
        if not bad:
            clean.append({"actor": actor, "event": event, "system": system, "occurred_at": moment})
    if errors:
        raise InvalidInput("Some usage events are not valid; none were stored.", errors=errors)
    return clean


def _upsert(session: Session, table: Any, rows: list[dict[str, Any]], keys: list[str], update: dict[str, Any]) -> None:
    """INSERT … ON CONFLICT DO UPDATE for many rows: one statement, compiled once, executed for every row."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    core = table.__table__
    stmt = postgresql.insert(core) if dialect == "postgresql" else sqlite.insert(core)
    stmt = stmt.on_conflict_do_update(
        index_elements=keys, set_={k: f(core.c, stmt.excluded) for k, f in update.items()}
    )
    session.connection().execute(stmt, rows)


def store(session: Session, rows: list[dict[str, Any]], source: str) -> int:
    """Append checked events and add them to the daily activity and the actors' first and last days."""
    settings = settings_of(session)
    zone = ZoneInfo(settings.usage_timezone)
    days: dict[tuple[str, date, str, str], int] = defaultdict(int)
    seen: dict[tuple[str, str], tuple[date, date]] = {}
    raw = []
    keys: dict[str, str] = {}  # one keyed hash per identifier, not per event
    for r in rows:
        key = keys.get(r["actor"]) or keys.setdefault(r["actor"], pseudonym(settings.pseudonym_secret, r["actor"]))
        day = r["occurred_at"].astimezone(zone).date()
        raw.append(
            {
                "system": r["system"],
                "actor_key": key,
                "event": r["event"],
                "occurred_at": r["occurred_at"],
                "source": source,
            }
        )
        days[(r["system"], day, key, r["event"])] += 1
        first, last = seen.get((r["system"], key), (day, day))
        seen[(r["system"], key)] = (min(first, day), max(last, day))
    if raw:
        session.connection().execute(insert(UsageEvent), raw)
    _forget_points(session, days)
    day_rows = [{"system": s, "day": d, "actor_key": a, "event": e, "count": c} for (s, d, a, e), c in days.items()]
    _upsert(
        session, UsageDay, day_rows, ["system", "day", "actor_key", "event"], {"count": lambda t, x: t.count + x.count}
    )
    pg = session.get_bind().dialect.name == "postgresql"
    least, greatest = (func.least, func.greatest) if pg else (func.min, func.max)
    actor_rows = [{"system": s, "actor_key": a, "first_day": f, "last_day": la} for (s, a), (f, la) in seen.items()]
    _upsert(
        session,
        UsageActor,
        actor_rows,
        ["system", "actor_key"],
        {
            "first_day": lambda t, x: least(t.first_day, x.first_day),
            "last_day": lambda t, x: greatest(t.last_day, x.last_day),
        },
    )
    return len(raw)


@use_case
def record_own_use(session: Session, rows: list[dict[str, Any]]) -> int:
    """Store Valuegate's own page and API use (already checked rows of the recorder's buffer)."""
    return store(session, rows, "self")


def _forget_points(session: Session, days: Mapping[tuple[str, date, str, str], int]) -> None:
    """Kept metric values on or after the earliest day that just received events are no longer right."""
    earliest: dict[str, date] = {}
    for system, day, _actor, _event in days:
        earliest[system] = min(day, earliest.get(system, day))
    for system, day in earliest.items():
        session.execute(delete(MetricPoint).where(MetricPoint.system == system, MetricPoint.on_date >= day))


def _now(session: Session) -> datetime:
    return datetime.combine(today_of(session), datetime.now(UTC).timetz())


@use_case
def record_events(
    session: Session, *, actor: Actor, events: Sequence[Mapping[str, Any]], system: str | None = None
) -> dict[str, Any]:
    """Usage events from another system's API call: at most 10,000 at once; all or nothing."""
    require(session, actor, "usage.ingest", what="usage events")
    if not events:
        raise InvalidInput("Send at least one usage event.")
    if len(events) > MAX_EVENTS_PER_CALL:
        raise TooLarge(f"Send at most {MAX_EVENTS_PER_CALL:,} events per call ({len(events):,} sent); split them.")
    stored = store(session, check_rows(events, _now(session), system), "api")
    return {"stored": stored}


@use_case
def import_csv(session: Session, *, actor: Actor, data: bytes, system: str | None = None) -> dict[str, Any]:
    """A CSV export of usage (columns actor, event, occurred_at and, unless given for the whole file, system)."""
    require(session, actor, "usage.ingest", what="usage events")
    if len(data) > MAX_CSV_BYTES:
        raise TooLarge(f"The file is {len(data) / 1e6:.0f} MB; the limit is {MAX_CSV_BYTES // (1024 * 1024)} MB.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"The file is not UTF-8 text (byte {exc.start} cannot be read); save it as UTF-8 CSV."
        ) from exc
    if "\x00" in text:
        raise InvalidInput("The file is not a CSV text file (it contains binary data).")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    needed = [c for c in CSV_COLUMNS if c != "system" or system is None]
    missing = [c for c in needed if c not in header]
    if missing:
        raise InvalidInput(
            f"The file needs the columns {', '.join(needed)}; missing: {', '.join(missing)} "
            f"(found: {', '.join(header) or 'none'})."
        )
    reader.fieldnames = header
    rows: list[dict[str, Any]] = []
    for row in reader:
        if len(rows) >= MAX_CSV_ROWS:
            raise TooLarge(f"The file has more than {MAX_CSV_ROWS:,} rows; split it.")
        if None in row:
            raise InvalidInput(f"Line {reader.line_num} has more fields than the header.")
        rows.append(row)
    if not rows:
        raise InvalidInput("The file has a header but no events.")
    try:
        clean = check_rows(rows, _now(session), system)
    except InvalidInput as exc:
        for e in exc.errors or []:
            if e["at"].startswith("row "):
                e["at"] = f"line {int(e['at'][4:]) + 1}"
        raise
    stored = store(session, clean, "csv")
    audit.record(
        session,
        actor_id=actor.person_id,
        action="usage.import",
        entity_type="usage_event",
        entity_id=None,
        after={"rows": stored, "system": system},
    )
    return {"stored": stored}


@use_case
def add_members(
    session: Session, *, actor: Actor, group_id: int, identifiers: list[str], since: date | None = None
) -> dict[str, Any]:
    """Name the members of an audience group by the identifiers their systems use (hashed on arrival); since when
    they have access (for time to first value). Someone already a member keeps their first date."""
    group = session.get(AudienceGroup, group_id)
    if group is None:
        raise NotFound(f"There is no audience group with id {group_id}.")
    workstream_node(session, actor, group.node_id, "change.manage")
    clean = sorted({i.strip() for i in identifiers if i and i.strip()})
    if not clean:
        raise InvalidInput("Give at least one identifier (a login, an e-mail address or an employee number).")
    if len(clean) > 100_000:
        raise InvalidInput("At most 100,000 members at once.")
    day = since or today_of(session)
    secret = settings_of(session).pseudonym_secret
    keys = {pseudonym(secret, i) for i in clean}
    existing = set(
        session.scalars(
            select(AudienceMember.actor_key).where(
                AudienceMember.group_id == group_id, AudienceMember.actor_key.in_(keys)
            )
        )
    )
    new = [{"group_id": group_id, "actor_key": k, "since": day} for k in sorted(keys - existing)]
    if new:
        session.execute(insert(AudienceMember), new)
    audit.record(
        session,
        actor_id=actor.person_id,
        action="audience.members",
        entity_type="audience_group",
        entity_id=group_id,
        after={"added": len(new), "already": len(existing), "since": day},
    )
    return {"added": len(new), "already_members": len(existing)}
