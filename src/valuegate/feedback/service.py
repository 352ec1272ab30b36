"""Use-cases of the feedback loops: weekly check-ins (named), the open channel (named), the anonymous channel, the
reports on each, and "you said, we did".

The anonymous use-case takes no actor: it cannot write what it is never given. It records no audit event either,
since an event's time and order would date the response; acknowledging and answering one is audited, under the
team member who did it.
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from valuegate.audit import service as audit
from valuegate.auth.models import Person
from valuegate.auth.policy import Actor, can
from valuegate.change.models import AudienceGroup
from valuegate.change.rules import ADKAR
from valuegate.change.service import workstream_node
from valuegate.context import settings_of, today_of
from valuegate.errors import Conflict, InvalidInput, NotFound, PermissionDenied, RuleViolation, check_version
from valuegate.feedback import rules
from valuegate.feedback.models import AnonymousResponse, CheckIn, FeedbackItem
from valuegate.portfolio.models import Node
from valuegate.uow import use_case

MAX_TEXT = 4000
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_PHONE = re.compile(r"(?<!\w)\+?\d[\d ()/.-]{7,}\d")


def _signed_in(actor: Actor) -> int:
    if actor.person_id is None:
        raise PermissionDenied("Sign in to give feedback.")
    return actor.person_id


def feedback_node(session: Session, node_id: int) -> Node:
    """The program or project feedback is given on (anyone signed in may give it)."""
    return _node(session, node_id)


def _node(session: Session, node_id: int) -> Node:
    node = session.get(Node, node_id)
    if node is None or node.kind not in ("program", "project"):
        raise NotFound(f"There is no program or project with id {node_id} to give feedback on.")
    return node


def _group(session: Session, node: Node, group_id: int | None) -> None:
    if group_id is None:
        return
    group = session.get(AudienceGroup, group_id)
    if group is None or group.node_id != node.id:
        raise NotFound(f"There is no audience group {group_id} in {node.name!r}.")


def _pulse(scores: dict[str, int | None], *, required: bool) -> dict[str, int]:
    try:
        given = rules.check_pulse(scores)
    except ValueError as exc:
        raise InvalidInput(f"The pulse is not valid: {exc}; nothing was saved.") from exc
    if required and not given:
        raise InvalidInput("Answer at least one of the pulse questions.")
    return given


def _text(value: str | None, what: str) -> str | None:
    if value is None or not value.strip():
        return None
    if len(value) > MAX_TEXT:
        raise InvalidInput(f"The {what} is at most {MAX_TEXT} characters (it has {len(value)}).")
    return value.strip()


def scrub(text: str) -> str:
    """Remove e-mail addresses and phone numbers from an anonymous comment before it is stored."""
    return _PHONE.sub("[phone number removed]", _EMAIL.sub("[e-mail removed]", text))


# --- writing ----------------------------------------------------------------------------------------------------


@use_case
def check_in(
    session: Session,
    *,
    actor: Actor,
    node_id: int,
    scores: dict[str, int | None],
    blocker: str | None = None,
    group_id: int | None = None,
) -> CheckIn:
    """This week's named check-in; a second one in the same week replaces the first."""
    person = _signed_in(actor)
    node = _node(session, node_id)
    _group(session, node, group_id)
    given = _pulse(scores, required=True)
    today = today_of(session)
    week, _ = rules.window_of(today, "week")
    row = session.scalar(
        select(CheckIn).where(CheckIn.node_id == node.id, CheckIn.person_id == person, CheckIn.week_start == week)
    )
    if row is None:
        row = CheckIn(node_id=node.id, person_id=person, week_start=week)
        session.add(row)
    for element in ADKAR:
        setattr(row, element, given.get(element))
    row.blocker = _text(blocker, "blocker")
    row.group_id = group_id
    row.submitted_on = today
    session.flush()
    audit.record(
        session,
        actor_id=person,
        action="feedback.checkin",
        entity_type="feedback_checkin",
        entity_id=row.id,
        after={"week_start": week, "scores": given, "blocker": row.blocker},
    )
    return row


