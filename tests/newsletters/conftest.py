import pytest

from tests.conftest import SmtpSink, serving_smtp
from tests.worker_process import free_port


class PickySink(SmtpSink):
    """A real SMTP server that counts connections and refuses chosen recipients."""

    def __init__(self):
        super().__init__()
        self.connections = 0
        self.refuse: dict[str, str] = {}

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    def recipients(self) -> list[str]:
        return [to for envelope in self.envelopes for to in envelope.rcpt_tos]


@pytest.fixture
def mail_server(settings):
    """Like the shared smtp_server fixture, with PickySink's extra powers."""
    settings.EMAIL_TIMEOUT = 5
    with serving_smtp(PickySink(), settings) as sink:
        yield sink


@pytest.fixture
def closed_port():
    return free_port()
