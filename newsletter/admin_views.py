"""The admin's send form: pick a segment for an issue, see how many consenting people it reaches, send."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse

from courses.models import CoursePage
from newsletter import segments, sending
from newsletter.models import NewsletterIssue, Send
from shop.models import Product


class SendForm(forms.Form):
    segment = forms.ChoiceField(choices=Send.Segment.choices, widget=forms.RadioSelect)
    product = forms.ModelChoiceField(
        queryset=Product.objects.all(), required=False, help_text="For buyers of a product."
    )
    course = forms.ModelChoiceField(
        queryset=CoursePage.objects.all(), required=False, help_text="For students of a course who have not finished."
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        segment = cleaned.get("segment")
        if segment == Send.Segment.PRODUCT and not cleaned.get("product"):
            self.add_error("product", "Choose the product whose buyers get this issue.")
        if segment == Send.Segment.COURSE_UNFINISHED and not cleaned.get("course"):
            self.add_error("course", "Choose the course whose unfinished students get this issue.")
        return cleaned


def send_issue(request, pk: int):
    if not request.user.has_perm("newsletter.add_send"):
        raise PermissionDenied
    issue = get_object_or_404(NewsletterIssue, pk=pk)
    form = SendForm(request.POST or None)
    count = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        people = segments.recipients(segment=data["segment"], product=data["product"], course=data["course"])
        if request.POST.get("confirmed") == "1":
            send = sending.start(
                issue=issue, segment=data["segment"], product=data["product"], course=data["course"], user=request.user
            )
            messages.success(request, f"Sending \u201c{send.subject}\u201d to {send.deliveries.count()} people.")
            return HttpResponseRedirect(reverse("newsletter_send:inspect", args=[send.pk]))
        count = people.count()
    context = {"issue": issue, "form": form, "count": count, "page_title": f"Send {issue}"}
    return TemplateResponse(request, "newsletter/admin/send_form.html", context)
