"""Forms students fill in on the courses pages: the name printed on their certificates."""

from django import forms

from courses import certificates


class CertificateNameForm(forms.Form):
    name = forms.CharField(
        label="Name on your certificates",
        max_length=certificates.NAME_MAX_LENGTH,
        required=False,
        help_text="Printed on your certificates and shown to anyone you share them with. "
        "Leave it empty to appear as \u201ca student\u201d.",
    )

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if certificates.looks_like_email(name):
            raise forms.ValidationError("Please use a name, not an e-mail address: certificates are public.")
        return name
