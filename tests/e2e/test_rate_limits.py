"""Rate limits hold across gunicorn workers, and behind a proxy every limiter keys on the real client."""

from concurrent.futures import ThreadPoolExecutor

CODE_REQUEST = "/_allauth/app/v1/auth/code/request"


def test_fifty_parallel_code_requests_to_four_workers_let_exactly_five_through(start_live_site):
    site = start_live_site(workers=4, API_RATE_SIGN_IN_CODE="5/m")

    def ask(number):
        return site.post(CODE_REQUEST, json={"email": f"reader{number}@example.com"}).status_code

    with ThreadPoolExecutor(max_workers=50) as pool:
        statuses = list(pool.map(ask, range(50)))

    assert statuses.count(429) == 45
    assert len([status for status in statuses if status != 429]) == 5


def test_behind_a_proxy_many_clients_asking_for_codes_are_not_locked_out_together(start_live_site):
    # allauth allows 20 code requests a minute per address: keyed on the proxy's address, the 21st client was refused.
    site = start_live_site(BEHIND_PROXY=1, API_RATE_SIGN_IN_CODE="2/m")

    def ask(client_address, email):
        # As our proxy forwards it: whatever the client claimed, then the address the proxy saw.
        headers = {"X-Forwarded-For": f"192.0.2.66, {client_address}"}
        return site.post(CODE_REQUEST, json={"email": email}, headers=headers)

    many = [ask(f"198.51.100.{n}", f"reader{n}@example.com") for n in range(1, 26)]
    one_client = [ask("203.0.113.7", f"other{n}@example.com").status_code for n in range(3)]

    refused = [answer.text for answer in many if answer.status_code == 429 or "too_many" in answer.text]
    assert refused == []
    assert one_client[2] == 429
    assert 429 not in one_client[:2]


def test_guessing_the_admin_password_gets_a_429_page(start_live_site):
    site = start_live_site(API_RATE_LOGIN="3/m")
    browser = site.client()

    answers = [site.submit(browser, "/admin/login/", {"username": "admin", "password": f"guess-{n}"}) for n in range(4)]

    assert [answer.status_code for answer in answers[:3]] == [200, 200, 200]
    assert answers[3].status_code == 429
    assert 1 <= int(answers[3].headers["Retry-After"]) <= 60
    assert "Too many attempts" in answers[3].text
