"""Security headers on every response: Permissions-Policy, and the Content-Security-Policy for areas that
need another policy than the site's (SECURE_CSP), such as the Wagtail admin. Listed in MIDDLEWARE inside
Django's ContentSecurityPolicyMiddleware, which keeps a policy header that is already set."""

from django.conf import settings
from django.middleware.csp import get_nonce
from django.utils.csp import CSP, build_policy


def permissions_policy_header(policy: dict[str, list[str]]) -> str:
    """`{"camera": [], "fullscreen": ["self", "https://x"]}` → `camera=(), fullscreen=(self "https://x")`."""
    return ", ".join(
        f"{feature}=({' '.join(origin if origin == 'self' else f'"{origin}"' for origin in origins)})"
        for feature, origins in policy.items()
    )


def policy_for_path(path: str) -> dict | None:
    """The area policy for this path (first matching prefix in CSP_PATH_POLICIES), or None for SECURE_CSP."""
    for prefix, policy in settings.CSP_PATH_POLICIES:
        if path.startswith(prefix):
            return policy
    return None


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.permissions_policy = permissions_policy_header(settings.PERMISSIONS_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        policy = policy_for_path(request.path_info)
        if policy is not None:
            response.headers.setdefault(str(CSP.HEADER_ENFORCE), build_policy(policy, get_nonce(request)))
        return response
