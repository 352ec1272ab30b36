"""The demo's implementation hitting the wall: the TBM cost model is live for five months, its showback report is
read by fewer cost-centre managers each week, a tower dashboard nobody opens, a four-layer model at maturity 2,
the Excel showback workbook still running in parallel, the cloud chargeback decision deferred at three steering meetings
in a row, and the ledger feed's last file rejected for a renamed column. Weekly readings show the slide."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from valuegate.auth.models import Person
from valuegate.auth.policy import Actor, actor_for
from valuegate.change import retirement
from valuegate.change import service as change
from valuegate.context import on_day, today_of
from valuegate.decisions import service as decisions
from valuegate.gates import service as gates
from valuegate.health import catalogue
from valuegate.health import service as health
from valuegate.portfolio.models import Node
from valuegate.uow import commit_batch

READERS_PER_WEEK = [31, 29, 26, 22, 17, 13, 10, 7]  # oldest week first


def load_health_demo(
    session: Session, *, project_id: int, lead: Actor, who: dict[str, Person], deferred_measure: int
) -> None:
    s = session
    today = today_of(s)
    managers = change.add_group(
        s, actor=lead, node_id=project_id, name="Business-unit cost-centre managers", size=60
    ).id
    showback = catalogue.register(
        s,
        actor=lead,
        node_id=project_id,
        name="Showback report by business unit",
        kind="report",
        owner_id=who["controller2"].id,
        audience_group_id=managers,
        decisions="Quarterly budget challenge per business unit",
        layer="consumers",
        published_on=today - timedelta(days=150),
    ).id
    catalogue.register(
        s,
        actor=lead,
        node_id=project_id,
        name="Infrastructure tower cost dashboard",
        kind="dashboard",
        owner_id=who["infralead"].id,
        audience_group_id=managers,
        decisions="Capacity and hosting choices",
        layer="towers",
        published_on=today - timedelta(days=120),
    )
    catalogue.register(
        s,
        actor=lead,
        node_id=project_id,
        name="GL to cost pools",
        kind="allocation_rule",
        owner_id=who["controller2"].id,
        layer="cost_pools",
        rationale="Accounts map to the TBM v4 cost pools per the chart-of-accounts table agreed with finance.",
        published_on=today - timedelta(days=160),
    )
    catalogue.register(
        s,
        actor=lead,
        node_id=project_id,
        name="Towers to solutions by ticket volume",
        kind="allocation_rule",
        layer="solutions",
        published_on=today - timedelta(days=140),
    )
    uses = []
    for week, readers in enumerate(READERS_PER_WEEK):
        day = today - timedelta(days=7 * (len(READERS_PER_WEEK) - 1 - week) + 2)
        uses += [{"artefact_id": showback, "actor": f"manager-{i:02d}", "day": day.isoformat()} for i in range(readers)]
    catalogue.import_uses(s, actor=lead, node_id=project_id, uses=uses)

    workbook = retirement.register(
        s,
        actor=lead,
        node_id=project_id,
        name="Excel showback workbook",
        kind="spreadsheet",
        replacement="Showback report by business unit",
        retire_by=today - timedelta(days=30),
        owner_id=who["controller2"].id,
        people_still_using=18,
        double_work_hours=6,
    )
    retirement.update(s, actor=lead, item_id=workbook.id, version=workbook.version, changes={"status": "parallel"})
    health.set_profile(
        s,
        actor=lead,
        node_id=project_id,
        version=None,
        changes={"live_on": today - timedelta(days=150), "maturity_level": 2, "analyst_fte": 1.0},
    )

    request = gates.request_move(s, actor=actor_for(who["owner"]), measure_id=deferred_measure, to_stage="identified")
    for n, back in enumerate((56, 28, 1), start=1):
        held = today - timedelta(days=back)
        meeting = decisions.create_meeting(
            s,
            actor=lead,
            title=f"Cost transparency steering #{n}",
            held_on=held,
            node_id=project_id,
            chair_id=who["cfo"].id,
            attendee_ids=[who[k].id for k in ("pmo", "sponsor", "controller2")],
        )
        with on_day(s, held):
            decisions.record_decision(
                s,
                actor=lead,
                meeting_id=meeting.id,
                gate_request_id=request.id,
                outcome="defer",
                text="Unit costs wait until the application owners agree the allocation keys.",
                defer_until=held + timedelta(days=27),
            )

    for weeks_back in range(5, -1, -1):
        day = today - timedelta(weeks=weeks_back)
        with on_day(s, day):
            for node_id in health.monitored(s):
                monitored = s.get(Node, node_id)
                if monitored is not None:
                    health.run(s, monitored, day, "schedule")
    commit_batch(s)
