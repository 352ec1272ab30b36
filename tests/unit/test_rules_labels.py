"""Every gate criterion has the plain-language label the configuration page shows."""

from valuegate.gates.rules import CRITERIA, CRITERIA_LABELS


def test_every_criterion_is_labelled() -> None:
    assert set(CRITERIA_LABELS) == set(CRITERIA)
    assert all(len(label) > 10 for label in CRITERIA_LABELS.values())
