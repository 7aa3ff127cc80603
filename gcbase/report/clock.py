"""Times in reports: Japan Standard Time, the time zone of every reader of a municipality's report.

The run's time is kept as ISO 8601 with its offset (+09:00) for machines (report.json) and shown
to people as "2026-12-03 17:05 JST". Japan has no daylight saving time, so a fixed offset is exact
and needs no time-zone database on the machine.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from typing import Optional

JST = timezone(timedelta(hours=9), "JST")  # Asia/Tokyo


def timestamp(now: Optional[datetime] = None) -> str:
    """ISO time of the run in JST; SOURCE_DATE_EPOCH (reproducible builds) fixes it. A naive `now` is UTC."""
    if now is None and os.environ.get("SOURCE_DATE_EPOCH", "").isdigit():
        now = datetime.fromtimestamp(int(os.environ["SOURCE_DATE_EPOCH"]), tz=timezone.utc)
    now = now or datetime.now(timezone.utc)
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    return now.astimezone(JST).isoformat(timespec="seconds")


def shown(iso: str) -> str:
    """'2026-12-03T08:05:00+00:00' -> '2026-12-03 17:05 JST'; text that is no ISO time is shown as it is."""
    try:
        when = datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return str(iso or "")
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(JST).strftime("%Y-%m-%d %H:%M JST")


def jst_iso(iso: str) -> str:
    """ISO 8601 in JST ('2026-12-03T17:05:00+09:00'), for machines; text that is no ISO time as it is."""
    try:
        when = datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return str(iso or "")
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(JST).isoformat(timespec="seconds")


def utc_naive(iso: str) -> Optional[datetime]:
    """The time as a naive UTC datetime (what file formats that store UTC want, e.g. xlsx document
    properties); None for text that is no ISO time."""
    try:
        when = datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return when
    return when.astimezone(timezone.utc).replace(tzinfo=None)


__all__ = ["JST", "jst_iso", "shown", "timestamp", "utc_naive"]
