"""The demo's change and adoption workstream: the self-service portal roll-out of the ITSM programme, with named
stakeholders, audiences, ADKAR, resistance, a communication plan on cadences, champions, legacy processes being
retired, feedback from all three channels, sixty days of usage of the new portal and of the old e-mail desk, and
success metrics over them. Built through the same services as real use."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy.orm import Session

from valuegate.adoption import ingest
from valuegate.adoption import service as adoption
from valuegate.auth import service as people
from valuegate.auth.models import Person
from valuegate.auth.policy import SYSTEM, Actor, actor_for
from valuegate.change import champions, retirement
from valuegate.change import service as change
from valuegate.comms import service as comms
from valuegate.context import on_day, today_of
from valuegate.feedback import service as feedback

PORTAL = "itsm-portal"
EMAIL_DESK = "email-desk"
USERS = 60


def load_change_demo(session: Session, *, project_id: int, lead: Actor, who: dict[str, Person]) -> None:
    s = session
    today = today_of(s)
    monday = today - timedelta(days=today.weekday())
    employees = change.add_group(s, actor=lead, node_id=project_id, name="Employees (portal users)", size=USERS).id
    sales = change.add_group(s, actor=lead, node_id=project_id, name="Sales", size=24, parent_id=employees).id
    finance = change.add_group(s, actor=lead, node_id=project_id, name="Finance", size=18, parent_id=employees).id
    agents = change.add_group(s, actor=lead, node_id=project_id, name="Service desk agents", size=12).id

    def stakeholder(
        key: str, role: str, scores: tuple[int, int, int, int, int], now: str, needed: str, **more: str
    ) -> int:
        power, interest, influence, legitimacy, urgency = scores
        return change.add_stakeholder(
            s,
            actor=lead,
            node_id=project_id,
            person_id=who[key].id,
            role=role,
            power=power,
            interest=interest,
            influence=influence,
            legitimacy=legitimacy,
            urgency=urgency,
            current_engagement=now,
            desired_engagement=needed,
            relationship_owner_id=who["itsmowner"].id,
            **more,
        ).id

    stakeholder("sponsor", "Sponsor (CIO)", (5, 4, 5, 5, 3), "supportive", "leading", gains="Fewer tickets, lower cost")
    hannah = stakeholder(
        "hrlead",
        "HR operations lead",
        (4, 4, 4, 4, 4),
        "resistant",
        "supportive",
        loses="Her team's personal e-mail contact with employees",
        gains="Onboarding requests arrive complete",
    )
    stakeholder("cfo", "CFO", (5, 2, 4, 5, 2), "neutral", "supportive", gains="Service cost per employee falls")
    stakeholder("svcowner", "Service owner, online shop", (2, 4, 2, 3, 2), "neutral", "supportive")
    change.assess_adkar(
        s,
        actor=lead,
        node_id=project_id,
        stakeholder_id=hannah,
        scores={"awareness": 4, "desire": 2, "knowledge": 3, "ability": 2, "reinforcement": 1},
        notes="Sees the reason, does not want to lose the personal touch.",
    )
    change.assess_adkar(
        s,
        actor=lead,
        node_id=project_id,
        group_id=agents,
        scores={"awareness": 5, "desire": 4, "knowledge": 3, "ability": 3, "reinforcement": 2},
    )
    item = change.raise_resistance(
        s,
        actor=lead,
        node_id=project_id,
        objection="Employees will not find answers themselves; they will call us.",
        channel="manager",
        group_id=agents,
        underlying_reason="lack_of_awareness",
        adkar_element="knowledge",
        owner_id=who["itsmowner"].id,
        due_on=today + timedelta(days=14),
    )
    change.update_resistance(s, actor=lead, item_id=item.id, version=item.version, changes={"tactic": "training"})
    change.raise_resistance(
        s,
        actor=lead,
        node_id=project_id,
        objection="The portal takes away the personal contact with HR.",
        channel="open",
        raised_by_id=who["hrlead"].id,
        underlying_reason="loss_of_control",
        adkar_element="desire",
        owner_id=who["sponsor"].id,
        due_on=today - timedelta(days=3),
    )

    plan = [
        (
            employees,
            "Why we move to self-service",
            "business_reason",
            "town_hall",
            "sponsor",
            who["sponsor"].id,
            monday - timedelta(days=21),
            "FREQ=MONTHLY;COUNT=6",
            True,
        ),
        (
            sales,
            "What changes for your requests",
            "personal_impact",
            "team_meeting",
            "people_manager",
            None,
            monday - timedelta(days=14),
            "FREQ=WEEKLY;INTERVAL=2;COUNT=6",
            False,
        ),
        (
            finance,
            "What changes for your requests",
            "personal_impact",
            "email",
            "project_team",
            None,
            monday - timedelta(days=7),
            None,
            False,
        ),
        (
            agents,
            "How to route a ticket to the knowledge base",
            "how_to",
            "training",
            "champion",
            who["viewer"].id,
            monday - timedelta(days=14),
            "FREQ=WEEKLY;COUNT=8",
            False,
        ),
    ]
    for group, message, kind, channel, role, messenger, start, rule, first in plan:
        row = comms.plan_message(
            s,
            actor=lead,
            node_id=project_id,
            audience_group_id=group,
            key_message=message,
            message_type=kind,
            channel=channel,
            messenger_role=role,
            messenger_id=messenger,
            planned_on=start,
            recurrence=rule,
            desired_action="Raise the next request in the portal",
            action_metric="Portal tickets within 14 days",
            covers_why=first,
            covers_why_now=first,
            covers_risk=first,
        )
        if start < today:
            comms.record_sent(s, actor=lead, item_id=row.id, occurrence_on=start)

    for key, name, title in [("ch1", "Mia Laurent", "Sales coordinator"), ("ch2", "Jonas Berg", "Service desk agent")]:
        who[key] = people.create_person(s, actor=SYSTEM, name=name, title=title)
    mia = champions.name_champion(
        s,
        actor=lead,
        node_id=project_id,
        person_id=who["ch1"].id,
        group_id=sales,
        time_percent=15,
        early_access=True,
        design_involvement="Tested the request forms",
        since=today - timedelta(days=60),
    )
    champions.name_champion(
        s,
        actor=lead,
        node_id=project_id,
        person_id=who["ch2"].id,
        group_id=agents,
        time_percent=10,
        since=today - timedelta(days=60),
    )
    champions.log_activity(
        s, actor=lead, champion_id=mia.id, kind="session", attendees=11, happened_on=today - timedelta(days=4)
    )

    mail = retirement.register(
        s,
        actor=lead,
        node_id=project_id,
        name="Service requests by e-mail to the desk",
        kind="email_routine",
        replacement="Request forms in the portal",
        retire_by=today + timedelta(days=45),
        owner_id=who["itsmowner"].id,
        people_still_using=22,
        usage_system=EMAIL_DESK,
    )
    retirement.update(
        s, actor=lead, item_id=mail.id, version=mail.version, changes={"status": "parallel", "double_work_hours": 6}
    )
    retirement.register(
        s,
        actor=lead,
        node_id=project_id,
        name="Excel ticket tracker",
        kind="spreadsheet",
        replacement="Portal queues and reports",
        retire_by=today - timedelta(days=10),
    )

    _feedback(s, project_id, lead, who, groups=(sales, finance, agents))
    _usage(s, lead, employees, today)
    common = {"system": PORTAL, "audience_group_id": employees, "window_days": 30}
    metrics: list[tuple[str, str, dict[str, Any]]] = [
        ("Employees using the portal", "active_users", {"target": 0.6}),
        ("Tickets raised through self-service", "feature_adoption", {"events": "ticket.create", "target": 0.5}),
        ("Knowledge articles before a ticket", "depth", {"events": "kb.article_view,portal.search", "target": 2.0}),
        ("Portal habit", "frequency", {"target": 0.6}),
        ("Stickiness", "stickiness", {"target": 0.3}),
        ("Days to the first self-service ticket", "ttfv", {"events": "ticket.create", "target": 7}),
        (
            "Requests completed",
            "task_completion",
            {"start_event": "ticket.create", "end_event": "ticket.resolve", "target": 0.8},
        ),
        ("Requests still by e-mail", "legacy_ratio", {"legacy_system": EMAIL_DESK, "target": 0.05}),
    ]
    for name, kind, extra in metrics:
        adoption.define_metric(
            s,
            actor=lead,
            node_id=project_id,
            name=name,
            kind=kind,
            data_owner_id=who["itsmowner"].id,
            **common,
            **extra,
        )
    survey = adoption.define_metric(
        s,
        actor=lead,
        node_id=project_id,
        name="Confidence with the portal (survey, 1–5)",
        kind="reported",
        collection_method="survey",
        target=3.5,
    )
    for weeks_ago, value in ((6, 2.9), (3, 3.2), (0, 3.4)):
        adoption.record_reading(
            s, actor=lead, metric_id=survey.id, value=value, measured_on=today - timedelta(days=7 * weeks_ago)
        )


def _feedback(s: Session, project_id: int, lead: Actor, who: dict[str, Person], groups: tuple[int, int, int]) -> None:
    sales, finance, agents = groups
    feedback.check_in(
        s,
        actor=actor_for(who["viewer"]),
        node_id=project_id,
        group_id=sales,
        scores={"knowledge": 3, "ability": 2},
        blocker="No sandbox to practise raising a request",
    )
    feedback.check_in(
        s, actor=actor_for(who["owner"]), node_id=project_id, group_id=finance, scores={"knowledge": 4, "ability": 4}
    )
    item = feedback.raise_feedback(
        s,
        actor=actor_for(who["viewer"]),
        node_id=project_id,
        group_id=sales,
        text="The request form asks for my cost centre although the portal knows it.",
    )
    feedback.respond(
        s,
        actor=lead,
        channel="open",
        item_id=str(item.id),
        version=item.version,
        acknowledge=True,
        you_said="The request form asked for a cost centre the portal already knows",
        we_did="The form fills it in from the employee record since release 1.3",
        close=True,
    )
    this_week = [
        (sales, 2, "Nobody told us when the e-mail desk closes."),
        (sales, 3, None),
        (sales, 4, None),
        (sales, 2, "Searching the knowledge base finds nothing for travel."),
        (sales, 3, None),
        (sales, 4, "Much faster than waiting for a reply."),
        (sales, 5, None),
        (sales, 3, "Which requests still go by e-mail?"),
        *[(finance, d, None) for d in (4, 3, 4, 5, 3, 4)],
        (agents, 2, "We still re-type e-mails into tickets."),
        *[(agents, d, None) for d in (3, 2, 4, 3)],
    ]
    for group, desire, comment in this_week:
        feedback.submit_anonymous(
            s, node_id=project_id, group_id=group, scores={"desire": desire, "ability": 3}, comment=comment
        )
    # The week before only Sales answered, all alike: its mean shows, its spread stays hidden.
    with on_day(s, today_of(s) - timedelta(days=7)):
        for _ in range(5):
            feedback.submit_anonymous(s, node_id=project_id, group_id=sales, scores={"desire": 2})


def _usage(s: Session, lead: Actor, employees: int, today: date) -> None:
    """Sixty days of portal use by sixty employees who join in waves; the e-mail desk fades but does not stop."""
    rng = random.Random(20261125)
    users = [f"employee{n:03d}@northwind.example" for n in range(1, USERS + 1)]
    start = today - timedelta(days=59)
    joined = {u: start + timedelta(days=rng.choice((0, 0, 7, 14, 21, 28, 35))) for u in users}
    for wave in sorted(set(joined.values())):
        ingest.add_members(
            s, actor=lead, group_id=employees, identifiers=[u for u in users if joined[u] == wave], since=wave
        )
    habit = {u: rng.choice((0.05, 0.15, 0.3, 0.5)) for u in users}
    events = []
    for offset in range(60):
        day = start + timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        for u in users:
            if day < joined[u]:
                if rng.random() < 0.3:
                    events.append(_event(u, day, "request.mail", EMAIL_DESK, rng))
                continue
            if rng.random() < habit[u]:
                events.append(_event(u, day, "portal.search", PORTAL, rng))
                for _ in range(rng.randint(0, 3)):
                    events.append(_event(u, day, "kb.article_view", PORTAL, rng))
                if rng.random() < 0.5:
                    events.append(_event(u, day, "ticket.create", PORTAL, rng))
                    if rng.random() < 0.8:
                        events.append(_event(u, day, "ticket.resolve", PORTAL, rng))
            elif rng.random() < 0.08:
                events.append(_event(u, day, "request.mail", EMAIL_DESK, rng))
    for i in range(0, len(events), ingest.MAX_EVENTS_PER_CALL):
        ingest.record_events(s, actor=lead, events=events[i : i + ingest.MAX_EVENTS_PER_CALL])


def _event(user: str, day: date, event: str, system: str, rng: random.Random) -> dict[str, object]:
    moment = datetime.combine(day, time(8, 0), tzinfo=UTC) + timedelta(minutes=rng.randint(0, 540))
    return {"actor": user, "event": event, "system": system, "occurred_at": moment}
