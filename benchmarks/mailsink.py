"""A counting SMTP sink in a process of its own, for the newsletter benchmark.

    python -m benchmarks.mailsink --port 8025

The sink accepts every message (aiosmtpd) and keeps none: it counts messages,
bytes and distinct recipients, and notes when each tenth of the expected
messages arrived. It runs in its own process so that it does not share a GIL
with whatever sends to it (the smtplib baseline used to be slowed by its own
sink thread).

It is driven over stdin/stdout, one command per line, one JSON answer per line:
`reset N` starts a new count expecting N messages, `count` answers the counts.
`Sink` below starts it and speaks that protocol.
"""

import argparse
import hashlib
import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MASK = (1 << 64) - 1


def recipient_checksum(addresses) -> int:
    """An order-independent checksum of a set of addresses: equal sets, equal sums."""
    total = 0
    for address in addresses:
        digest = hashlib.blake2b(address.lower().encode(), digest_size=8).digest()
        total = (total + int.from_bytes(digest, "big")) & MASK
    return total


class CountingHandler:
    """aiosmtpd handler: count, remember who got something, discard."""

    def __init__(self):
        self.lock = threading.Lock()
        self.reset(0)

    def reset(self, expected: int) -> None:
        with self.lock:
            self.expected = expected
            self.messages = 0
            self.bytes = 0
            self.recipients: set[str] = set()
            self.checksum = 0
            self.first_at: float | None = None
            self.last_at: float | None = None
            # time.monotonic() is one clock for every process on Linux.
            self.marks = [expected * tenth // 10 for tenth in range(1, 11)] if expected else []
            self.mark_times: list[float] = []

    async def handle_DATA(self, server, session, envelope):
        now = time.monotonic()
        with self.lock:
            self.messages += 1
            self.bytes += len(envelope.original_content)
            for address in envelope.rcpt_tos:
                if address not in self.recipients:
                    self.recipients.add(address)
                    self.checksum = (self.checksum + recipient_checksum([address])) & MASK
            if self.first_at is None:
                self.first_at = now
            self.last_at = now
            while len(self.mark_times) < len(self.marks) and (
                self.messages >= self.marks[len(self.mark_times)]
            ):
                self.mark_times.append(now)
        return "250 OK: counted"

    def snapshot(self) -> dict:
        with self.lock:
            return {
                "messages": self.messages,
                "bytes": self.bytes,
                "distinct": len(self.recipients),
                "checksum": self.checksum,
                "first_at": self.first_at,
                "last_at": self.last_at,
                "marks": self.marks,
                "mark_times": self.mark_times,
                "pid": os.getpid(),
            }


def serve(port: int) -> None:
    from aiosmtpd.controller import Controller

    handler = CountingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    print(json.dumps({"ready": port}), flush=True)
    try:
        for line in sys.stdin:
            command, *rest = line.split()
            if command == "reset":
                handler.reset(int(rest[0]))
                print(json.dumps({"reset": int(rest[0])}), flush=True)
            elif command == "count":
                print(json.dumps(handler.snapshot()), flush=True)
    finally:
        controller.stop()


@dataclass
class Counts:
    """What the sink received since its last reset."""

    messages: int
    bytes: int
    distinct: int
    checksum: int
    first_at: float | None
    last_at: float | None
    marks: list[int]
    mark_times: list[float]

    def duplicates(self) -> int:
        return self.messages - self.distinct

    def missed(self, *, expected: int, checksum: int) -> int:
        """Recipients that got nothing (at least one if the set is not the expected one)."""
        if self.distinct == expected and self.checksum == checksum:
            return 0
        return max(expected - self.distinct, 1)

    def tenth_rates(self, started_at: float) -> list[float]:
        """Messages per second in each tenth of the send (the first from `started_at`)."""
        rates, previous_time, previous_mark = [], started_at, 0
        for mark, at in zip(self.marks, self.mark_times, strict=False):
            rates.append((mark - previous_mark) / max(at - previous_time, 1e-6))
            previous_time, previous_mark = at, mark
        return rates


class Sink:
    """Starts the sink process and asks it for counts; a context manager."""

    def __init__(self, port: int):
        self.port = port
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Sink":
        self.process = subprocess.Popen(  # noqa: S603  (this Python, fixed arguments)
            [sys.executable, "-m", "benchmarks.mailsink", "--port", str(self.port)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        ready = json.loads(self.process.stdout.readline() or "{}")
        if ready.get("ready") != self.port:
            self.__exit__(None, None, None)
            raise RuntimeError("the SMTP sink did not start")
        return self

    def __exit__(self, *exc_info) -> None:
        if self.process and self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def _ask(self, command: str) -> dict:
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def reset(self, expected: int) -> None:
        self._ask(f"reset {expected}")

    def counts(self) -> Counts:
        answer = self._ask("count")
        answer.pop("pid")
        return Counts(**answer)

    @property
    def pid(self) -> int:
        return self.process.pid


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    serve(parser.parse_args().port)


if __name__ == "__main__":
    main()