@use_case
def raise_feedback(
    session: Session, *, actor: Actor, node_id: int, text: str, group_id: int | None = None
) -> FeedbackItem:
    """Feedback through the open channel, with the author's name."""
    person = _signed_in(actor)
    node = _node(session, node_id)
    _group(session, node, group_id)
    body = _text(text, "feedback")
    if body is None:
        raise InvalidInput("Write the feedback before sending it.")
    item = FeedbackItem(node_id=node.id, author_id=person, group_id=group_id, text=body, raised_on=today_of(session))
    audit.record_created(session, actor_id=person, row=item, action="feedback.raise", after={"text": body})
    return item


@use_case
def submit_anonymous(
    session: Session,
    *,
    node_id: int,
    scores: dict[str, int | None],
    comment: str | None = None,
    group_id: int | None = None,
) -> str:
    """Store an anonymous response: no author, no address, no time but the window; returns nothing that points
    back (the caller gets the window it was filed under)."""
    node = _node(session, node_id)
    _group(session, node, group_id)
    given = _pulse(scores, required=False)
    text = _text(comment, "comment")
    if not given and text is None:
        raise InvalidInput("Answer a pulse question or write a comment; an empty response is not stored.")
    start, end = rules.window_of(today_of(session), settings_of(session).feedback_window)
    session.add(
        AnonymousResponse(
            id=str(uuid.uuid4()),
            node_id=node.id,
            group_id=group_id,
            window_start=start,
            window_end=end,
            comment=scrub(text) if text else None,
            **{e: given.get(e) for e in ADKAR},
        )
    )
    return f"{start.isoformat()}/{end.isoformat()}"


@use_case
def respond(
    session: Session,
    *,
    actor: Actor,
    channel: str,
    item_id: str,
    version: int | None,
    acknowledge: bool = False,
    you_said: str | None = None,
    we_did: str | None = None,
    close: bool = False,
) -> FeedbackItem | AnonymousResponse:
    """Acknowledge feedback, and close it with a published "you said, we did"."""
    row: FeedbackItem | AnonymousResponse | None
    if channel == "open":
        row = session.get(FeedbackItem, int(item_id)) if item_id.isascii() and item_id.isdigit() else None
    elif channel == "anonymous":
        row = session.get(AnonymousResponse, item_id)
    else:
        raise InvalidInput("The channel is open or anonymous.")
    if row is None:
        raise NotFound(f"There is no {channel} feedback {item_id}.")
    workstream_node(session, actor, row.node_id, "change.manage")
    check_version("The feedback", row.version, version)
    today = today_of(session)
    changes: dict[str, Any] = {}
    if acknowledge and row.acknowledged_on is None:
        changes["acknowledged_on"] = today
    if you_said is not None:
        changes["you_said"] = _text(you_said, "summary")
    if we_did is not None:
        changes["we_did"] = _text(we_did, "response")
    if close:
        if row.closed_on is not None:
            raise Conflict("This feedback is already closed.")
        said = changes.get("you_said", row.you_said)
        did = changes.get("we_did", row.we_did)
        if not (said and did):
            raise RuleViolation("Close feedback with what was said and what was done about it: both are published.")
        changes["closed_on"] = today
        changes.setdefault("acknowledged_on", row.acknowledged_on or today)
    if not changes:
        raise InvalidInput("Nothing to change: acknowledge, write the response, or close.")
    before = {k: getattr(row, k) for k in changes}
    for key, value in changes.items():
        setattr(row, key, value)
    session.flush()
    audit.record(
        session,
        actor_id=actor.person_id,
        action="feedback.respond",
        entity_type=row.__tablename__,
        entity_id=row.id if isinstance(row, FeedbackItem) else None,
        before=before,
        after={**changes, **({"response": row.id} if isinstance(row, AnonymousResponse) else {})},
    )
    return row


# --- reading ----------------------------------------------------------------------------------------------------


def _groups(session: Session, node: Node) -> dict[int, AudienceGroup]:
    return {g.id: g for g in session.scalars(select(AudienceGroup).where(AudienceGroup.node_id == node.id))}


