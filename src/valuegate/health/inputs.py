"""What each detector reads, gathered from the records Valuegate already holds for an implementation: its
catalogue and its use, the feeds and their submissions, the steering meetings, decisions and gate requests on its
measures, its legacy processes and success metrics, and its mapping rules."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, String, cast, func, select
from sqlalchemy.orm import Session

from valuegate.adoption import service as adoption
from valuegate.adoption.models import UsageDay
from valuegate.audit.models import AuditEvent
from valuegate.auth.models import Person
from valuegate.auth.policy import SYSTEM
from valuegate.change.models import AudienceGroup, LegacyProcess
from valuegate.decisions.models import Decision, Meeting, MeetingAttendee
from valuegate.feeds import service as feeds
from valuegate.feeds.models import ChangeNotice, DataFeed, FeedSubmission, MappingRule
from valuegate.gates.models import GateRequest
from valuegate.health import rules
from valuegate.health.models import Artefact, ArtefactUse, DecisionCitation, HealthProfile
from valuegate.health.thresholds import Thresholds
from valuegate.portfolio.models import Node

USED_KINDS = ("report", "dashboard", "model", "dataset")  # what people open
TAKEN = ("approve", "reject")  # outcomes that settle a decision
HISTORY_PERIODS = 6


def _measures_in(node: Node) -> Select[Any]:
    return select(Node.id).where(Node.path.startswith(node.path), Node.kind == "measure")


def _nodes_in(node: Node) -> Select[Any]:
    return select(Node.id).where(Node.path.startswith(node.path))


def _month(day: date) -> str:
    return day.strftime("%Y-%m")


def w1(session: Session, node: Node, as_of: date, t: Thresholds) -> rules.W1Input:
    artefacts = list(
        session.scalars(
            select(Artefact).where(
                Artefact.node_id == node.id, Artefact.status != "retired", Artefact.kind.in_(USED_KINDS)
            )
        )
    )
    ids = [a.id for a in artefacts]
    week_start = as_of - timedelta(days=6)
    dead_since = as_of - timedelta(days=t.w1_dead_days)
    who = func.coalesce(cast(ArtefactUse.person_id, String), ArtefactUse.actor)
    usage: dict[int, tuple[date | None, int]] = {}
    consumers = views_week = views_prev = 0
    if ids:
        for artefact_id, last, recent in session.execute(
            select(
                ArtefactUse.artefact_id,
                func.max(ArtefactUse.used_on),
                func.count().filter(ArtefactUse.used_on > dead_since),
            )
            .where(ArtefactUse.artefact_id.in_(ids), ArtefactUse.used_on <= as_of)
            .group_by(ArtefactUse.artefact_id)
        ):
            usage[artefact_id] = (last, recent)
        consumers, views_week, views_prev = session.execute(
            select(
                func.count(func.distinct(who)).filter(ArtefactUse.used_on >= week_start),
                func.count().filter(ArtefactUse.used_on >= week_start),
                func.count().filter(ArtefactUse.used_on < week_start),
            ).where(
                ArtefactUse.artefact_id.in_(ids),
                ArtefactUse.used_on >= week_start - timedelta(days=7),
                ArtefactUse.used_on <= as_of,
            )
        ).one()
    groups = {a.audience_group_id for a in artefacts if a.audience_group_id}
    audience = sum(session.scalars(select(AudienceGroup.size).where(AudienceGroup.id.in_(groups)))) if groups else 0
    audience += sum(a.audience_size or 0 for a in artefacts if not a.audience_group_id)

    month_start = as_of.replace(day=1)
    since = (month_start - timedelta(days=1)).replace(day=1)
    cites = select(DecisionCitation.id).where(DecisionCitation.decision_id == Decision.id).exists()
    taken = session.execute(
        select(Decision.id, Decision.text, Meeting.held_on, cites)
        .join(Meeting, Meeting.id == Decision.meeting_id)
        .where(
            Decision.outcome.in_(TAKEN),
            Meeting.node_id.in_(_nodes_in(node)) | Decision.measure_id.in_(_measures_in(node)),
            Meeting.held_on >= since,
            Meeting.held_on <= as_of,
        )
        .order_by(Meeting.held_on, Decision.id)
    ).all()
    months: dict[str, list[int]] = {_month(since): [0, 0], _month(month_start): [0, 0]}
    for _id, _text, at, cited in taken:
        slot = months[_month(at)]
        slot[0] += 1
        slot[1] += bool(cited)
    return rules.W1Input(
        as_of=as_of,
        artefacts=[
            rules.Artefact(a.id, a.name, a.kind, a.published_on, *usage.get(a.id, (None, 0))) for a in artefacts
        ],
        audience=audience,
        consumers=int(consumers or 0),
        views_week=int(views_week or 0),
        views_prev_week=int(views_prev or 0),
        decisions=[(m, n, c) for m, (n, c) in months.items()],
        uncited=[
            {"decision_id": d, "text": f"{at}: {text[:120]}"} for d, text, at, cited in reversed(taken) if not cited
        ][:10],
    )


def w2(session: Session, node: Node, as_of: date, t: Thresholds) -> list[rules.Expected]:
    rows = session.execute(
        select(DataFeed, Person.name, Person.active)
        .outerjoin(Person, Person.id == DataFeed.owner_id)
        .where(DataFeed.node_id == node.id)
    ).all()
    periods = feeds.recent_periods(as_of, t.w2_months + 1)
    subs = feeds.submissions_by_period(session, [f.id for f, _n, _a in rows], periods)
    first_sent = dict(
        session.execute(
            select(FeedSubmission.feed_id, func.min(FeedSubmission.period))
            .where(FeedSubmission.feed_id.in_([f.id for f, _n, _a in rows]))
            .group_by(FeedSubmission.feed_id)
        ).all()
    )
    expected = []
    for feed, owner, active in rows:
        # the first period owed: the month before registration, or the first one sent if earlier
        registered = (feed.created_at.date().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
        start = min(registered, first_sent.get(feed.id, registered))
        for period in periods:
            due = feeds.due_date(period, feed.due_business_day)
            if due >= as_of or period < start:
                continue
            got = subs.get((feed.id, period), [])
            accepted = next((s for s in got if s.status == "accepted"), None)
            expected.append(
                rules.Expected(
                    feed.id,
                    feed.name,
                    feed.owner_id,
                    owner,
                    bool(active),
                    period,
                    due,
                    accepted.received_at.date() if accepted else None,
                    bool(got) and got[0].status == "accepted",
                    len(got),
                )
            )
    expected.sort(key=lambda e: e.period)
    periods_due = sorted({e.period for e in expected})[-t.w2_months :]
    return [e for e in expected if e.period in periods_due]


def w3(session: Session, node: Node, as_of: date) -> rules.W3Input:
    since = as_of - timedelta(days=183)
    meetings = session.execute(
        select(
            Meeting.id,
            Meeting.title,
            Meeting.held_on,
            func.count(Decision.id).filter(Decision.outcome.in_((*TAKEN, "defer"))),
            func.count(Decision.id).filter(Decision.outcome == "defer"),
        )
        .outerjoin(Decision, Decision.meeting_id == Meeting.id)
        .where(Meeting.node_id.in_(_nodes_in(node)), Meeting.held_on >= since, Meeting.held_on <= as_of)
        .group_by(Meeting.id, Meeting.title, Meeting.held_on)
        .order_by(Meeting.held_on, Meeting.id)
    ).all()
    present: dict[int, bool] = {}
    if node.sponsor_id is not None and meetings:
        listed = {m[0] for m in meetings}
        present = {
            meeting_id: bool(here)
            for meeting_id, here in session.execute(
                select(MeetingAttendee.meeting_id, MeetingAttendee.present).where(
                    MeetingAttendee.meeting_id.in_(listed), MeetingAttendee.person_id == node.sponsor_id
                )
            )
        }
        with_list = set(
            session.scalars(select(MeetingAttendee.meeting_id).where(MeetingAttendee.meeting_id.in_(listed)))
        )
        present = {m: present.get(m, False) for m in with_list}
    measures = _measures_in(node)
    pending = session.execute(
        select(GateRequest.id, GateRequest.measure_id, Node.name, GateRequest.to_stage, GateRequest.requested_at)
        .add_columns(GateRequest.defer_count)
        .join(Node, Node.id == GateRequest.measure_id)
        .where(GateRequest.measure_id.in_(measures), GateRequest.status == "pending")
    ).all()
    lead: dict[str, list[int]] = defaultdict(list)
    for frm, to, asked, decided in session.execute(
        select(GateRequest.from_stage, GateRequest.to_stage, GateRequest.requested_at, GateRequest.decided_at).where(
            GateRequest.measure_id.in_(measures),
            GateRequest.decided_at.is_not(None),
            GateRequest.decided_at >= datetime.combine(since, datetime.min.time(), UTC),
        )
    ):
        if decided is not None:
            lead[f"{frm} → {to}"].append(rules.working_days(asked.date(), decided.date()))
    return rules.W3Input(
        as_of=as_of,
        meetings=[rules.MeetingTally(*m, sponsor_present=present.get(m[0])) for m in meetings],
        pending=[rules.PendingRequest(rid, mid, name, to, at.date(), n) for rid, mid, name, to, at, n in pending],
        lead_times=dict(lead),
    )


def _system_events(session: Session, systems: set[str], since: date, as_of: date) -> int:
    if not systems:
        return 0
    total = session.scalar(
        select(func.sum(UsageDay.count)).where(
            UsageDay.system.in_(systems), UsageDay.day > since, UsageDay.day <= as_of
        )
    )
    return int(total or 0)


def w4(session: Session, node: Node, as_of: date, profile: HealthProfile | None) -> rules.W4Input:
    legacy = list(session.scalars(select(LegacyProcess).where(LegacyProcess.node_id == node.id)))
    metrics = adoption.dashboard(session, actor=SYSTEM, node_id=node.id, as_of=as_of)["metrics"]
    since = as_of - timedelta(days=30)
    artefacts = list(session.scalars(select(Artefact).where(Artefact.node_id == node.id)))
    new_views = session.scalar(
        select(func.count()).where(
            ArtefactUse.artefact_id.in_([a.id for a in artefacts] or [-1]),
            ArtefactUse.used_on > since,
            ArtefactUse.used_on <= as_of,
        )
    )
    new_systems = {a.usage_system for a in artefacts if a.usage_system}
    legacy_systems = {item.usage_system for item in legacy if item.usage_system and item.status != "retired"}
    return rules.W4Input(
        as_of=as_of,
        live_on=profile.live_on if profile else None,
        legacy=[rules.Legacy(i.id, i.name, i.status, i.retire_by, i.people_still_using) for i in legacy],
        metrics=[
            rules.KeyMetric(m["id"], m["name"], m["kind"], m["value"], m["target"], m["meets_target"]) for m in metrics
        ],
        legacy_views=_system_events(session, legacy_systems, since, as_of),
        new_views=int(new_views or 0) + _system_events(session, new_systems, since, as_of),
    )


def unallocated_series(session: Session, node: Node, as_of: date) -> tuple[list[str], list[float]]:
    """The unallocated share of the implementation's ledger feeds per period, oldest first."""
    periods = sorted(feeds.recent_periods(as_of, HISTORY_PERIODS + 1))
    found = session.execute(
        select(FeedSubmission.period, func.avg(FeedSubmission.unallocated_share))
        .join(DataFeed, DataFeed.id == FeedSubmission.feed_id)
        .where(
            DataFeed.node_id == node.id,
            FeedSubmission.status == "accepted",
            FeedSubmission.unallocated_share.is_not(None),
            FeedSubmission.period.in_(periods),
        )
        .group_by(FeedSubmission.period)
    ).all()
    values: dict[str, float] = {p: v for p, v in found}
    kept = [p for p in periods if p in values]
    return kept, [float(values[p]) for p in kept]


