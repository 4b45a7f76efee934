"""`manage.py backup` (`make backup`): an encrypted backup of the database and files (core.backups).

By hand it writes into --dir, BACKUP_DIR or var/backups. The scheduler runs it hourly with --scheduled when
BACKUP_KEY and BACKUP_DIR are set: then it takes one when the newest in BACKUP_DIR is a day old and keeps the
newest BACKUP_KEEP.
"""

from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.management import BaseCommand, CommandError

from core import backups

# A scheduled run takes a backup when the newest is older than this: daily, without drifting later each day.
SCHEDULED_EVERY = timedelta(hours=23, minutes=30)


class Command(BaseCommand):
    help = "Write an encrypted backup (database, media, private files) with BACKUP_KEY."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir", dest="directory", help="Folder to write into (default: BACKUP_DIR, else var/backups)."
        )
        parser.add_argument("--keep", type=int, help="Afterwards delete all but the newest N backups there.")
        parser.add_argument(
            "--scheduled", action="store_true", help="Into BACKUP_DIR, once a day, keeping BACKUP_KEEP."
        )
        parser.add_argument("--new-key", action="store_true", help="Print a new random BACKUP_KEY and stop.")

    def handle(self, *args, directory=None, keep=None, scheduled=False, new_key=False, **options):
        if new_key:
            self.stdout.write(backups.new_key())
            return
        if scheduled:
            if not (settings.BACKUP_KEY and settings.BACKUP_DIR):
                self.stdout.write("Scheduled backups are off (set BACKUP_KEY and BACKUP_DIR).")
                return
            directory, keep = Path(settings.BACKUP_DIR), settings.BACKUP_KEEP
            age = backups.newest_age(directory=directory)
            if age is not None and age < SCHEDULED_EVERY:
                self.stdout.write("The newest backup is less than a day old; nothing to do.")
                return
        else:
            directory = Path(directory or settings.BACKUP_DIR or Path(settings.BASE_DIR) / "var" / "backups")
        try:
            path = backups.create(directory=directory, key=settings.BACKUP_KEY)
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Backup written: {path}")
        if keep:
            for old in backups.prune(directory=directory, keep=keep):
                self.stdout.write(f"Deleted old backup {old.name}")