def _lineage(groups: dict[int, AudienceGroup], group_id: int | None) -> list[int]:
    """A group and every group it is nested in, up to and including the whole audience (ROOT)."""
    chain = [rules.ROOT]
    seen: set[int] = set()
    while group_id is not None and group_id in groups and group_id not in seen:
        chain.append(group_id)
        seen.add(group_id)
        group_id = groups[group_id].parent_id
    return chain


def _tree(groups: dict[int, AudienceGroup], response_groups: list[int | None]) -> dict[int, rules.GroupCount]:
    """Respondents per group (a group counts those of every group nested in it) with each group's parent."""
    counts: dict[int, int] = defaultdict(int)
    for gid in response_groups:
        for g in _lineage(groups, gid):
            counts[g] += 1
    tree = {rules.ROOT: rules.GroupCount(counts[rules.ROOT], None)}
    for group in groups.values():
        parent = group.parent_id if group.parent_id in groups else rules.ROOT
        tree[group.id] = rules.GroupCount(counts[group.id], parent)
    return tree


def windows(session: Session, *, actor: Actor, node_id: int) -> list[dict[str, str]]:
    node = workstream_node(session, actor, node_id, "node.view")
    rows = session.execute(
        select(AnonymousResponse.window_start, AnonymousResponse.window_end)
        .where(AnonymousResponse.node_id == node.id)
        .distinct()
        .order_by(AnonymousResponse.window_start.desc())
    ).all()
    return [{"start": s.isoformat(), "end": e.isoformat()} for s, e in rows]


def anonymous_report(session: Session, *, actor: Actor, node_id: int, window_start: date) -> dict[str, Any]:
    """The anonymous pulse and comments of one window, per audience group, with every privacy rule applied."""
    node = workstream_node(session, actor, node_id, "node.view")
    settings = settings_of(session)
    k, k_comments = settings.anonymity_min_group, settings.anonymity_min_comments
    groups = _groups(session, node)
    start, end = rules.window_of(window_start, settings.feedback_window)
    responses = list(
        session.scalars(
            select(AnonymousResponse).where(
                AnonymousResponse.node_id == node.id, AnonymousResponse.window_start == start
            )
        )
    )
    members: dict[int, list[AnonymousResponse]] = defaultdict(list)
    for r in responses:
        for g in _lineage(groups, r.group_id):
            members[g].append(r)
    counts = _tree(groups, [r.group_id for r in responses])
    hidden = rules.suppressed(counts, k)
    hidden_comments = rules.suppressed(counts, k_comments)
    total_size = sum(g.size for g in groups.values() if g.parent_id is None)
    rows = []
    for gid in [rules.ROOT, *sorted(groups, key=lambda i: groups[i].name)]:
        group = groups.get(gid)
        reason = hidden.get(gid)
        rs = members[gid]
        row: dict[str, Any] = {
            "group_id": gid or None,
            "group": group.name if group else "Everyone",
            "parent_id": group.parent_id if group else None,
            "size": group.size if group else total_size,
            "shown": reason is None,
            "hidden_because": reason,
            "respondents": len(rs) if reason is None else None,
        }
        if reason is None:
            row["response_rate"] = round(len(rs) / row["size"], 3) if row["size"] else None
            row["elements"] = {
                e: rules.element_summary([getattr(r, e) for r in rs if getattr(r, e) is not None], True) for e in ADKAR
            }
        if gid not in hidden_comments:
            row["comments"] = rules.shuffled([r.comment for r in rs if r.comment])
        else:
            row["comments_hidden_because"] = hidden_comments[gid]
        rows.append(row)
    return {
        "node_id": node.id,
        "window": {"start": start.isoformat(), "end": end.isoformat(), "kind": settings.feedback_window},
        "min_group": k,
        "min_comments": k_comments,
        "groups": rows,
    }


