"""What each fault case measured, printed with the test and in pytest's terminal summary."""

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Figures:
    case: str
    # HTTP status code -> how many requests got it.
    statuses: Counter = field(default_factory=Counter)
    mails_expected: int | None = None
    mails_received: int | None = None
    mails_duplicated: int | None = None
    recovery_seconds: float | None = None
    notes: list[str] = field(default_factory=list)
    outcome: str = "?"

    def count_mails(self, recipients: list[str], *, expected: int) -> Counter:
        """Record the mails received (one entry per envelope recipient); returns the counts."""
        received = Counter(recipients)
        self.mails_expected = expected
        self.mails_received = len(received)
        self.mails_duplicated = sum(n - 1 for n in received.values())
        return received

    def line(self) -> str:
        parts = [f"{self.case} [{self.outcome}]"]
        if self.statuses:
            codes = ", ".join(f"{code}×{n}" for code, n in sorted(self.statuses.items()))
            parts.append(f"requests {self.statuses.total()} ({codes})")
        if self.mails_expected is not None:
            parts.append(
                f"mails expected {self.mails_expected}, received {self.mails_received}, "
                f"duplicated {self.mails_duplicated}"
            )
        if self.recovery_seconds is not None:
            parts.append(f"recovered in {self.recovery_seconds:.1f} s")
        parts.extend(self.notes)
        return " | ".join(parts)
