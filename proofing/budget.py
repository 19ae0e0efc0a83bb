"""How much time a check may take, so a pasted novel never holds up saving a draft."""

import time
from dataclasses import dataclass, field


@dataclass
class Budget:
    """A deadline for the whole check and a separate allowance for suggestions.

    Finding a misspelling costs microseconds; suggesting a correction costs milliseconds, so
    suggestions get their own, smaller share and stop first.
    """

    seconds: float
    suggestion_seconds: float
    started: float = field(default_factory=time.monotonic)
    suggestion_time: float = 0.0
    skipped_suggestions: int = 0

    def expired(self) -> bool:
        return time.monotonic() - self.started > self.seconds

    def suggest(self, make_suggestions) -> tuple[str, ...]:
        """Run `make_suggestions()` if there is time left for it, else return nothing."""
        if self.suggestion_time >= self.suggestion_seconds or self.expired():
            self.skipped_suggestions += 1
            return ()
        before = time.monotonic()
        try:
            return tuple(make_suggestions())
        finally:
            self.suggestion_time += time.monotonic() - before
