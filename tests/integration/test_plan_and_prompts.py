"""The implementation plan (Markdown and Word) and the assistant prompts, generated from the records; the optional
assistant is a local fake OpenAI-compatible server, never the internet."""

from __future__ import annotations

import dataclasses
import io
import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import docx
import pytest

from tests.conftest import TODAY
from tests.factory import World, build_world
from valuegate.auth import service as people
from valuegate.auth.policy import SYSTEM
from valuegate.change import champions, plan, prompts, retirement
from valuegate.change import service as change
from valuegate.comms import service as comms
from valuegate.context import settings_of
from valuegate.errors import Conflict, NotFound, PermissionDenied
from valuegate.feedback import service as feedback


@pytest.fixture
def w(session) -> World:  # type: ignore[no-untyped-def]
    world = build_world(session)
    project = world.ids["project"]
    hanna = people.create_person(session, actor=SYSTEM, name="Hanna Head-of-AP").id
    ap = change.add_group(session, actor=world["pmo"], node_id=project, name="Accounts payable", size=80).id
    change.add_stakeholder(
        session,
        actor=world["pmo"],
        node_id=project,
        person_id=hanna,
        role="Head of AP",
        power=5,
        interest=4,
        influence=4,
        legitimacy=5,
        urgency=4,
        current_engagement="resistant",
        desired_engagement="supportive",
        loses="Her team's spreadsheet",
        gains="Month-end two days sooner",
    )
    change.raise_resistance(
        session,
        actor=world["pmo"],
        node_id=project,
        objection="We lose control of approvals",
        underlying_reason="loss_of_control",
        adkar_element="desire",
    )
    comms.plan_message(
        session,
        actor=world["pmo"],
        node_id=project,
        audience_group_id=ap,
        key_message="Why we change",
        message_type="business_reason",
        channel="town_hall",
        messenger_role="project_team",
        planned_on=TODAY - timedelta(days=7),
        recurrence="FREQ=WEEKLY;COUNT=6",
    )
    champions.name_champion(
        session, actor=world["pmo"], node_id=project, person_id=world.ids["viewer"], group_id=ap, time_percent=15
    )
    retirement.register(
        session,
        actor=world["pmo"],
        node_id=project,
        name="Status by e-mail",
        kind="email_routine",
        replacement="Measure updates",
        retire_by=TODAY + timedelta(days=30),
    )
    for _ in range(5):
        feedback.submit_anonymous(
            session, node_id=project, group_id=ap, scores={"desire": 2}, comment="SECRET anonymous remark"
        )
    world.ids["ap"] = ap
    return world


def test_the_plan_in_markdown_and_word(w: World) -> None:
    document = plan.build(w.s, actor=w["viewer"], node_id=w.ids["project"])
    md = plan.to_markdown(document)
    for heading in (
        "# Implementation plan: Project",
        "## 1. Stakeholder analysis",
        "## 2. Communication cadence",
        "## 3. Resistance planning",
        "## 4. Success metrics",
        "## 5. Operational integration",
        "## 6. Champions",
        "## 7. Feedback",
    ):
        assert heading in md
    assert "| Hanna Head-of-AP | Head of AP | Key player: manage closely |" in md
    assert "People want business reason messages from a sponsor or senior leader" in md
    assert "First message to Accounts payable does not yet say: why the change, why now, the risk of not changing" in md
    assert "Accounts payable: 1 champions for 80 people (1 more needed)." in md
    assert "SECRET" not in md

    parsed = docx.Document(io.BytesIO(plan.to_docx(document)))
    headings = [p.text for p in parsed.paragraphs if p.style is not None and p.style.name.startswith("Heading")]
    assert headings[:3] == ["1. Stakeholder analysis", "2. Communication cadence", "3. Resistance planning"]
    first_table = parsed.tables[0]
    assert [c.text for c in first_table.rows[0].cells][:3] == ["Stakeholder", "Role", "Grid"]
    assert first_table.rows[1].cells[0].text == "Hanna Head-of-AP"
    assert plan.filename(document, "docx", TODAY) == "implementation-plan-project-2026-06-15.docx"


def test_prompts_are_filled_from_the_records_and_leave_anonymous_words_out(w: World) -> None:
    filled = {
        p: prompts.prompt(w.s, actor=w["viewer"], node_id=w.ids["project"], template=p) for p in prompts.TEMPLATES
    }
    assert "Hanna Head-of-AP (Head of AP): resistant → supportive" in filled["resistance"]["prompt"]
    assert "We lose control of approvals" in filled["resistance"]["prompt"]
    assert "loss_of_control (1)" in filled["resistance"]["prompt"]
    assert "Accounts payable (80 people)" in filled["communication"]["prompt"]
    assert "'Why we change' (business_reason, town_hall, by project_team)" in filled["communication"]["prompt"]
    assert "Propose five adoption metrics" in filled["metrics"]["prompt"]
    assert all("SECRET" not in f["prompt"] for f in filled.values())
    with pytest.raises(NotFound):
        prompts.prompt(w.s, actor=w["viewer"], node_id=w.ids["project"], template="poem")


class _FakeAssistant(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []
    mode = "ok"

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _FakeAssistant.received.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
        if self.mode == "error":
            self.send_response(500)
            self.end_headers()
            return
        payload = {"choices": [{"message": {"role": "assistant", "content": "1. Loss of control — coaching"}}]}
        if self.mode == "garbage":
            payload = {"nothing": "here"}
        data = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def fake_assistant() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _FakeAssistant)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _FakeAssistant.received.clear()
    _FakeAssistant.mode = "ok"
    yield f"http://127.0.0.1:{server.server_port}/v1"
    server.shutdown()


def test_the_assistant_is_off_by_default_and_asked_when_configured(w: World, fake_assistant: str) -> None:
    project = w.ids["project"]
    with pytest.raises(Conflict, match="No assistant is configured"):
        prompts.ask(w.s, actor=w["pmo"], node_id=project, template="resistance")
    w.s.info["valuegate_settings"] = dataclasses.replace(
        settings_of(w.s), assistant_url=fake_assistant, assistant_model="local-model", assistant_key="k-123"
    )
    answer = prompts.ask(w.s, actor=w["pmo"], node_id=project, template="resistance")
    assert answer["answer"] == "1. Loss of control — coaching"
    sent = _FakeAssistant.received[0]
    assert sent["path"] == "/v1/chat/completions" and sent["auth"] == "Bearer k-123"
    assert sent["body"]["model"] == "local-model"
    assert sent["body"]["messages"][1]["content"] == answer["prompt"]
    with pytest.raises(PermissionDenied):
        prompts.ask(w.s, actor=w["viewer"], node_id=project, template="resistance")
    for mode in ("error", "garbage"):
        _FakeAssistant.mode = mode
        with pytest.raises(prompts.AssistantUnavailable):
            prompts.ask(w.s, actor=w["pmo"], node_id=project, template="metrics")
    w.s.info["valuegate_settings"] = dataclasses.replace(settings_of(w.s), assistant_url="http://127.0.0.1:9/v1")
    with pytest.raises(prompts.AssistantUnavailable, match="could not be reached"):
        prompts.ask(w.s, actor=w["pmo"], node_id=project, template="metrics")
