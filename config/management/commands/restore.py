"""`manage.py restore FILE` (`make restore FILE=…`): bring a backup back into an empty install.

core.backups decrypts and checks the whole archive before anything is touched, then loads the database and the
files; this command then migrates (a backup from an older release), adds back the install's own deletion log and
re-applies it (courses.erasure), so an account deleted after the backup was taken stays deleted.
"""

import tempfile
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.core.management import BaseCommand, CommandError, call_command

from core import backups
from courses import erasure


class Command(BaseCommand):
    help = "Restore a backup made by `manage.py backup` into this (empty) install, with BACKUP_KEY."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The backup file.")
        parser.add_argument("--check", action="store_true", help="Only decrypt and verify it; change nothing.")
        parser.add_argument(
            "--force", action="store_true", help="Replace an install that already has accounts (its data is lost)."
        )

    def handle(self, *args, file, check=False, force=False, **options):
        source = Path(file)
        # A private folder for the decrypted copy: TMPDIR, made 0700 by tempfile, removed in every case.
        with tempfile.TemporaryDirectory(prefix="backcare-restore-") as work:
            try:
                if check:
                    manifest = backups.unpack(source=source, key=settings.BACKUP_KEY, into=Path(work))
                    self.stdout.write(
                        f"{source.name} is intact: {len(manifest['files'])} file(s), made {manifest['created_at']}."
                    )
                    return
                restored = backups.restore(source=source, key=settings.BACKUP_KEY, work=Path(work), force=force)
            except backups.BackupError as error:
                raise CommandError(str(error)) from error
        call_command("migrate", interactive=False, verbosity=0)
        added = backups.restore_deletion_log(rows=restored.kept_deletions)
        deleted = erasure.reapply()
        for cache in caches.all():
            cache.clear()
        self.stdout.write(
            f"Restored {source.name} (made {restored.manifest['created_at']}): the database, "
            f"{restored.files_written} file(s) written, {restored.files_present} already present; "
            f"{added} deletion(s) from this install's log kept, {deleted} account(s) deleted again."
        )
