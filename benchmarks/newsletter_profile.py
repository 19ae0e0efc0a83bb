"""Where one batch's time goes: the engine's batch run in this process under cProfile.

Each part is the cumulative time of the functions that do it; the profiler slows
Python code more than C code, so the shares are indicative and the wall time of
an unprofiled batch is printed beside them.
"""

import cProfile
import io
import pstats
import time

from articles.policy import SYSTEM

# (label, [(end of the file name, function name), …]); cumulative times, so a part
# includes what it calls (the edition part includes its own two queries).
PARTS = [
    (
        "edition: read articles, render if changed",
        [("newsletters/mail.py", "render_edition_for_batch")],
    ),
    ("MIME assembly (once per batch)", [("newsletters/mail.py", "__init__")]),
    ("per copy: recipient, Message-ID, token", [("newsletters/mail.py", "message_bytes")]),
    (
        "SMTP: connect, MAIL/RCPT/DATA, quit",
        [
            ("smtplib.py", "sendmail"),
            ("mail/backends/smtp.py", "open"),
            ("mail/backends/smtp.py", "close"),
        ],
    ),
    ("database: SQL statements", [("django/db/backends/utils.py", "_execute")]),
]


def _cumulative(stats: pstats.Stats, functions: list[tuple[str, str]]) -> float:
    return sum(
        cumulative
        for (filename, _line, name), (_cc, _nc, _tt, cumulative, _callers) in stats.stats.items()
        if any(filename.endswith(end) and name == wanted for end, wanted in functions)
    )


def profile_batch(edition, batch_size: int) -> str:
    """Start a send of `edition` here, run two batches by hand (one timed, one profiled)."""
    from newsletters.services import editions, sending
    from newsroom.celery import app

    editions.edition_start_send(edition=edition, by=SYSTEM)
    app.control.purge()  # the send's first task: no worker runs it, this function does
    began = time.perf_counter()
    sending.edition_send_batch(edition_id=edition.pk)
    wall = time.perf_counter() - began

    profiler = cProfile.Profile()
    profiler.enable()
    sending.edition_send_batch(edition_id=edition.pk)
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = stats.total_tt

    lines = [
        f"profile of one batch of {batch_size} messages: {wall * 1000:.0f} ms unprofiled "
        f"({batch_size / wall:.0f} msgs/s), {total * 1000:.0f} ms under cProfile",
    ]
    accounted = 0.0
    for label, functions in PARTS:
        seconds = _cumulative(stats, functions)
        accounted += seconds
        lines.append(f"  {label:<42} {seconds * 1000:7.0f} ms {seconds / total:6.1%}")
    rest = max(total - accounted, 0.0)
    label = "everything else (ORM objects, glue)"
    lines.append(f"  {label:<42} {rest * 1000:7.0f} ms {rest / total:6.1%}")
    top = io.StringIO()
    stats.stream = top
    stats.sort_stats("tottime").print_stats(12)
    lines.append("  top functions by own time:")
    lines += [f"    {line}" for line in top.getvalue().splitlines() if line.strip()][-13:]
    return "\n".join(lines)
