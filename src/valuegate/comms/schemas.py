"""Request and response shapes of the communication matrix API (Pydantic)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, TypeAlias

from pydantic import BaseModel, Field, StrictInt

from valuegate.change.schemas import AdkarElement
from valuegate.comms import rules
from valuegate.schemas import Out, one_of

if TYPE_CHECKING:
    MessageType: TypeAlias = str
    Channel: TypeAlias = str
    MessengerRole: TypeAlias = str
    MessageStatus: TypeAlias = str
    MessageState: TypeAlias = str
    RepetitionState: TypeAlias = str
else:
    MessageType = one_of("MessageType", rules.MESSAGE_TYPES)
    Channel = one_of("CommunicationChannel", rules.CHANNELS)
    MessengerRole = one_of("MessengerRole", rules.MESSENGER_ROLES)
    MessageStatus = one_of("MessageStatus", rules.STATUSES)
    MessageState = one_of("MessageState", rules.ITEM_STATES)
    RepetitionState = one_of("RepetitionState", rules.REPETITION_STATES)


class MessageIn(BaseModel):
    audience_group_id: int
    key_message: str = Field(max_length=200)
    message_type: MessageType
    channel: Channel
    messenger_role: MessengerRole
    planned_on: date
    recurrence: str | None = Field(default=None, max_length=300)
    adkar_target: AdkarElement | None = None
    purpose: str | None = None
    messenger_id: int | None = None
    author_id: int | None = None
    desired_action: str | None = None
    action_metric: str | None = None
    covers_why: bool = False
    covers_why_now: bool = False
    covers_risk: bool = False
    repetition_target: StrictInt = 5


class MessagePatch(BaseModel):
    version: int
    audience_group_id: int | None = None
    key_message: str | None = Field(default=None, max_length=200)
    message_type: MessageType | None = None
    channel: Channel | None = None
    messenger_role: MessengerRole | None = None
    planned_on: date | None = None
    recurrence: str | None = Field(default=None, max_length=300)
    adkar_target: AdkarElement | None = None
    purpose: str | None = None
    messenger_id: int | None = None
    author_id: int | None = None
    desired_action: str | None = None
    action_metric: str | None = None
    covers_why: bool | None = None
    covers_why_now: bool | None = None
    covers_risk: bool | None = None
    repetition_target: StrictInt | None = None
    status: MessageStatus | None = None


class SentIn(BaseModel):
    occurrence_on: date
    sent_on: date | None = None
    note: str | None = None


class Covers(Out):
    why: bool
    why_now: bool
    risk: bool


class MessageOut(Out):
    id: int
    audience_group_id: int
    audience: str | None
    audience_size: int | None
    key_message: str
    message_type: MessageType
    adkar_target: AdkarElement | None
    purpose: str | None
    channel: Channel
    messenger_role: MessengerRole
    messenger_id: int | None
    messenger: str | None
    author_id: int | None
    author: str | None
    planned_on: date
    recurrence: str | None = Field(description="An iCalendar RRULE; null for a single message")
    cadence: str = Field(description="The recurrence in words")
    occurrences_total: int | None = Field(description="null when it repeats without end")
    next_on: date | None
    sent_count: int
    last_sent_on: date | None
    overdue: list[date] = Field(description="Planned occurrences before today not yet sent")
    state: MessageState
    desired_action: str | None
    action_metric: str | None
    covers: Covers
    sender_problem: str | None
    repetition_target: int
    status: MessageStatus
    version: int


class Repetition(Out):
    key_message: str
    audience: str | None
    sent: int
    planned: int
    target: int
    status: RepetitionState
    planned_enough: bool


class FirstMessage(Out):
    audience_group_id: int
    audience: str
    item_id: int
    missing: list[str] = Field(description="What the first message to the audience does not yet say")


class Audience(Out):
    audience_group_id: int
    audience: str


class Matrix(Out):
    node_id: int
    items: list[MessageOut]
    overdue: int
    sender_problems: int
    repetition: list[Repetition]
    first_messages: list[FirstMessage]
    audiences_without_messages: list[Audience]


class MessagePlanned(Out):
    id: int
    version: int
    recurrence: str | None


class MessageUpdated(MessagePlanned):
    status: MessageStatus


class SentOut(Out):
    item_id: int
    occurrence_on: date
    sent_on: date


class Occurrence(Out):
    date: date
    item_id: int
    key_message: str
    audience: str | None
    channel: Channel
    messenger_role: MessengerRole
    messenger: str | None
    sent: bool
    overdue: bool
