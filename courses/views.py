"""Thin views: progress, lesson files, the free course sign-up, the dashboard and certificates."""

import logging

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import accounts, attribution, privacy
from core.errors import shows_domain_errors
from courses import access, certificates, dashboard, enrolment, files, outline, progress, sharing
from courses.forms import CertificateNameForm
from courses.models import CoursePage, LessonFile, LessonPage

logger = logging.getLogger(__name__)


def _live_lesson(lesson_id: int) -> LessonPage:
    return get_object_or_404(LessonPage.objects.live().specific(), pk=lesson_id)


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _locked(request, lesson: LessonPage, lesson_access: access.Access) -> HttpResponse:
    """The locked lesson's page, which shows the way in (buy, enrol, sign in, the drip date)."""
    status = progress.LessonLockedError.status
    if _wants_json(request):
        return JsonResponse({"error": "locked", "reason": lesson_access.reason}, status=status)
    closed = outline.closed_message(user=request.user, lesson_access=lesson_access)
    return render(
        request, "courses/locked.html", {"lesson": lesson, "access": lesson_access, "closed": closed}, status=status
    )


def _progress_answer(request, lesson: LessonPage, *, completed: bool) -> HttpResponse:
    if _wants_json(request):
        summary = progress.for_course(user=request.user, course=lesson.course)
        return JsonResponse(
            {
                "lesson": lesson.pk,
                "completed": completed,
                "released": summary.released,
                "completed_released": summary.completed_released,
                "total": summary.total,
                "course_complete": summary.complete,
            }
        )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = lesson.url
    return HttpResponseRedirect(target)


@never_cache
@require_POST
@shows_domain_errors
def complete_lesson(request, lesson_id: int):
    lesson = _live_lesson(lesson_id)
    try:
        progress.complete(user=request.user, lesson=lesson)
    except progress.LessonLockedError as locked:
        return _locked(request, lesson, locked.access)
    return _progress_answer(request, lesson, completed=True)


@never_cache
@require_POST
@shows_domain_errors
def undo_lesson(request, lesson_id: int):
    lesson = _live_lesson(lesson_id)
    try:
        progress.undo(user=request.user, lesson=lesson)
    except progress.LessonLockedError as locked:
        return _locked(request, lesson, locked.access)
    return _progress_answer(request, lesson, completed=False)


@require_GET
@shows_domain_errors
def lesson_file(request, lesson_id: int, file_id: int, filename: str = ""):
    lesson = _live_lesson(lesson_id)
    if file_id not in sharing.file_ids_in_raw(lesson.body):
        raise Http404("This lesson has no such file.")
    # A file that other lessons use too is served under the strictest of their rules, not this one's alone.
    others = [other for other in sharing.lessons_using(file_id=file_id) if other.pk != lesson.pk]
    for using in (lesson, *others):
        lesson_access = access.access_for(user=request.user, lesson=using)
        if not lesson_access.granted:
            return _locked(request, using, lesson_access)
    return files.respond(request=request, lesson_file=get_object_or_404(LessonFile, pk=file_id))


def _free_course(course_id: int) -> CoursePage:
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    if not course.is_free:
        raise Http404("Only free courses take a sign-up.")
    return course


def _first_lesson_url(course: CoursePage) -> str:
    first = course.lessons().first()
    return (first or course).url


def _csrf_token_valid(request) -> bool:
    """Whether this POST passes the CSRF check the middleware would have made, had the view not been exempt.

    No token at all is simply "no" (not logged as a forgery: the cached home page's form never has one).
    """
    if getattr(request, "_dont_enforce_csrf_checks", False):  # the middleware's own switch, which it honours too
        return True
    if not (request.POST.get("csrfmiddlewaretoken") or request.headers.get("X-CSRFToken")):
        return False
    return CsrfViewMiddleware(lambda _request: None).process_view(request, None, (), {}) is None


# Exempt from the CSRF middleware because the home page's sign-up form is cached for everyone and so carries no
# per-person token. Nothing is forged that way: without a valid token this view only e-mails a confirmation link
# to the typed address (double opt-in; the same answer whether or not the address is known), and the rate limit
# (config.api.ratelimit, "sign_in_code" per client and per address) still counts every POST.
@csrf_exempt
@never_cache
@require_POST
@shows_domain_errors
def enrol(request, course_id: int):
    course = _free_course(course_id)
    if request.user.is_authenticated and _csrf_token_valid(request):
        # The signed-in student's own form on the course page: their address is proved, so they start at once.
        enrolment.enrol(
            user=request.user,
            course=course,
            wants_email=bool(request.POST.get("emails")),
            source=attribution.from_request(request),
            newsletter=bool(request.POST.get("newsletter")),
        )
        return HttpResponseRedirect(_first_lesson_url(course))
    email = request.POST.get("email", "")
    source = attribution.from_request(request)
    try:
        enrolment.request_enrolment(
            email=email, course=course, source=source, newsletter=bool(request.POST.get("newsletter"))
        )
    except ValidationError:
        context = {
            "course": course,
            "email": email[:254],
            "error": "Please enter a valid e-mail address.",
            "source": source.parameters(),
        }
        return render(request, "courses/enrol_form.html", context, status=400)
    # The same answer whether or not the address is known, and whether or not we just sent one.
    return render(request, "courses/enrol_sent.html", {"course": course})


