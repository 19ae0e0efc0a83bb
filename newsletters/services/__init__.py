"""Everything the newsletter writes, one module per responsibility.

- `subscribers`: sign-up (double opt-in), consent records, confirm, unsubscribe, purge.
- `editions`: the edition life cycle (assemble, hold, schedule, check, start, pause, resume).
- `sending`: the SMTP engine (claim a batch, deliver, record, sweep what a crash left).

Callers import the module they need: `from newsletters.services import editions`.
"""
