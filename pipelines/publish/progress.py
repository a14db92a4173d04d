"""Progress of a run's reports: a bar on a terminal, plain lines in a log.

Why both: an analyst watching a province render wants a bar with the rate and the time left
(tqdm); a scheduled run writes to a log file nobody watches live, where a bar's carriage returns
are noise, so it gets one line every `EVERY` seconds (and one at the end) with the same facts.
"""

from __future__ import annotations

import sys
import time
from typing import Callable

from babel.numbers import format_decimal

from pipelines.core.formats import LOCALES
from pipelines.core.text import t

EVERY = 30.0  # seconds between two log lines


class Progress:
    def __init__(self, total: int, say: Callable[[str], None], stream=None, lang: str = "vi"):
        self.total, self.say, self.done, self.failed, self.lang = total, say, 0, 0, lang
        self.started = self._last = time.monotonic()
        stream = stream or sys.stderr
        self.bar = None
        if total > 1 and stream.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit=t(lang, "progress.unit"), file=stream, dynamic_ncols=True, smoothing=0.1)

    def step(self, name: str, failed: bool = False) -> None:
        self.done += 1
        self.failed += failed
        if self.bar is not None:
            self.bar.set_postfix_str(t(self.lang, "progress.failed_count", count=self.failed) if self.failed else name, refresh=False)
            self.bar.update()
        elif time.monotonic() - self._last >= EVERY and self.done < self.total:
            self._last = time.monotonic()
            self.say("      " + self.line())

    def line(self) -> str:
        """`120/10.721 báo cáo (1,1 %), 35,2 báo cáo/phút, còn khoảng 5 giờ 2 phút; 1 lỗi`."""
        elapsed = max(time.monotonic() - self.started, 1e-9)
        rate = self.done / elapsed * 60
        left = (self.total - self.done) / rate * 60 if rate else 0
        lang, locale = self.lang, LOCALES[self.lang]
        text = t(lang, "progress.line", done=format_decimal(self.done, locale=locale),
                 total=format_decimal(self.total, locale=locale),
                 percent=format_decimal(round(100 * self.done / self.total, 1), format="0.0", locale=locale),
                 rate=format_decimal(round(rate, 1), format="0.0", locale=locale))
        if self.done < self.total:
            text += t(lang, "progress.left", duration=_duration(left, lang))
        return text + (t(lang, "progress.failed", count=self.failed) if self.failed else "")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        elif self.total > 1 and self.done:
            self.say("      " + self.line())


def _duration(seconds: float, lang: str) -> str:
    minutes = round(seconds / 60)
    if minutes < 1:
        return t(lang, "progress.under_a_minute")
    hours, minutes = divmod(minutes, 60)
    return t(lang, "progress.hours", hours=hours, minutes=minutes) if hours else t(lang, "progress.minutes", minutes=minutes)
