import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from articles.roles import EINDREDACTEUR, VERSLAGGEVER

ACCOUNTS = [
    ("eindredacteur", "Eva", "Eindredacteur", EINDREDACTEUR),
    ("verslaggever", "Victor", "Verslaggever", VERSLAGGEVER),
]
PASSWORD_FILE = settings.VAR_DIR / "demo-password"
# An address, so "send a test to me" works (make run prints mail to the console).
DEMO_EMAIL = "{username}@example.nl"


def _demo_password() -> tuple[str, bool]:
    """The password from DEMO_PASSWORD, else the one generated on the first run.

    The flag says whether existing accounts must be given it (a password from the
    environment, or a newly generated one), so the printed password always works.
    """
    if os.environ.get("DEMO_PASSWORD"):
        return os.environ["DEMO_PASSWORD"], True
    if PASSWORD_FILE.exists():
        return PASSWORD_FILE.read_text().strip(), False
    password = secrets.token_urlsafe(12)
    PASSWORD_FILE.parent.mkdir(parents=True, exist_ok=True)
    PASSWORD_FILE.write_text(password + "\n")
    PASSWORD_FILE.chmod(0o600)
    return password, True


class Command(BaseCommand):
    help = "Create the demo accounts eindredacteur (may publish) and verslaggever (may not)."

    def handle(self, *args, **options):
        password, reset = _demo_password()
        user_model = get_user_model()
        for username, first_name, last_name, role in ACCOUNTS:
            user, created = user_model.objects.get_or_create(
                username=username,
                defaults={"first_name": first_name, "last_name": last_name, "is_staff": True},
            )
            if created or reset:
                user.set_password(password)
            if not user.email:
                user.email = DEMO_EMAIL.format(username=username)
            user.save()
            user.groups.add(Group.objects.get(name=role))
        source = "DEMO_PASSWORD" if os.environ.get("DEMO_PASSWORD") else str(PASSWORD_FILE)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo accounts: eindredacteur and verslaggever, password: {password} "
                f"(from {source})"
            )
        )
