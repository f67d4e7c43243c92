"""Where "go to" in a replay leads: a time into the recording (90, 1:30, 1:02:03) or a share of it (45%)."""

from __future__ import annotations

SEEK_HELP = "a time into the recording (90, 1:30, 1:02:03) or a percentage (45%)"


def seek_position(text: str, duration: float) -> float:
    """Seconds into a recording of `duration` seconds; ValueError with a message saying what is allowed."""
    text = text.strip()
    try:
        if text.endswith("%"):
            percent = float(text[:-1])
            if not 0 <= percent <= 100:
                raise ValueError
            return duration * percent / 100
        parts = [float(part) for part in text.split(":")]
        if len(parts) > 3 or any(part < 0 for part in parts) or any(part >= 60 for part in parts[1:]):
            raise ValueError
    except ValueError:
        raise ValueError(f"{text!r} is not {SEEK_HELP}") from None
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60 + part
    return min(seconds, duration)


def clock_text(seconds: float) -> str:
    """m:ss, or h:mm:ss from an hour on."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
