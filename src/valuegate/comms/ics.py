"""The communication matrix as an iCalendar (RFC 5545) file that calendar applications subscribe to or import."""

from __future__ import annotations

from datetime import timedelta

from icalendar import Calendar, Event, vRecur

from valuegate.change.models import AudienceGroup
from valuegate.comms.models import CommunicationItem
from valuegate.db import utcnow
from valuegate.portfolio.models import Node


def calendar_file(
    node: Node, items: list[CommunicationItem], names: dict[int, str], groups: dict[int, AudienceGroup]
) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Valuegate//Communication matrix//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"{node.name}: communications")
    stamp = utcnow().replace(microsecond=0)
    for item in items:
        group = groups.get(item.audience_group_id)
        audience = group.name if group else "?"
        event = Event()
        event.add("uid", f"communication-{item.id}@valuegate")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.planned_on)
        event.add("dtend", item.planned_on + timedelta(days=1))
        event.add("summary", f"{item.key_message} → {audience} ({item.channel.replace('_', ' ')})")
        if item.recurrence:
            event.add("rrule", vRecur.from_ical(item.recurrence))
        messenger = names.get(item.messenger_id) if item.messenger_id else None
        lines = [
            f"Audience: {audience}",
            f"Type: {item.message_type.replace('_', ' ')}",
            f"Messenger: {messenger or item.messenger_role.replace('_', ' ')}",
        ]
        if item.purpose:
            lines.append(f"Purpose: {item.purpose}")
        if item.desired_action:
            lines.append(f"Desired action: {item.desired_action}")
        if item.action_metric:
            lines.append(f"Measured by: {item.action_metric}")
        event.add("description", "\n".join(lines))
        event.add("categories", [item.message_type])
        event.add("status", "CANCELLED" if item.status == "cancelled" else "CONFIRMED")
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical()
