"""Ready contracts besides FOCUS: the shape most ledger extracts share."""

from __future__ import annotations

from typing import Any

# General-ledger actuals by cost centre: what a cost model reads each month.
GENERAL_LEDGER: list[dict[str, Any]] = [
    {"name": "Period", "type": "date", "required": True, "nullable": False},
    {"name": "CostCenter", "type": "string", "required": True, "nullable": False},
    {"name": "Account", "type": "string", "required": True, "nullable": False},
    {"name": "Amount", "type": "decimal", "required": True, "nullable": False},
    {"name": "Vendor", "type": "string"},
]