def w5(session: Session, node: Node, as_of: date, profile: HealthProfile | None) -> rules.W5Input:
    artefacts = list(session.scalars(select(Artefact).where(Artefact.node_id == node.id, Artefact.status != "retired")))
    mapping = session.execute(
        select(MappingRule, DataFeed.name)
        .join(DataFeed, DataFeed.id == MappingRule.feed_id)
        .where(DataFeed.node_id == node.id, MappingRule.status == "active")
    ).all()
    unused: set[int] = set()
    for report in session.scalars(
        select(FeedSubmission.report)
        .join(DataFeed, DataFeed.id == FeedSubmission.feed_id)
        .where(DataFeed.node_id == node.id, FeedSubmission.status == "accepted")
        .order_by(FeedSubmission.period.desc(), FeedSubmission.id.desc())
        .limit(1)
    ):
        unused = set((json.loads(report).get("allocation") or {}).get("unused_rules", []))
    rules_ = [
        rules.Rule(a.id, a.name, "artefact", a.owner_id is not None, bool((a.rationale or "").strip()))
        for a in artefacts
        if a.kind == "allocation_rule"
    ] + [
        rules.Rule(
            r.id,
            f"{feed}: " + ", ".join(f"{k}={v}" for k, v in json.loads(r.match).items()),
            "mapping",
            r.owner_id is not None,
            bool((r.rationale or "").strip()),
            r.id not in unused,
        )
        for r, feed in mapping
    ]
    periods, unallocated = unallocated_series(session, node, as_of)
    history = []
    for period in periods:
        year, month = (int(p) for p in period.split("-"))
        end = date(year + (month == 12), month % 12 + 1, 1)
        history.append(
            sum(1 for a in artefacts if a.kind == "allocation_rule" and a.published_on < end)
            + sum(1 for r, _f in mapping if r.created_at.date() < end)
        )
    return rules.W5Input(
        maturity_level=profile.maturity_level if profile else None,
        analyst_fte=profile.analyst_fte if profile else None,
        rules=rules_,
        layers=len({a.layer for a in artefacts if a.layer}),
        models=sorted(a.name for a in artefacts if a.kind == "model"),
        unallocated=unallocated,
        rules_count_history=history,
    )


