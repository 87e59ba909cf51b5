"""Jobs the web app runs on a timer: today, the retention purge (issue: `reflect purge` daily).

A deployment that forgets cron must still delete old reflections, so the app runs the purge
itself every PURGE_INTERVAL_HOURS (0 turns it off for deployments that schedule it elsewhere).
The job runs in a worker thread so the event loop keeps serving; a failure is logged by its
type only (never a message that could hold data) and the next run happens on time.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass

logger = logging.getLogger(__name__)

#: The first run waits this long, so a restart loop does not purge on every start.
FIRST_DELAY_SECONDS = 60.0


@dataclass
class Repeating:
    """Run ``job`` after ``first_delay`` seconds and then every ``interval`` seconds."""

    name: str
    job: Callable[[], str]
    interval: float
    first_delay: float = FIRST_DELAY_SECONDS
    runs: int = 0
    failures: int = 0

    async def run_forever(self) -> None:
        """The task's body: sleep, run in a thread, log the one-line outcome, repeat."""
        delay = self.first_delay
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(delay)
            delay = self.interval
            try:
                outcome = await loop.run_in_executor(None, self.job)
            except Exception as exc:  # any failure: log its type, try again next time
                self.failures += 1
                logger.error("%s failed: %s", self.name, type(exc).__name__)
                continue
            self.runs += 1
            logger.info("%s: %s", self.name, outcome)
