"""An embed finder for tests: answers every URL without the network."""

from wagtail.embeds.finders.base import EmbedFinder


class FakeFinder(EmbedFinder):
    def __init__(self, **options):
        pass

    def accept(self, url):
        return True

    def find_embed(self, url, max_width=None, max_height=None):
        return {
            "title": "A test video",
            "author_name": "Test",
            "provider_name": "Test",
            "type": "video",
            "thumbnail_url": None,
            "width": 640,
            "height": 360,
            "html": (
                '<iframe src="https://video.example/embed/1" title="A test video" width="640" height="360"></iframe>'
            ),
        }
