"""What a steering decision can be. No database."""

from __future__ import annotations

OUTCOMES = ("approve", "reject", "defer", "note")
