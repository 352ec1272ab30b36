"""Import every table so that the metadata is complete (for Alembic and the test set-up)."""

from valuegate.adoption.models import (
    AudienceMember,
    MetricPoint,
    MetricReading,
    SuccessMetric,
    UsageActor,
    UsageDay,
    UsageEvent,
)
from valuegate.audit.models import AuditEvent
from valuegate.auth.models import ApiToken, Delegation, NodeGrant, Person, WebSession
from valuegate.change.models import (
    AdkarAssessment,
    AudienceGroup,
    Champion,
    ChampionActivity,
    LegacyProcess,
    ResistanceItem,
    Stakeholder,
)
from valuegate.comms.models import CommunicationItem, CommunicationSent
from valuegate.db import Base
from valuegate.decisions.models import Decision, Meeting, MeetingAttendee
from valuegate.dependencies.models import BusinessService, Dependency, ServiceImpact
from valuegate.feedback.models import AnonymousResponse, CheckIn, FeedbackItem
from valuegate.feeds.models import ChangeNotice, DataFeed, FeedSubmission, MappingRule, ProposedActual
from valuegate.finance.models import Rebaseline, SignOff, ValueFact
from valuegate.gates.models import GateAction, GateDef, GateRequest, StageChange, StageDef
from valuegate.health.models import (
    Artefact,
    ArtefactUse,
    DecisionCitation,
    HealthAction,
    HealthProfile,
    HealthReading,
    ViableOutcome,
)
from valuegate.jobs.models import OutboxMessage
from valuegate.milestones.models import Milestone
from valuegate.portfolio.models import Measure, Node, OrgUnit
from valuegate.rollups.models import (
    MeasureSnapshot,
    MeasureTotal,
    RollupPeriod,
    RollupStatus,
    RollupTotal,
    SnapshotDate,
    SnapshotTotal,
)

__all__ = [
    "AdkarAssessment",
    "AnonymousResponse",
    "ApiToken",
    "Artefact",
    "ArtefactUse",
    "AudienceGroup",
    "AudienceMember",
    "AuditEvent",
    "Base",
    "BusinessService",
    "Champion",
    "ChampionActivity",
    "ChangeNotice",
    "CheckIn",
    "CommunicationItem",
    "CommunicationSent",
    "DataFeed",
    "Decision",
    "DecisionCitation",
    "Delegation",
    "Dependency",
    "FeedSubmission",
    "FeedbackItem",
    "GateAction",
    "GateDef",
    "GateRequest",
    "HealthAction",
    "HealthProfile",
    "HealthReading",
    "LegacyProcess",
    "MappingRule",
    "Measure",
    "MeasureSnapshot",
    "MeasureTotal",
    "Meeting",
    "MeetingAttendee",
    "MetricPoint",
    "MetricReading",
    "Milestone",
    "Node",
    "NodeGrant",
    "OrgUnit",
    "OutboxMessage",
    "Person",
    "ProposedActual",
    "Rebaseline",
    "ResistanceItem",
    "RollupPeriod",
    "RollupStatus",
    "RollupTotal",
    "ServiceImpact",
    "SignOff",
    "SnapshotDate",
    "SnapshotTotal",
    "StageChange",
    "StageDef",
    "Stakeholder",
    "SuccessMetric",
    "UsageActor",
    "UsageDay",
    "UsageEvent",
    "ValueFact",
    "ViableOutcome",
    "WebSession",
]
