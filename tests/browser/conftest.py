import pytest
from django.contrib.auth.models import Group, Permission

from articles.roles import EINDREDACTEUR, sync_roles
from tests.factories import UserFactory


@pytest.fixture
def editor():
    """An Eindredacteur who can log into the admin (password: the factory's)."""
    # Transactional tests flush the tables, the groups of the data migration included.
    sync_roles(Group, Permission)
    return UserFactory(username="eva", role=EINDREDACTEUR)