def dg(session: Session, node: Node, as_of: date) -> list[rules.FeedState]:
    """Each feed's latest file and its findings, the share of its recent amount sent by upload, and how many
    people maintained its mapping rules in six months (a fixed number of queries, whatever the feeds)."""
    feed_rows = list(session.scalars(select(DataFeed).where(DataFeed.node_id == node.id).order_by(DataFeed.name)))
    ids = [f.id for f in feed_rows]
    if not ids:
        return []
    periods = feeds.recent_periods(as_of, 3)
    since = datetime.combine(as_of - timedelta(days=183), datetime.min.time(), UTC)
    latest: dict[int, tuple[int, str]] = {}
    manual: dict[int, float] = defaultdict(float)
    total: dict[int, float] = defaultdict(float)
    for row in session.execute(
        select(
            FeedSubmission.id,
            FeedSubmission.feed_id,
            FeedSubmission.period,
            FeedSubmission.status,
            FeedSubmission.channel,
            FeedSubmission.amount_total,
        )
        .where(FeedSubmission.feed_id.in_(ids))
        .order_by(FeedSubmission.period.desc(), FeedSubmission.id.desc())
    ):
        latest.setdefault(row.feed_id, (row.id, row.period))
        if row.status == "accepted" and row.period in periods and row.amount_total is not None:
            value = abs(float(row.amount_total))
            total[row.feed_id] += value
            manual[row.feed_id] += value if row.channel == "upload" else 0.0
    reports = dict(
        session.execute(
            select(FeedSubmission.id, FeedSubmission.report).where(
                FeedSubmission.id.in_([sub for sub, _p in latest.values()] or [-1])
            )
        ).all()
    )
    editors = dict(
        session.execute(
            select(MappingRule.feed_id, func.count(func.distinct(AuditEvent.actor_id)))
            .join(AuditEvent, (AuditEvent.entity_type == "mapping_rule") & (AuditEvent.entity_id == MappingRule.id))
            .where(MappingRule.feed_id.in_(ids), AuditEvent.occurred_at >= since)
            .group_by(MappingRule.feed_id)
        ).all()
    )
    with_rules = set(session.scalars(select(MappingRule.feed_id).where(MappingRule.feed_id.in_(ids))))
    announced = {
        (fid, period)
        for fid, period in session.execute(
            select(ChangeNotice.feed_id, ChangeNotice.period).where(ChangeNotice.feed_id.in_(ids))
        )
    }
    return [
        rules.FeedState(
            feed.id,
            feed.name,
            feed.channel == "system",
            latest[feed.id][1] if feed.id in latest else None,
            json.loads(reports[latest[feed.id][0]]).get("findings", []) if feed.id in latest else [],
            manual[feed.id],
            total[feed.id],
            feed.owner_id,
            editors.get(feed.id, 0) if feed.id in with_rules else None,
            feed.id in latest and (feed.id, latest[feed.id][1]) in announced,
        )
        for feed in feed_rows
    ]
