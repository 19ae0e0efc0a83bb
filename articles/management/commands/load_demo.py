from django.core.management.base import BaseCommand

from articles.demo import load_demo_content


class Command(BaseCommand):
    help = "Load the demo sections, authors and articles (idempotent: keeps what exists)."

    def handle(self, *args, **options):
        created = load_demo_content()
        summary = "{sections} sections, {authors} authors, {articles} articles".format(**created)
        self.stdout.write(f"Demo content created: {summary}.")