@never_cache
@require_http_methods(["GET", "POST"])
@shows_domain_errors
def confirm(request, token: str):
    try:
        email, course = enrolment.read_optin(token=token)
    except enrolment.InvalidLinkError as error:
        return _link_invalid(request, error)
    if request.method == "GET":
        # Mail scanners open links: only the Continue button (a POST) enrols and signs in.
        return render(request, "courses/confirm.html", {"course": course, "email": email, "token": token})
    try:
        confirmation = enrolment.confirm(token=token)
    except enrolment.LinkUsedError as error:
        return render(request, "courses/link_used.html", {"course": course}, status=error.status)
    except enrolment.InvalidLinkError as error:
        return _link_invalid(request, error)
    user = confirmation.user
    signed_in_already = request.user.is_authenticated and request.user.pk == user.pk
    if not (signed_in_already or confirmation.may_sign_in):
        # A link proves the mailbox only: editors and buyers sign in with their password or a fresh code.
        context = {"course": course, "editor": accounts.is_staff(user)}
        return render(request, "courses/confirmed_sign_in.html", context)
    if not signed_in_already:
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return HttpResponseRedirect(_first_lesson_url(course))


def _link_invalid(request, error: enrolment.InvalidLinkError) -> HttpResponse:
    """The invalid-link page, which offers the free courses to sign up for again."""
    return render(request, "courses/link_invalid.html", {"free_courses": _free_courses()}, status=error.status)


def _free_courses():
    return [course for course in privacy.public(CoursePage.objects.live()) if course.is_free]


@never_cache
@csrf_exempt  # the signed token is the secret; mail apps POST here without a form (one-click, RFC 8058)
@require_http_methods(["GET", "POST"])
@shows_domain_errors
def unsubscribe(request, token: str):
    try:
        enrolled = enrolment.read_unsubscribe(token=token)
    except enrolment.InvalidLinkError as error:
        return render(request, "courses/unsubscribe_invalid.html", status=error.status)
    if request.method == "POST":
        enrolled = enrolment.unsubscribe(token=token)
        return render(request, "courses/unsubscribed.html", {"enrolment": enrolled})
    return render(request, "courses/unsubscribe.html", {"enrolment": enrolled, "token": token})


def _dashboard(request, *, name_form: CertificateNameForm | None = None, status: int = 200) -> HttpResponse:
    context = dashboard.for_student(user=request.user)
    context["name_form"] = name_form or CertificateNameForm(
        initial={"name": certificates.chosen_name(user=request.user)}
    )
    return render(request, "courses/dashboard.html", context, status=status)


@never_cache
@login_required
@require_GET
def student_dashboard(request):
    return _dashboard(request)


@never_cache
@login_required
@require_POST
def certificate_name(request):
    form = CertificateNameForm(request.POST)
    if not form.is_valid():
        return _dashboard(request, name_form=form, status=400)
    reissued = certificates.rename(user=request.user, name=form.cleaned_data["name"])
    _name_saved_message(request, reissued)
    return HttpResponseRedirect(reverse("courses:dashboard") + "#certificate-name")


def _name_saved_message(request, reissued: list) -> None:
    if reissued:
        text = "Saved. Your certificates were re-issued with the new name and new links."
    else:
        text = "Saved. Your certificates will carry this name."
    messages.success(request, text, extra_tags="certificate-name")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def certificate_page(request, course_id: int):
    """The completion page: asks the name for the certificate (editable later), then offers the PDF."""
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    if not certificates.earned(user=request.user, course=course):
        status = certificates.NotCompleteError.status
        return render(request, "courses/certificate_not_ready.html", {"course": course}, status=status)
    status = 200
    if request.method == "POST":
        form = CertificateNameForm(request.POST)
        if form.is_valid():
            reissued = certificates.rename(user=request.user, name=form.cleaned_data["name"])
            _name_saved_message(request, reissued)
            return HttpResponseRedirect(reverse("courses:certificate_page", args=[course.pk]))
        status = 400
    else:
        form = CertificateNameForm(initial={"name": certificates.chosen_name(user=request.user)})
    context = {
        "course": course,
        "name_form": form,
        "name": certificates.chosen_name(user=request.user),
        "asked": certificates.has_chosen_name(user=request.user),
        "certificate": certificates.current(user=request.user, course=course),
    }
    return render(request, "courses/certificate_page.html", context, status=status)


@never_cache
@login_required
@require_GET
@shows_domain_errors
def certificate_pdf(request, course_id: int):
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    try:
        certificate = certificates.issue(user=request.user, course=course)
    except certificates.NotCompleteError as error:
        return render(request, "courses/certificate_not_ready.html", {"course": course}, status=error.status)
    verify_url = request.build_absolute_uri(reverse("courses:verify_certificate", args=[certificate.code]))
    instructor = str(course.instructor) if course.instructor else ""
    pdf = certificates.render_pdf(certificate=certificate, verify_url=verify_url, instructor=instructor)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{course.slug}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def verify_certificate(request, code: str):
    certificate = certificates.find(code=code)
    if certificate is None:
        raise Http404("No certificate has this code.")
    if certificate.superseded_at is not None:
        # Gone, and says so: no name, and no link to the new certificate (its holder shares that one).
        response = render(request, "courses/certificate_superseded.html", {"certificate": certificate}, status=410)
    else:
        response = render(request, "courses/certificate_verify.html", {"certificate": certificate})
    response["X-Robots-Tag"] = "noindex"
    return response
