"""Grants past buyers (a CSV of e-mail, product, date) their products and invites each to the library."""

from pathlib import Path

from django.core.management import BaseCommand, CommandError

from shop import past_buyers


class Command(BaseCommand):
    help = (
        "Import people who bought before this shop existed. FILE is a CSV with one purchase a line: "
        "e-mail, product slug or name, date (YYYY-MM-DD); a header line is optional. "
        "Each buyer gets the products and one 'claim your library' e-mail; running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV file.")

    def handle(self, *args, file, **options):
        path = Path(file)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {file}: {error}") from error
        try:
            purchases = past_buyers.parse(text=text)
        except past_buyers.ImportFileError as error:
            raise CommandError(
                "Nothing was imported; fix these lines and run it again:\n" + "\n".join(error.problems)
            ) from error
        result = past_buyers.import_purchases(purchases=purchases)
        self.stdout.write(
            f"{result.buyers} buyer(s): {result.granted} product(s) granted, {result.already_had} already owned, "
            f"{result.emails} 'claim your library' e-mail(s) queued."
        )
