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
