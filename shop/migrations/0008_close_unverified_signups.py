"""Accounts opened by the old open sign-up with an address nobody proved: sign them out everywhere, drop the password.

Until sign-up required a code, anyone could create an account for someone else's address and later see what
that address bought. An account that was used (signed in, or given a password) without its address ever being
verified is closed the way shop.accounts.user_for_email closes one: its real owner gets in with a code sent to
the address. Staff and editors are left alone (an administrator made their accounts).
"""

from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.db import SessionStore
from django.db import migrations
from django.db.models import Exists, OuterRef, Q


def close_unverified_used_accounts(apps, schema_editor):
    user_model = apps.get_model("auth", "User")
    email_address = apps.get_model("account", "EmailAddress")
    session_model = apps.get_model("sessions", "Session")
    authenticator = apps.get_model("mfa", "Authenticator")
    verified = email_address.objects.filter(user=OuterRef("pk"), email__iexact=OuterRef("email"), verified=True)
    editor = Q(groups__permissions__codename="access_admin") | Q(user_permissions__codename="access_admin")
    doomed = (
        user_model.objects.exclude(email="")
        .filter(is_staff=False, is_superuser=False)
        .exclude(editor)
        .filter(Q(last_login__isnull=False) | ~Q(password__startswith="!"))
        .exclude(Exists(verified))
    )
    doomed_ids = {str(pk) for pk in doomed.values_list("pk", flat=True)}
    if not doomed_ids:
        return
    decoder = SessionStore()
    ended = [
        session.session_key
        for session in session_model.objects.iterator()
        if str(decoder.decode(session.session_data).get("_auth_user_id")) in doomed_ids
    ]
    session_model.objects.filter(session_key__in=ended).delete()
    for user in user_model.objects.filter(pk__in=[int(pk) for pk in doomed_ids]):
        user.password = make_password(None)
        user.save(update_fields=["password"])
        # Addresses and authenticator apps the opener added would let them back in or lock the owner out.
        email_address.objects.filter(user=user).exclude(email__iexact=user.email).delete()
        authenticator.objects.filter(user=user).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0007_checkout_sessions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("account", "0009_emailaddress_unique_primary_email"),
        ("sessions", "0001_initial"),
        ("mfa", "0003_authenticator_type_uniq"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(close_unverified_used_accounts, migrations.RunPython.noop)]
