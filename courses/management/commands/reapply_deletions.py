"""After restoring a backup: delete again every account whose address is in the deletion log."""

from django.core.management import BaseCommand

from courses import erasure


class Command(BaseCommand):
    help = "Delete again the accounts deleted since the backup was taken (their hashed addresses are in the log)."

    def handle(self, *args, **options):
        count = erasure.reapply()
        self.stdout.write(f"Deleted {count} account(s) again.")
