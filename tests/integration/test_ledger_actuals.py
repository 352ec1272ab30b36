"""Ledger actuals into the value series on both databases: mapping rules with owner and rationale turn an accepted
ledger file into proposed actuals; the controller confirms or corrects them (finance figures, not typed ones); the
unallocated amounts stay visible; a later file for the period supersedes what was not decided."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from tests.factory import World, build_world
from valuegate.context import on_day
from valuegate.errors import Conflict, InvalidInput, NotFound, PermissionDenied, RuleViolation
from valuegate.feeds import actuals
from valuegate.feeds import service as feeds
from valuegate.feeds.models import FeedSubmission, ProposedActual
from valuegate.finance.models import ValueFact

CONTRACT = [
    {"name": "CostCenter", "type": "string", "required": True, "nullable": False},
    {"name": "Account", "type": "string", "required": True, "nullable": False},
    {"name": "Amount", "type": "decimal", "required": True, "nullable": False},
]
GL = b"CostCenter,Account,Amount\nCC-410,6100,1200.40\nCC-410,6200,300.00\nCC-420,6100,999.99\nCC-999,6100,50\n"


@pytest.fixture
def w(session) -> World:  # type: ignore[no-untyped-def]
    world = build_world(session)
    world.ids["measure"] = world.measure("Cloud migration wave 1")
    world.ids["other"] = world.measure("Licence harvest")
    feed = feeds.register_feed(
        session,
        actor=world["pmo"],
        node_id=world.ids["project"],
        name="GL actuals",
        channel="system",
        due_business_day=5,
        contract=CONTRACT,
        owner_id=world.ids["owner"],
        key_columns=["CostCenter"],
        amount_column="Amount",
    )
    world.ids["feed"] = feed.id
    return world


def _rule(w: World, match: dict[str, str], measure: str = "measure", **kw: object) -> int:
    return actuals.add_rule(
        w.s,
        actor=w["pmo"],
        feed_id=w.ids["feed"],
        match=match,
        measure_id=w.ids[measure],
        owner_id=w.ids["controller"],
        rationale="Migration costs are booked on the cloud cost centre",
        **kw,  # type: ignore[arg-type]
    ).id


def _submit(w: World, data: bytes = GL, period: str = "2026-05") -> FeedSubmission:
    with on_day(w.s, date(2026, 6, 4)):
        return feeds.submit(w.s, actor=w["owner"], feed_id=w.ids["feed"], period=period, filename="gl.csv", data=data)


def test_an_accepted_ledger_file_proposes_actuals_the_controller_confirms(w: World) -> None:
    _rule(w, {"CostCenter": "CC-410"})
    _rule(w, {"CostCenter": "CC-420"}, "other", share=0.5)
    sub = _submit(w)
    assert sub.status == "accepted"
    allocation = json.loads(sub.report)["allocation"]
    assert allocation["total"] == "2550.39" and allocation["unallocated"] == "550.00"
    assert {tuple(k["key"].values()): k["amount"] for k in allocation["unallocated_keys"]} == {
        ("CC-420",): "500.00",
        ("CC-999",): "50.00",
    }
    assert sub.unallocated_share == pytest.approx(549.995 / 2550.39)  # half of 999.99 to the cent when shown

    listed = {p["measure"]: p for p in actuals.proposals(w.s, actor=w["viewer"], node_id=w.ids["project"])}
    assert listed["Cloud migration wave 1"]["amount"] == "1500.40"
    assert listed["Cloud migration wave 1"]["actual_now"] is None
    assert listed["Licence harvest"]["amount"] == "500.00"

    mine = listed["Cloud migration wave 1"]
    with pytest.raises(PermissionDenied, match="controller or by finance"):
        actuals.decide(w.s, actor=w["owner"], proposal_id=mine["id"], version=mine["version"], decision="confirm")
    actuals.decide(w.s, actor=w["controller"], proposal_id=mine["id"], version=mine["version"], decision="confirm")
    fact = w.s.scalars(
        select(ValueFact).where(ValueFact.measure_id == w.ids["measure"], ValueFact.series == "actual")
    ).one()
    assert (fact.kind, fact.period, fact.amount, fact.source) == ("one_time_cost", "2026-05", 150040, "ledger")
    with pytest.raises(Conflict, match="already confirmed"):
        actuals.decide(w.s, actor=w["controller"], proposal_id=mine["id"], version=None, decision="confirm")

    other = listed["Licence harvest"]
    with pytest.raises(InvalidInput, match="Say why"):
        actuals.decide(w.s, actor=w["finance"], proposal_id=other["id"], version=None, decision="correct", amount=480)
    with pytest.raises(InvalidInput, match="is a number"):
        actuals.decide(
            w.s, actor=w["finance"], proposal_id=other["id"], version=None, decision="correct", amount="lots", note="x"
        )
    p = actuals.decide(
        w.s,
        actor=w["finance"],
        proposal_id=other["id"],
        version=None,
        decision="correct",
        amount="480",
        note="A 20 EUR credit note arrives next month",
    )
    assert p.status == "corrected" and p.booked_amount == "480.00"
    rules = actuals.rules_of(w.s, actor=w["viewer"], feed_id=w.ids["feed"])
    assert [r["last_allocated"] for r in rules["rules"]] == ["1500.40", "500.00"]  # 499.995 to the cent
    assert rules["allocation"]["unallocated"] == "550.00"


def test_a_later_file_supersedes_undecided_proposals(w: World) -> None:
    _rule(w, {"CostCenter": "CC-410"})
    _submit(w)
    _submit(w, GL.replace(b"1200.40", b"1300.40"))
    statuses = sorted(w.s.scalars(select(ProposedActual.status)).all())
    assert statuses == ["proposed", "superseded"]
    assert actuals.proposals(w.s, actor=w["pmo"], node_id=w.ids["project"])[0]["amount"] == "1600.40"


def test_a_feed_without_rules_proposes_nothing(w: World) -> None:
    sub = _submit(w)
    assert "allocation" not in json.loads(sub.report) and sub.unallocated_share is None


def test_bad_rules_are_refused_and_nothing_is_kept(w: World) -> None:
    _rule(w, {"CostCenter": "CC-410"}, share=0.6)
    with pytest.raises(InvalidInput, match="not in the feed's contract"):
        _rule(w, {"Cost Centre": "CC-410"})
    with pytest.raises(InvalidInput, match="Give CostCenter a value"):
        _rule(w, {"CostCenter": "*"})
    with pytest.raises(InvalidInput, match="share is above 0"):
        _rule(w, {"CostCenter": "CC-420"}, share=1.5)
    with pytest.raises(RuleViolation, match="more than the whole amount"):
        _rule(w, {"CostCenter": "CC-410"}, "other", share=0.5)
    with pytest.raises(Conflict, match="already sends"):
        _rule(w, {"CostCenter": "CC-410"}, share=0.1)
    with pytest.raises(InvalidInput, match="kind is one of"):
        _rule(w, {"CostCenter": "CC-430"}, kind="savings")
    outside = w.measure("Elsewhere")
    w.ids["outside"] = w.ids["program"]
    with pytest.raises(NotFound, match="no measure"):
        _rule(w, {"CostCenter": "CC-430"}, "outside")
    with pytest.raises(PermissionDenied):
        actuals.add_rule(
            w.s, actor=w["viewer"], feed_id=w.ids["feed"], match={"CostCenter": "CC-1"}, measure_id=outside
        )
    assert len(actuals.rules_of(w.s, actor=w["pmo"], feed_id=w.ids["feed"])["rules"]) == 1
