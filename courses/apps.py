"""What students take: course and lesson pages, the access rule, progress."""

from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = "Courses"

    def ready(self):
        # The shop's library links a course product to its course page through this registration.
        from courses.models import CoursePage
        from shop import pages

        pages.register_product_page(CoursePage, shown_with=["cover"])
