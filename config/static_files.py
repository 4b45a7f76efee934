"""WhiteNoise's compressed, hashed static files, compressed again only when a file changed (STORAGES["staticfiles"]).

Brotli at its best setting takes minutes over Wagtail's admin files on a small machine, and collectstatic runs on
every `make run` and deploy: a copy whose .br and .gz carry the source's modification time (WhiteNoise stamps
them so) is kept as it is.
"""

from pathlib import Path

from whitenoise.compress import Compressor
from whitenoise.storage import CompressedManifestStaticFilesStorage


class IncrementalCompressor(Compressor):
    def compress(self, path):
        source = Path(path).stat().st_mtime
        done = [path + suffix for suffix in (".br", ".gz") if Path(path + suffix).exists()]
        if len(done) == 2 and all(Path(name).stat().st_mtime == source for name in done):
            return done
        return super().compress(path)


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def create_compressor(self, **kwargs):
        return IncrementalCompressor(**kwargs)
