"""A counting SMTP sink in a process of its own, for the newsletter benchmark.

    python -m benchmarks.mailsink --port 8025

The sink accepts every message (a minimal SMTP server on asyncio) and keeps
none: it counts messages, bytes and distinct recipients, and notes when each
tenth of the expected messages arrived. It runs in its own process so that it does not share a GIL
with whatever sends to it (the smtplib baseline used to be slowed by its own
sink thread).

It is driven over stdin/stdout, one command per line, one JSON answer per line:
`reset N` starts a new count expecting N messages, `count` answers the counts.
`Sink` below starts it and speaks that protocol.
"""

import argparse
import asyncio
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
    """Count, remember who got something, discard."""

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

    def count(self, size: int, recipients: list[str]) -> None:
        now = time.monotonic()
        with self.lock:
            self.messages += 1
            self.bytes += size
            for address in recipients:
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


class CountingSMTP(asyncio.Protocol):
    """The server side of SMTP, as little of it as a sender needs, for counting.

    A message's end is found with one search of the buffer instead of aiosmtpd's
    line-by-line reading, so the sink costs a fraction of what a sender costs and
    the figures measure the senders.
    """

    REPLIES = {
        b"EHLO": b"250-sink\r\n250-8BITMIME\r\n250-SIZE 67108864\r\n250 SMTPUTF8\r\n",
        b"HELO": b"250 sink\r\n",
        b"DATA": b"354 End data with <CR><LF>.<CR><LF>\r\n",
        b"QUIT": b"221 Bye\r\n",
    }

    def __init__(self, handler: CountingHandler):
        self.handler = handler
        self.buffer = bytearray()
        self.in_data = False
        self.recipients: list[str] = []

    def connection_made(self, transport) -> None:
        self.transport = transport
        transport.write(b"220 sink ESMTP\r\n")

    def data_received(self, data: bytes) -> None:
        searched_to = max(len(self.buffer) - 4, 0)
        self.buffer += data
        while self.buffer:
            if self.in_data:
                end = self.buffer.find(b"\r\n.\r\n", searched_to)
                if end < 0:
                    return
                body = self.buffer[: end + 2]
                del self.buffer[: end + 5]
                # The size after dot-unstuffing, as the message was before sending.
                self.handler.count(len(body) - body.count(b"\r\n.."), self.recipients)
                self.in_data, self.recipients, searched_to = False, [], 0
                self.transport.write(b"250 OK: counted\r\n")
                continue
            end = self.buffer.find(b"\r\n")
            if end < 0:
                return
            line = bytes(self.buffer[:end])
            del self.buffer[: end + 2]
            self.command(line)

    def command(self, line: bytes) -> None:
        verb = line[:4].upper()
        if verb == b"RCPT":
            self.recipients.append(line.partition(b"<")[2].partition(b">")[0].decode())
        elif verb in (b"MAIL", b"RSET"):
            self.recipients = []
        elif verb == b"DATA":
            self.in_data = True
        self.transport.write(self.REPLIES.get(verb, b"250 OK\r\n"))
        if verb == b"QUIT":
            self.transport.close()


def serve(port: int) -> None:
    handler = CountingHandler()
    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(
        loop.create_server(lambda: CountingSMTP(handler), "127.0.0.1", port)
    )
    threading.Thread(target=loop.run_forever, daemon=True).start()
    print(json.dumps({"ready": port}), flush=True)
    for line in sys.stdin:
        command, *rest = line.split()
        if command == "reset":
            handler.reset(int(rest[0]))
            print(json.dumps({"reset": int(rest[0])}), flush=True)
        elif command == "count":
            print(json.dumps(handler.snapshot()), flush=True)
    loop.call_soon_threadsafe(server.close)


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
        self.process = subprocess.Popen(
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
