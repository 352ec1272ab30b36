"""Use-cases of data feeds: register a feed with its contract and due rule, submit a file for a period (checked,
accepted or rejected with its report), and read the feed calendar: due, received, passed, late, missing."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from valuegate.audit import service as audit
from valuegate.auth.policy import Actor, addressed_as, load_on_node, require
from valuegate.change.service import check_person, workstream_node
from valuegate.context import today_of
from valuegate.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    TooLarge,
    check_editable,
    check_version,
)
from valuegate.feeds import actuals, checks, reading, rules
from valuegate.feeds.models import ChangeNotice, DataFeed, FeedSubmission
from valuegate.feeds.rules import Column
from valuegate.portfolio.models import Node
from valuegate.uow import use_case

CHANNELS = ("system", "manual")
SUBMISSION_CHANNELS = ("upload", "api", "cli")
SUBMISSION_STATUSES = ("accepted", "rejected")
CALENDAR_STATES = ("on_time", "late", "rejected", "missing", "not_due")
HISTORY = 6  # accepted periods compared with
KEY_VALUES_KEPT = 50_000


def _contract(spec: Any) -> list[Column]:
    if spec == "focus":
        return rules.focus_contract()
    if not isinstance(spec, list) or not spec:
        raise InvalidInput("A contract is 'focus' or a list of columns.")
    columns = []
    for i, c in enumerate(spec):
        if not isinstance(c, dict) or not str(c.get("name") or "").strip():
            raise InvalidInput(f"Contract column {i + 1} needs a name.")
        kind = c.get("type", "string")
        if kind not in rules.TYPES:
            raise InvalidInput(f"Contract column {c['name']!r}: the type is one of {', '.join(rules.TYPES)}.")
        allowed = c.get("allowed")
        columns.append(
            Column(
                str(c["name"]).strip(),
                kind,
                required=bool(c.get("required", False)),
                nullable=bool(c.get("nullable", True)),
                allowed=tuple(str(a) for a in allowed) if allowed else None,
            )
        )
    names = [c.name for c in columns]
    if len(set(names)) != len(names):
        raise InvalidInput("The contract names a column twice.")
    return columns


@use_case
def register_feed(
    session: Session,
    *,
    actor: Actor,
    node_id: int,
    name: str,
    channel: str,
    due_business_day: int,
    contract: Any,
    owner_id: int | None = None,
    description: str | None = None,
    key_columns: list[str] | None = None,
    reference: dict[str, list[str]] | None = None,
    amount_column: str | None = None,
    tag_column: str | None = None,
    required_tags: list[str] | None = None,
) -> DataFeed:
    node = workstream_node(session, actor, node_id, "change.manage")
    if not name.strip():
        raise InvalidInput("Name the feed.")
    if channel not in CHANNELS:
        raise InvalidInput("The channel is system (system to system) or manual (uploads).")
    if not 1 <= due_business_day <= 20:
        raise InvalidInput("The feed is due on a working day of the month, 1 to 20.")
    columns = _contract(contract)
    known = {c.name for c in columns}
    for what, names in (("key column", key_columns or []), ("amount column", [amount_column] if amount_column else [])):
        unknown = [n for n in names if n not in known]
        if unknown:
            raise InvalidInput(f"The {what} {', '.join(unknown)} is not in the contract.")
    check_person(session, owner_id, "owner")
    if session.scalar(select(DataFeed.id).where(DataFeed.node_id == node.id, DataFeed.name == name.strip())):
        raise Conflict(f"{node.name!r} already has a feed named {name.strip()!r}.")
    feed = DataFeed(
        node_id=node.id,
        name=name.strip(),
        description=description,
        owner_id=owner_id,
        channel=channel,
        due_business_day=due_business_day,
        contract=json.dumps(contract),
        key_columns=json.dumps(key_columns or []),
        reference=json.dumps(reference or {}),
        amount_column=amount_column,
        tag_column=tag_column,
        required_tags=json.dumps(required_tags or []),
    )
    after = {"name": feed.name, "channel": channel, "due_business_day": due_business_day, "owner_id": owner_id}
    audit.record_created(session, actor_id=actor.person_id, row=feed, action="feed.register", after=after)
    return feed


def due_date(period: str, business_day: int) -> date:
    """The Nth working day (Monday to Friday) of the month after the period."""
    year, month = (int(p) for p in period.split("-"))
    day = date(year + (month == 12), month % 12 + 1, 1)
    count = 0
    while True:
        if day.weekday() < 5:
            count += 1
            if count == business_day:
                return day
        day += timedelta(days=1)


def _period(text: str) -> str:
    try:
        year, month = (int(p) for p in text.split("-"))
        date(year, month, 1)
    except ValueError as exc:
        raise InvalidInput(f"The period is a month such as 2026-05 (got {text!r}).") from exc
    return f"{year:04d}-{month:02d}"


def get_feed(session: Session, feed_id: int, *, actor: Actor | None = None) -> DataFeed:
    """The feed; with ``actor``, not found unless they may see its workstream or own the feed (the same answer as
    for an id that does not exist)."""
    if actor is not None:
        return load_on_node(session, actor, DataFeed, feed_id, "data feed", person_attr="owner_id")
    feed = session.get(DataFeed, feed_id)
    if feed is None:
        raise NotFound(f"There is no data feed with id {feed_id}.")
    return feed


def _owner_or_lead(session: Session, actor: Actor, feed: DataFeed, what: str) -> None:
    """A feed's files and notices come from its owner, or from the workstream's leads."""
    if actor.person_id is not None and actor.person_id == feed.owner_id:
        return
    node = workstream_node(session, actor, feed.node_id, "node.view")
    try:
        require(session, actor, "change.manage", node)
    except PermissionDenied as exc:
        raise PermissionDenied(f"Only the feed's owner or the workstream's leads {what} {feed.name!r}.") from exc


FEED_EDITABLE = ("owner_id", "channel", "due_business_day", "description")


@use_case
def update_feed(
    session: Session, *, actor: Actor, feed_id: int, version: int | None, changes: dict[str, Any]
) -> DataFeed:
    """Hand a feed to another owner, or change its channel, due day or description. The contract changes by a
    new feed (or a change notice), so earlier reports keep meaning what they said."""
    feed = get_feed(session, feed_id, actor=actor)
    workstream_node(session, actor, feed.node_id, "change.manage")
    check_version("The feed", feed.version, version)
    check_editable(changes, FEED_EDITABLE)
    if "channel" in changes and changes["channel"] not in CHANNELS:
        raise InvalidInput("The channel is system (system to system) or manual (uploads).")
    day = changes.get("due_business_day")
    if "due_business_day" in changes and (isinstance(day, bool) or not isinstance(day, int) or not 1 <= day <= 20):
        raise InvalidInput("The feed is due on a working day of the month, 1 to 20.")
    check_person(session, changes.get("owner_id"), "owner")
    audit.record_changes(session, actor_id=actor.person_id, row=feed, changes=changes, action="feed.update")
    return feed


def _previous(session: Session, feed: DataFeed, period: str) -> checks.Previous:
    accepted = list(
        session.scalars(
            select(FeedSubmission)
            .where(
                FeedSubmission.feed_id == feed.id, FeedSubmission.status == "accepted", FeedSubmission.period < period
            )
            .order_by(FeedSubmission.period.desc(), FeedSubmission.id.desc())
            .limit(HISTORY)
        )
    )
    if not accepted:
        return checks.Previous()
    last = accepted[0]
    keys = json.loads(last.key_values or "{}")
    return checks.Previous(
        schema=[tuple(c) for c in json.loads(last.schema or "[]")],
        values={k: set(v) for k, v in keys.items()},
        rows=[float(s.rows or 0) for s in reversed(accepted)],
        amounts=[float(s.amount_total) for s in reversed(accepted) if s.amount_total is not None],
        tag_coverage=last.tag_coverage,
    )


@use_case
def submit(
    session: Session,
    *,
    actor: Actor,
    feed_id: int,
    period: str,
    filename: str,
    data: bytes,
    channel: str = "upload",
) -> FeedSubmission:
    """Check a file for a period and keep the outcome. A file that cannot be read is kept as a rejected
    submission with the reason; nothing of its content is stored either way."""
    feed = get_feed(session, feed_id, actor=actor)
    _owner_or_lead(session, actor, feed, "submit")
    if channel not in SUBMISSION_CHANNELS:
        raise InvalidInput(f"Unknown channel {channel!r}.")
    month = _period(period)
    if len(data) > reading.MAX_BYTES:
        raise TooLarge(f"The file is {len(data) / 1e6:.0f} MB; the limit is {reading.MAX_BYTES // 1_000_000} MB.")
    submission = FeedSubmission(
        feed_id=feed.id,
        period=month,
        channel=channel,
        submitted_by=actor.person_id,
        filename=(filename or "upload")[:255],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    try:
        sheet = reading.read(data, submission.filename)
    except reading.UnreadableFile as exc:
        report: dict[str, Any] = {
            "accepted": False,
            "findings": [
                {
                    "check": "unreadable",
                    "dimension": "validity",
                    "severity": "error",
                    "message": str(exc),
                    "column": None,
                    "rows": [],
                    "count": 0,
                }
            ],
        }
    else:
        expect = checks.Expectations(
            contract=_contract(json.loads(feed.contract)),
            key_columns=json.loads(feed.key_columns),
            reference={k: set(v) for k, v in json.loads(feed.reference).items()},
            amount_column=feed.amount_column,
            tag_column=feed.tag_column,
            required_tags=json.loads(feed.required_tags),
            manual=channel == "upload",
            system_channel=feed.channel == "system",
        )
        report = checks.check(sheet, expect, _previous(session, feed, month))
        submission.fingerprint = report["fingerprint"]
        submission.rows = report["rows"]
        submission.amount_total = report["amount_total"]
        submission.tag_coverage = report["tag_coverage"]
        submission.schema = json.dumps(report["columns"])
        keys = {
            k: sorted({v.strip() for v in sheet.columns[k] if v is not None})[:KEY_VALUES_KEPT]
            for k in expect.key_columns
            if k in sheet.columns
        }
        submission.key_values = json.dumps(keys)
    notices = session.scalars(
        select(ChangeNotice.note).where(ChangeNotice.feed_id == feed.id, ChangeNotice.period == month)
    ).all()
    if notices:
        report["change_notice"] = " ".join(notices)
    due = due_date(month, feed.due_business_day)
    received = datetime.combine(today_of(session), datetime.now(UTC).time(), UTC).replace(microsecond=0)
    report["due_on"] = due.isoformat()
    report["late_days"] = max(0, (today_of(session) - due).days)
    submission.status = "accepted" if report["accepted"] else "rejected"
    submission.report = json.dumps(report, default=str)
    submission.received_at = received
    after = {"feed_id": feed.id, "period": month, "status": submission.status, "sha256": submission.sha256}
    audit.record_created(session, actor_id=actor.person_id, row=submission, action="feed.submit", after=after)
    if submission.status == "accepted":
        allocation = actuals.allocate_submission(session, feed, submission, sheet)
        if allocation is not None:
            report["allocation"] = allocation
            submission.report = json.dumps(report, default=str)
    return submission


@use_case
def announce_change(session: Session, *, actor: Actor, feed_id: int, period: str, note: str) -> ChangeNotice:
    """The owner says, before sending it, that the period's file changes shape: the change is then governance,
    not drift (the health monitor's data-governance detector reads it)."""
    feed = get_feed(session, feed_id, actor=actor)
    _owner_or_lead(session, actor, feed, "announce changes to")
    month = _period(period)
    if not note.strip():
        raise InvalidInput("Say what changes in the file (e.g. 'CostCenter is renamed Cost Centre').")
    if session.scalar(
        select(FeedSubmission.id).where(FeedSubmission.feed_id == feed.id, FeedSubmission.period == month)
    ):
        raise Conflict(f"A file for {month} has already arrived; announce a change before the file it concerns.")
    notice = ChangeNotice(feed_id=feed.id, period=month, note=note.strip(), announced_by=actor.person_id)
    after = {"feed_id": feed.id, "period": month, "note": notice.note}
    audit.record_created(session, actor_id=actor.person_id, row=notice, action="feed.announce", after=after)
    return notice


def submission_view(s: FeedSubmission) -> dict[str, Any]:
    return {
        "id": s.id,
        "feed_id": s.feed_id,
        "period": s.period,
        "received_at": s.received_at.isoformat(),
        "channel": s.channel,
        "filename": s.filename,
        "size": s.size,
        "sha256": s.sha256,
        "status": s.status,
        "fingerprint": s.fingerprint,
        "rows": s.rows,
        "amount_total": s.amount_total,
        "report": json.loads(s.report),
    }


def get_submission(session: Session, *, actor: Actor, submission_id: int) -> dict[str, Any]:
    s = session.get(FeedSubmission, submission_id)
    if s is None:
        raise NotFound(f"There is no submission with id {submission_id}.")
    with addressed_as("submission", submission_id):
        feed = get_feed(session, s.feed_id, actor=actor)
    if actor.person_id != feed.owner_id:
        workstream_node(session, actor, feed.node_id, "node.view")
    return submission_view(s)


def recent_periods(today: date, months: int) -> list[str]:
    """The months before the current one, newest first."""
    periods = []
    first = today.replace(day=1)
    for _ in range(months):
        first = (first - timedelta(days=1)).replace(day=1)
        periods.append(first.strftime("%Y-%m"))
    return periods


def submissions_by_period(
    session: Session, feed_ids: list[int], periods: list[str]
) -> dict[tuple[int, str], list[FeedSubmission]]:
    """Every submission of these feeds for these periods, in the order they arrived."""
    subs: dict[tuple[int, str], list[FeedSubmission]] = {}
    if feed_ids:
        for s in session.scalars(
            select(FeedSubmission)
            .where(FeedSubmission.feed_id.in_(feed_ids), FeedSubmission.period.in_(periods))
            .order_by(FeedSubmission.received_at, FeedSubmission.id)
        ):
            subs.setdefault((s.feed_id, s.period), []).append(s)
    return subs


def calendar(session: Session, *, actor: Actor, node_id: int, months: int = 6) -> list[dict[str, Any]]:
    """Every feed of an implementation over the last months: due date, what arrived, passed or not, late, missing."""
    node = workstream_node(session, actor, node_id, "node.view")
    today = today_of(session)
    feeds = list(session.scalars(select(DataFeed).where(DataFeed.node_id == node.id).order_by(DataFeed.name)))
    periods = recent_periods(today, months)
    subs = submissions_by_period(session, [f.id for f in feeds], periods)
    rows = []
    for feed in feeds:
        for period in sorted(periods):
            due = due_date(period, feed.due_business_day)
            got = subs.get((feed.id, period), [])
            accepted = next((s for s in got if s.status == "accepted"), None)
            if accepted is not None:
                state = "late" if accepted.received_at.date() > due else "on_time"
            elif due >= today:
                state = "rejected" if got else "not_due"
            else:
                state = "rejected" if got else "missing"
            rows.append(
                {
                    "feed_id": feed.id,
                    "feed": feed.name,
                    "owner_id": feed.owner_id,
                    "period": period,
                    "due_on": due.isoformat(),
                    "state": state,
                    "submissions": len(got),
                    "first_pass": bool(got) and got[0].status == "accepted",
                    "accepted_id": accepted.id if accepted else None,
                }
            )
    return rows


def _match_columns(feed: DataFeed) -> list[str]:
    """The columns a mapping rule can match on: the contract's text columns (the key columns for FOCUS)."""
    contract = json.loads(feed.contract)
    if not isinstance(contract, list):
        return list(json.loads(feed.key_columns))
    return [c["name"] for c in contract if c.get("type", "string") == "string"][:5]


@dataclass(frozen=True)
class CalendarPage:
    """What the feed calendar of an implementation shows one person: each feed's months, who may submit,
    hand over and add rules, the ledger's mapping rules and the proposed actuals with who may decide them, and
    the measures and people its forms offer."""

    node: Node
    feeds: list[DataFeed]
    periods: list[str]
    grid: dict[int, dict[str, dict[str, Any]]]
    may_submit: dict[int, bool]
    may_manage: bool
    rules: dict[int, Any]
    match_columns: dict[int, list[str]]
    proposals: list[dict[str, Any]]
    may_decide: dict[int, bool]
    measures: list[tuple[int, str]]
    everyone: list[tuple[int, str]]
    owners: dict[int, str]


def calendar_page(session: Session, *, actor: Actor, node_id: int) -> CalendarPage:
    from valuegate.auth.policy import RoleIndex, can
    from valuegate.auth.service import people_choices
    from valuegate.finance.service import may_enter_actuals
    from valuegate.health.service import involved_people

    rows = calendar(session, actor=actor, node_id=node_id)
    node = workstream_node(session, actor, node_id, "node.view")
    feeds = list(session.scalars(select(DataFeed).where(DataFeed.node_id == node_id).order_by(DataFeed.name)))
    may_manage = can(session, actor, "change.manage", node)
    grid: dict[int, dict[str, dict[str, Any]]] = {}
    for r in rows:
        grid.setdefault(r["feed_id"], {})[r["period"]] = r
    proposals = actuals.proposals(session, actor=actor, node_id=node_id)
    ids = {p["measure_id"] for p in proposals}
    proposed_for = {n.id: n for n in session.scalars(select(Node).where(Node.id.in_(ids)))} if ids else {}
    index = RoleIndex.load(session, actor) if proposals else None
    measures = select(Node.id, Node.name).where(
        Node.path.startswith(node.path), Node.kind == "measure", Node.archived_at.is_(None)
    )
    return CalendarPage(
        node=node,
        feeds=feeds,
        periods=sorted({r["period"] for r in rows}),
        grid=grid,
        may_submit={f.id: f.owner_id == actor.person_id or may_manage for f in feeds},
        may_manage=may_manage,
        rules=actuals.ledger_rules(session, [f.id for f in feeds if f.amount_column]),
        match_columns={f.id: _match_columns(f) for f in feeds},
        proposals=proposals,
        # Who decides a proposed actual: whoever may enter the measure's actuals (its controller, finance).
        may_decide={
            p["id"]: index is not None and may_enter_actuals(session, index.roles(proposed_for[p["measure_id"]]))
            for p in proposals
        },
        measures=[(i, n) for i, n in session.execute(measures.order_by(Node.name))],
        everyone=involved_people(session, actor=actor, node=node),
        owners=dict(people_choices(session, actor=actor)),
    )


@dataclass(frozen=True)
class SubmissionPage:
    """What a submission's quality report shows: the submission, its feed and the implementation it feeds."""

    submission: dict[str, Any]
    feed: DataFeed
    node: Node


def submission_page(session: Session, *, actor: Actor, submission_id: int) -> SubmissionPage:
    from valuegate.portfolio.service import get_node

    view = get_submission(session, actor=actor, submission_id=submission_id)
    feed = get_feed(session, view["feed_id"])
    return SubmissionPage(submission=view, feed=feed, node=get_node(session, feed.node_id))
