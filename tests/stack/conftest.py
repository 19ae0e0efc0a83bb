"""Fixtures of the stack tests: they run on CI's PostgreSQL leg, elsewhere they are skipped."""

import pytest

from tests.stack.stack import missing_tools, running_stack


def pytest_collection_modifyitems(config, items):
    reason = missing_tools()
    for item in items:
        if "stack" in item.keywords and reason:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def stack():
    with running_stack() as stack:
        yield stack
