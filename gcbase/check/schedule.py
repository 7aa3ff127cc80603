"""How far apart the runs of an AWS schedule expression are (cron(...) / rate(...)), in hours.

Used to compare a backup schedule with an RPO. The worst gap counts: a daily backup on
weekdays only leaves 72 hours over a weekend, which misses a 24-hour RPO.
"""

from __future__ import annotations

import re
from typing import Optional

HOURS_PER_DAY = 24
DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
_RATE = re.compile(r"^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$")
_CRON = re.compile(r"^cron\((.+)\)$")


def _values(field: str, low: int, high: int, names: tuple[str, ...] = ()) -> Optional[set[int]]:
    """The set of values a cron field selects (None when it uses syntax we do not model)."""
    out: set[int] = set()
    for part in field.split(","):
        part = part.strip().upper()
        for i, name in enumerate(names):
            part = part.replace(name, str(i + 1))
        step = 1
        if "/" in part:
            part, step_text = part.split("/", 1)
            if not step_text.isdigit() or int(step_text) == 0:
                return None
            step = int(step_text)
        if part in ("*", "?"):
            start, end = low, high
        elif "-" in part:
            a, b = part.split("-", 1)
            if not (a.isdigit() and b.isdigit()):
                return None
            start, end = int(a), int(b)
        elif part.isdigit():
            start = int(part)
            end = high if step > 1 else start
        else:
            return None
        if not low <= start <= end <= high:
            return None
        out.update(range(start, end + 1, step))
    return out


def _max_gap(points: set[int], period: int) -> int:
    ordered = sorted(points)
    gaps = [b - a for a, b in zip(ordered, ordered[1:])] + [ordered[0] + period - ordered[-1]]
    return max(gaps)


def interval_hours(expression: str) -> tuple[Optional[int], str]:
    """(worst hours between runs, "") or (None, why it cannot be told)."""
    expr = expression.strip()
    m = _RATE.match(expr)
    if m:
        n, unit = int(m.group(1)), m.group(2)
        hours = n if unit.startswith("hour") else n * HOURS_PER_DAY if unit.startswith("day") else max(1, -(-n // 60))
        return hours, ""
    m = _CRON.match(expr)
    fields = m.group(1).split() if m else []
    if len(fields) != 6:
        return None, f"schedule {expression!r} is not cron(6 fields) or rate(...)"
    _minute, hour, dom, month, dow, _year = fields
    if month not in ("*", "?"):
        return None, f"schedule {expression!r} runs only in some months"
    if dom not in ("*", "?"):
        return None, f"schedule {expression!r} runs only on some days of the month"
    hours = _values(hour, 0, 23)
    days = _values(dow, 1, 7, DAYS)
    if not hours or not days:
        return None, f"schedule {expression!r} uses a form gcbase cannot evaluate"
    if len(days) == 7:
        return _max_gap(hours, HOURS_PER_DAY), ""
    return _max_gap(days, 7) * HOURS_PER_DAY, ""
