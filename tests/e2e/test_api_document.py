"""Schemathesis over the whole API, as two personas of the demo (pmo and owner): no answer is a server error, and
every answer keeps to the document (a documented status, a documented content type, a body that matches its
schema, and 405 with an Allow header for a method a path does not have).

Each persona works on its own copy of the demo database, served by uvicorn on 127.0.0.1 (schemathesis' lazy
pytest fixture does not run on this pytest, so the schema is read from the app when the module loads and the
cases are sent to the live server). The run is bounded
so that it takes a few minutes on two cores: a fixed number of generated cases per operation (positive and
negative data, plus schemathesis' coverage cases), derandomised so that a failure reproduces, no deadline
(SQLite under load is slower than Hypothesis' default allows), and no example database written to disk.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from tests.conftest import TODAY
from tests.live import demo_database, serve
from valuegate.app import create_app
from valuegate.config import load_settings

PASSWORD = "valuegate-demo"
EXAMPLES_PER_OPERATION = 20
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    unsupported_method,
]
CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {"mode": "all", "max-examples": EXAMPLES_PER_OPERATION, "deterministic": True},
        "phases": {"stateful": {"enabled": False}},
    }
)


# Which table an id parameter names (by its name in paths, queries and bodies); "item_id" is several things.
ID_TABLES = {
    "node_id": ["node"],
    "parent_id": ["node"],
    "measure_id": ["measure.node_id"],
    "upstream_id": ["measure.node_id"],
    "downstream_id": ["measure.node_id"],
    "meeting_id": ["meeting"],
    "decision_id": ["decision"],
    "request_id": ["gate_request"],
    "gate_request_id": ["gate_request"],
    "rebaseline_id": ["rebaseline"],
    "milestone_id": ["milestone"],
    "dependency_id": ["dependency"],
    "impact_id": ["service_impact"],
    "service_id": ["business_service"],
    "org_unit_id": ["org_unit"],
    "grant_id": ["node_grant"],
    "group_id": ["audience_group"],
    "audience_group_id": ["audience_group"],
    "stakeholder_id": ["stakeholder"],
    "champion_id": ["champion"],
    "item_id": ["communication_item", "resistance_item", "legacy_process", "feedback_item"],
    "metric_id": ["success_metric"],
    "feed_id": ["data_feed"],
    "submission_id": ["feed_submission"],
    "rule_id": ["mapping_rule"],
    "proposal_id": ["proposed_actual"],
    "artefact_id": ["model_artefact"],
    "action_id": ["health_action"],
}
PERSON_IDS = ("person_id", "owner_id", "sponsor_id", "controller_id", "actor_id", "delegator_id", "deputy_id")
# Filled from the demo database before the first case is generated.
DEMO_IDS: dict[str, list[int]] = {}


@pytest.fixture(scope="module")
def demo_file(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("fuzz") / "demo.db"
    db = demo_database(sqlite_template, target, load_settings(f"sqlite:///{target}"), TODAY)
    with db.engine.connect() as conn:
        for name, tables in {**ID_TABLES, **{key: ["person"] for key in PERSON_IDS}}.items():
            found: list[int] = []
            for table in tables:
                table_name, _, column = table.partition(".")
                found += conn.exec_driver_sql(f"SELECT {column or 'id'} FROM {table_name}").scalars().all()
            DEMO_IDS[name] = sorted(set(found))
    db.dispose()
    return target


@pytest.fixture(scope="module", params=["pmo", "owner"])
def persona(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def server(persona: str, demo_file: Path) -> Iterator[tuple[str, requests.Session]]:
    """The app on the persona's own copy of the demo, and an HTTP session that carries the persona's token."""
    copy = demo_file.with_name(f"{persona}.db")
    shutil.copy(demo_file, copy)
    app = create_app(load_settings(f"sqlite:///{copy}"), today=TODAY)
    with serve(app) as url, requests.Session() as http:
        r = http.post(f"{url}/api/auth/token", json={"login": persona, "password": PASSWORD}, timeout=30)
        assert r.status_code == 201, r.text
        http.headers["Authorization"] = f"Bearer {r.json()['token']}"
        yield url, http
    app.state.db.dispose()


schema = schemathesis.openapi.from_dict(create_app(load_settings("sqlite://")).openapi(), config=CONFIG)


def _steer_ids(values: object) -> st.SearchStrategy[object]:
    """Most generated ids are swapped for ids the demo has, so the cases reach real resources and the code behind
    them instead of stopping at 404; the rest keep what was generated."""
    if not isinstance(values, dict):
        return st.just(values)
    ids = {
        k: st.sampled_from(DEMO_IDS[k]) if DEMO_IDS.get(k) else st.integers(min_value=1, max_value=30)
        for k, v in values.items()
        if k.endswith("_id") and isinstance(v, int) and not isinstance(v, bool)
    }
    if not ids:
        return st.just(values)
    demo = st.fixed_dictionaries(ids).map(lambda chosen: {**values, **chosen})
    return st.one_of(demo, demo, demo, st.just(values))


@schema.hook("flatmap_path_parameters")
def _path_ids(_context: schemathesis.HookContext, path: object) -> st.SearchStrategy[object]:
    return _steer_ids(path)


@schema.hook("flatmap_query")
def _query_ids(_context: schemathesis.HookContext, query: object) -> st.SearchStrategy[object]:
    return _steer_ids(query)


@schema.hook("flatmap_body")
def _body_ids(_context: schemathesis.HookContext, body: object) -> st.SearchStrategy[object]:
    return _steer_ids(body)


@schema.parametrize()
@settings(
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)
def test_the_api_keeps_to_its_document(case: schemathesis.Case, server: tuple[str, requests.Session]) -> None:
    url, http = server
    case.call_and_validate(base_url=url, session=http, checks=CHECKS, timeout=60)
