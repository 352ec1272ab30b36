"""The demo's data feed: the general-ledger actuals the TBM cost model reads, delivered by the business controller
on the fifth working day: three months on time, and last month's file with a renamed column, rejected. A mapping
rule sends the applications cost centre to the unit-cost measure, so the accepted files propose its actuals."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from valuegate.auth.models import Person
from valuegate.auth.policy import Actor, actor_for
from valuegate.context import on_day, today_of
from valuegate.feeds import actuals
from valuegate.feeds import service as feeds
from valuegate.feeds.templates import GENERAL_LEDGER

CONTRACT = GENERAL_LEDGER
CENTRES = ["CC-1100 Infrastructure", "CC-1200 Workplace", "CC-2100 Applications", "CC-3100 Service desk"]


def _month(today: date, back: int) -> str:
    first = today.replace(day=1)
    for _ in range(back):
        first = (first - timedelta(days=1)).replace(day=1)
    return first.strftime("%Y-%m")


def _file(period: str, centre_header: str = "CostCenter") -> bytes:
    lines = [f"Period,{centre_header},Account,Amount,Vendor"]
    for i in range(40):
        lines.append(f"{period}-28,{CENTRES[i % 4].split()[0]},6{i % 5}00,{1800 + 37 * i}.00,Vendor {i % 7}")
    return ("\n".join(lines) + "\n").encode()


def load_feeds_demo(session: Session, *, project_id: int, lead: Actor, owner: Person, mapped_measure: int) -> None:
    s = session
    feed = feeds.register_feed(
        s,
        actor=lead,
        node_id=project_id,
        name="GL actuals by cost centre",
        channel="system",
        due_business_day=5,
        contract=CONTRACT,
        owner_id=owner.id,
        key_columns=["CostCenter"],
        amount_column="Amount",
        description="Monthly general-ledger actuals, the input of the cost pools.",
    )
    # The applications cost centre's running costs are the unit-cost measure's actuals; the rest is unallocated.
    actuals.add_rule(
        s,
        actor=lead,
        feed_id=feed.id,
        match={"CostCenter": "CC-2100", "Account": "6*"},
        measure_id=mapped_measure,
        kind="one_time_cost",
        owner_id=owner.id,
        rationale="Application run costs are booked on CC-2100, operating accounts 6xxx (chart of accounts 2026).",
    )
    today = today_of(s)
    for back in (4, 3, 2):
        period = _month(today, back)
        due = feeds.due_date(period, 5)
        with on_day(s, min(due, today)):
            feeds.submit(
                s,
                actor=actor_for(owner),
                feed_id=feed.id,
                period=period,
                filename=f"gl-{period}.csv",
                data=_file(period),
                channel="upload",
            )
    period = _month(today, 1)
    feeds.submit(
        s,
        actor=actor_for(owner),
        feed_id=feed.id,
        period=period,
        filename=f"gl-{period}.csv",
        data=_file(period, "Cost Centre"),
        channel="upload",
    )