def checkin_report(session: Session, *, actor: Actor, node_id: int, week_start: date) -> dict[str, Any]:
    """Named check-ins of a week, for the change team: response rate per group, pulse means, blockers by name."""
    node = workstream_node(session, actor, node_id, "change.manage")
    week, _ = rules.window_of(week_start, "week")
    groups = _groups(session, node)
    rows = session.execute(
        select(CheckIn, Person.name)
        .join(Person, Person.id == CheckIn.person_id)
        .where(CheckIn.node_id == node.id, CheckIn.week_start == week)
        .order_by(Person.name)
    ).all()
    per_group: dict[int | None, list[CheckIn]] = defaultdict(list)
    for c, _name in rows:
        per_group[c.group_id].append(c)
    summary = []
    for gid, items in per_group.items():
        group = groups.get(gid) if gid is not None else None
        size = group.size if group else None
        summary.append(
            {
                "group_id": gid,
                "group": group.name if group else "No group",
                "check_ins": len(items),
                "response_rate": round(len(items) / size, 3) if size else None,
                "means": {
                    e: (round(sum(v) / len(v), 2) if (v := [getattr(c, e) for c in items if getattr(c, e)]) else None)
                    for e in ADKAR
                },
            }
        )
    return {
        "node_id": node.id,
        "week_start": week.isoformat(),
        "groups": sorted(summary, key=lambda s: s["group"]),
        "blockers": [
            {"person": name, "group": groups[c.group_id].name if c.group_id in groups else None, "blocker": c.blocker}
            for c, name in rows
            if c.blocker
        ],
    }


def _visible_comments(session: Session, node: Node) -> tuple[list[tuple[AnonymousResponse, str]], int]:
    """Anonymous comments the change team may see, each labelled with the narrowest group that clears the comment
    threshold in its window; and how many wait for their window to clear it."""
    k_comments = settings_of(session).anonymity_min_comments
    groups = _groups(session, node)
    by_window: dict[date, list[AnonymousResponse]] = defaultdict(list)
    for r in session.scalars(
        select(AnonymousResponse).where(AnonymousResponse.node_id == node.id, AnonymousResponse.comment.is_not(None))
    ):
        by_window[r.window_start].append(r)
    visible: list[tuple[AnonymousResponse, str]] = []
    waiting = 0
    for window_start in by_window:
        everyone = session.scalars(
            select(AnonymousResponse.group_id).where(
                AnonymousResponse.node_id == node.id, AnonymousResponse.window_start == window_start
            )
        ).all()
        hidden = rules.suppressed(_tree(groups, list(everyone)), k_comments)
        for r in by_window[window_start]:
            label = next((g for g in reversed(_lineage(groups, r.group_id)) if g not in hidden), None)
            if label is None:
                waiting += 1
            else:
                visible.append((r, groups[label].name if label in groups else "Everyone"))
    return visible, waiting


def published(session: Session, *, node_id: int) -> list[dict[str, Any]]:
    """The published "you said, we did" responses, newest first: for everyone who gives feedback here."""
    node = _node(session, node_id)
    rows = [
        {"you_said": r.you_said, "we_did": r.we_did, "closed_on": r.closed_on.isoformat()}
        for _day, r in _raised(session, node)
        if r.closed_on is not None
    ]
    return sorted(rows, key=lambda p: str(p["closed_on"]), reverse=True)


def you_said_we_did(session: Session, *, actor: Actor, node_id: int) -> dict[str, Any]:
    """Published responses, and how quickly feedback is acknowledged and closed. Anonymous feedback counts from
    the start of its window, the only time it has."""
    node = workstream_node(session, actor, node_id, "node.view")
    raised = _raised(session, node)
    done = published(session, node_id=node.id)
    return {
        "node_id": node.id,
        "raised": len(raised),
        "closed_with_response": len(done),
        "closure_ratio": round(len(done) / len(raised), 3) if raised else None,
        "median_days_to_acknowledge": rules.median_days((d, r.acknowledged_on) for d, r in raised),
        "median_days_to_close": rules.median_days((d, r.closed_on) for d, r in raised),
        "published": done,
    }


