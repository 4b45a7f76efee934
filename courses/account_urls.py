"""URLs of the account page a person runs themselves (mounted by config/urls.py at /account/)."""

from django.urls import path

from courses import account

app_name = "account"
urlpatterns = [
    path("", account.home, name="home"),
    path("sessions/sign-out-others/", account.sign_out_others, name="sign_out_others"),
    path("export/", account.export, name="export"),
    path("delete/", account.delete, name="delete"),
    path("delete/confirm/<str:token>/", account.delete_confirm, name="delete_confirm"),
    path("code-help/", account.code_help, name="code_help"),
]
