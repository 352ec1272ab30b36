"""A client generated from the API document drives a real flow against a live server with the demo data.

The document is written from ``create_app().openapi()``, openapi-python-client generates a package from it in a
temporary folder (nothing is installed), and the test uses its typed functions and models: sign in, list the
portfolio, read a measure and its figures, request the next gate, find it in the approver's inbox and approve it.
Every answer is parsed into the generated models and must turn back into exactly the JSON that came, so a
document that leaves out a field, names a wrong type or misses an enum value breaks this test.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.conftest import TODAY
from tests.live import demo_database, serve
from valuegate.app import create_app
from valuegate.config import load_settings

PASSWORD = "valuegate-demo"
PACKAGE = "valuegate_api_client"


@pytest.fixture(scope="module")
def client_package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """The generated client, imported from a temporary folder and forgotten afterwards."""
    folder = tmp_path_factory.mktemp("client")
    document = folder / "openapi.json"
    document.write_text(json.dumps(create_app(load_settings("sqlite://")).openapi()))
    config = folder / "config.json"
    # No post-processing hooks (they would format the code); uploads travel as raw bytes.
    config.write_text(
        json.dumps({"post_hooks": [], "content_type_overrides": {"text/csv": "application/octet-stream"}})
    )
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "openapi_python_client",
            "generate",
            "--path",
            str(document),
            "--meta",
            "none",
            "--output-path",
            str(folder / PACKAGE),
            "--config",
            str(config),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "will not be generated" not in done.stdout, done.stdout
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


@pytest.fixture(scope="module")
def live_url(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    target = tmp_path_factory.mktemp("client-demo") / "demo.db"
    settings = load_settings(f"sqlite:///{target}")
    db = demo_database(sqlite_template, target, settings, TODAY)
    with serve(create_app(settings, db=db, today=TODAY)) as url:
        yield url
    db.dispose()


def _api(package: ModuleType, tag: str, name: str) -> Any:
    """An operation of the generated client: its tag and route name make its operation id (see app.py)."""
    return importlib.import_module(f"{package.__name__}.api.{tag}.{tag}_{name}")


def _exact(response: Any, status: int) -> Any:
    """The parsed answer, after checking its status and that the models give back exactly the JSON sent."""
    assert response.status_code == status, response.content[:500]
    parsed = response.parsed
    sent = json.loads(response.content)
    if isinstance(parsed, list):
        assert [item.to_dict() for item in parsed] == sent
    else:
        assert parsed.to_dict() == sent
    return parsed


def test_a_generated_client_signs_in_reads_and_moves_a_measure_through_a_gate(client_package, live_url) -> None:  # type: ignore[no-untyped-def]
    pkg = client_package
    models = importlib.import_module(f"{pkg.__name__}.models")
    anonymous = pkg.Client(base_url=live_url, raise_on_unexpected_status=True)

    def sign_in(login: str) -> Any:
        answer = _api(pkg, "people", "login_for_token").sync_detailed(
            client=anonymous, body=models.TokenRequest(login=login, password=PASSWORD)
        )
        signed_in = _exact(answer, 201)
        assert isinstance(signed_in, models.SignedIn) and signed_in.person.login == login
        return pkg.AuthenticatedClient(base_url=live_url, token=signed_in.token, raise_on_unexpected_status=True)

    owner = sign_in("owner")
    approvers = {login: sign_in(login) for login in ("pmo", "sponsor", "controller")}

    refused = _api(pkg, "people", "me").sync_detailed(client=anonymous)
    problem = _exact(refused, 401)
    assert isinstance(problem, models.Problem) and problem.status == 401

    nodes = _exact(_api(pkg, "portfolio", "list_nodes").sync_detailed(client=owner, kind=models.NodeKind.MEASURE), 200)
    assert nodes and all(isinstance(n, models.NodeOut) and n.kind == models.NodeKind.MEASURE for n in nodes)
    me = _exact(_api(pkg, "people", "me").sync_detailed(client=owner), 200)

    chosen = None
    for node in nodes:
        measure = _exact(_api(pkg, "portfolio", "get_measure").sync_detailed(node.id, client=owner), 200)
        assert isinstance(measure.stage, models.Stage)
        assert isinstance(measure.implementation_status, models.ImplementationStatus)
        nxt = _exact(_api(pkg, "gates", "next_gate").sync_detailed(node.id, client=owner), 200)
        if measure.owner_id == me.id and nxt.ready and nxt.to_stage and not nxt.pending_request_id:
            chosen = (measure, nxt)
            break
    assert chosen is not None, "the demo has a measure of the owner that is ready for its next gate"
    measure, nxt = chosen

    figures = _exact(_api(pkg, "figures", "get_values").sync_detailed(measure.id, client=owner), 200)
    assert figures.values_version == measure.values_version
    _exact(_api(pkg, "figures", "value_history").sync_detailed(measure.id, client=owner), 200)
    _exact(_api(pkg, "milestones", "list_milestones").sync_detailed(measure.id, client=owner), 200)

    requested = _exact(
        _api(pkg, "gates", "request_move").sync_detailed(
            measure.id, client=owner, body=models.MoveRequestIn(to_stage=nxt.to_stage)
        ),
        201,
    )
    assert requested.status == models.GateRequestStatus.PENDING and requested.to_stage == nxt.to_stage

    again = _exact(
        _api(pkg, "gates", "request_move").sync_detailed(
            measure.id, client=owner, body=models.MoveRequestIn(to_stage=nxt.to_stage)
        ),
        409,
    )
    assert isinstance(again, models.Problem)

    inbox = _api(pkg, "gates", "inbox")
    inboxes = {login: _exact(inbox.sync_detailed(client=c), 200) for login, c in approvers.items()}
    deciders = [(login, item) for login, items in inboxes.items() for item in items if item.id == requested.id]
    assert deciders, "the request is in the inbox of someone who approves that gate"
    login, item = deciders[0]
    assert isinstance(item.as_role, models.ApproverRole) and item.measure_name == measure.name
    approved = _exact(
        _api(pkg, "gates", "approve").sync_detailed(
            requested.id,
            client=approvers[login],
            body=models.GateDecisionIn(version=item.version, comment="Agreed: the case holds."),
        ),
        200,
    )
    assert approved.status in (models.GateRequestStatus.APPROVED, models.GateRequestStatus.PENDING)
    later = _exact(inbox.sync_detailed(client=approvers[login]), 200)
    assert requested.id not in [i.id for i in later]
    requests = _exact(_api(pkg, "gates", "list_requests").sync_detailed(measure.id, client=owner), 200)
    assert requested.id in [r.id for r in requests]