def _raised(session: Session, node: Node) -> list[tuple[date, FeedbackItem | AnonymousResponse]]:
    named = session.scalars(select(FeedbackItem).where(FeedbackItem.node_id == node.id))
    anonymous = session.scalars(
        select(AnonymousResponse).where(AnonymousResponse.node_id == node.id, AnonymousResponse.comment.is_not(None))
    )
    return [(f.raised_on, f) for f in named] + [(a.window_start, a) for a in anonymous]


def feedback_queue(session: Session, *, actor: Actor, node_id: int) -> dict[str, Any]:
    """Open feedback for the change team to answer: named items with their author, anonymous comments only where
    their window clears the comment threshold (labelled with the narrowest group that does)."""
    node = workstream_node(session, actor, node_id, "change.manage")
    named = session.execute(
        select(FeedbackItem, Person.name)
        .join(Person, Person.id == FeedbackItem.author_id)
        .where(FeedbackItem.node_id == node.id, FeedbackItem.closed_on.is_(None))
    ).all()
    comments, waiting = _visible_comments(session, node)
    items = [
        {
            "channel": "open",
            "id": str(f.id),
            "from": name,
            "text": f.text,
            "raised": f.raised_on.isoformat(),
            "acknowledged_on": f.acknowledged_on.isoformat() if f.acknowledged_on else None,
            "you_said": f.you_said,
            "we_did": f.we_did,
            "version": f.version,
        }
        for f, name in named
    ] + [
        {
            "channel": "anonymous",
            "id": r.id,
            "from": f"Anonymous, {label}",
            "text": r.comment,
            "raised": r.window_end.isoformat(),
            "acknowledged_on": r.acknowledged_on.isoformat() if r.acknowledged_on else None,
            "you_said": r.you_said,
            "we_did": r.we_did,
            "version": r.version,
        }
        for r, label in rules.shuffled(comments)
        if r.closed_on is None
    ]
    return {"node_id": node.id, "items": sorted(items, key=lambda i: str(i["raised"])), "anonymous_waiting": waiting}


@dataclass(frozen=True)
class GivePage:
    """What the pages where people give feedback (named or anonymous) show: the teams to choose from and what the
    change team has answered in public. Open to anyone signed in."""

    node: Node
    groups: list[dict[str, Any]]
    said: list[dict[str, Any]]
    window: str
    min_group: int


def give_page(session: Session, *, node_id: int) -> GivePage:
    node = _node(session, node_id)
    rows = session.execute(
        select(AudienceGroup.id, AudienceGroup.name)
        .where(AudienceGroup.node_id == node.id)
        .order_by(AudienceGroup.name)
    )
    settings = settings_of(session)
    return GivePage(
        node=node,
        groups=[{"id": gid, "name": name} for gid, name in rows],
        said=published(session, node_id=node_id),
        window=settings.feedback_window,
        min_group=settings.anonymity_min_group,
    )


@dataclass(frozen=True)
class TeamPage:
    """What the change team's feedback page shows, read for one person: the anonymous report of a window, and for
    who may manage the workstream the queue to answer and this week's check-ins."""

    node: Node
    report: dict[str, Any]
    windows: list[dict[str, str]]
    said: dict[str, Any]
    queue: dict[str, Any] | None
    checkins: dict[str, Any] | None
    may_manage: bool


def team_page(session: Session, *, actor: Actor, node_id: int, window: date | None = None) -> TeamPage:
    node = workstream_node(session, actor, node_id, "node.view")
    today = today_of(session)
    may_manage = can(session, actor, "change.manage", node)
    week_start = rules.window_of(today, "week")[0]
    return TeamPage(
        node=node,
        report=anonymous_report(session, actor=actor, node_id=node_id, window_start=window or today),
        windows=windows(session, actor=actor, node_id=node_id),
        said=you_said_we_did(session, actor=actor, node_id=node_id),
        queue=feedback_queue(session, actor=actor, node_id=node_id) if may_manage else None,
        checkins=checkin_report(session, actor=actor, node_id=node_id, week_start=week_start) if may_manage else None,
        may_manage=may_manage,
    )
