"""Ledger rows to measures by mapping rules: the most specific match wins, shares split a row, prefixes match,
the rest stays unallocated by key, and the amounts are conserved to the cent."""

from __future__ import annotations

from decimal import Decimal

from valuegate.feeds.mapping import Rule, allocate, canonical, check_shares

LEDGER = {
    "CostCenter": ["CC-410", "CC-410", "CC-410", "CC-420", "CC-999", "CC-410", None],
    "Account": ["6100", "6200", "7100", "6100", "6100", "6150", "6100"],
    "Amount": ["1000.10", "250.00", "99.99", "400", "77.7", "-50", "12"],
}


def _rule(rid: int, match: dict[str, str], measure: int, share: str = "1", **kw: object) -> Rule:
    return Rule(rid, canonical(match), measure, Decimal(share), **kw)  # type: ignore[arg-type]


def test_most_specific_rule_wins_and_the_rest_is_unallocated_by_key() -> None:
    rules = [
        _rule(1, {"CostCenter": "CC-410"}, 100),
        _rule(2, {"CostCenter": "CC-410", "Account": "7*"}, 200),
        _rule(3, {"CostCenter": "CC-420", "Account": "6100"}, 100, "0.5"),
        _rule(4, {"CostCenter": "CC-420", "Account": "6100"}, 300, "0.25", kind="recurring", negate=True),
    ]
    out = allocate(LEDGER, "Amount", rules)
    targets = {(t["measure_id"], t["kind"]): t for t in out["targets"]}
    assert targets[(100, "one_time_cost")]["amount"] == "1400.10"  # 1000.10 + 250 - 50 + half of 400
    assert targets[(200, "one_time_cost")]["amount"] == "99.99"  # the account prefix is more specific
    assert targets[(300, "recurring")]["amount"] == "-100.00"  # a quarter of 400, negated
    assert out["total"] == "1789.79"
    assert out["unallocated"] == "189.70"  # CC-999 77.70, the row without a cost centre 12, a quarter of CC-420
    assert Decimal(out["allocated"]) + Decimal(out["unallocated"]) == Decimal(out["total"])
    keys = {(k["key"]["CostCenter"], k["key"]["Account"]): k["amount"] for k in out["unallocated_keys"]}
    assert keys == {("CC-420", "6100"): "100.00", ("CC-999", "6100"): "77.70", ("", "6100"): "12.00"}
    assert out["unused_rules"] == []
    assert round(out["unallocated_share"], 4) == round(189.70 / 1789.79, 4)


def test_a_rule_that_matches_nothing_is_reported_unused() -> None:
    out = allocate(LEDGER, "Amount", [_rule(9, {"CostCenter": "CC-777"}, 100)])
    assert out["unused_rules"] == [9] and out["allocated"] == "0.00" and out["unallocated_share"] == 1.0


def test_shares_over_the_whole_are_found() -> None:
    rules = [_rule(1, {"CostCenter": "CC-410"}, 100, "0.7"), _rule(2, {"CostCenter": "CC-410"}, 200, "0.4")]
    assert check_shares(rules) == ["CostCenter=CC-410"]
    assert check_shares(rules[:1]) == []
