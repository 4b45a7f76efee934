"""The outside-in harness itself: the demo site answers over real HTTP and sees the rows the test wrote."""

from django.core.management import call_command


def test_demo_home_page_is_served_by_gunicorn(live_db, live_site):
    call_command("load_demo", stdout=None)

    response = live_site.get("/")

    assert response.status_code == 200
    assert "Stephen O" in response.text
    assert response.headers["Content-Type"].startswith("text/html")


def test_mail_the_server_sends_lands_in_the_shared_mailbox(live_db, live_site):
    call_command("load_demo", stdout=None)
    browser = live_site.client()

    response = live_site.submit(browser, "/accounts/login/code/", {"email": "reader@example.com"})

    assert response.status_code in (200, 302)
    assert [message.to for message in live_site.mail()] == ["reader@example.com"]
