"""assistant/web/app.py and deps.py: bind safety, auth, error shape, security headers.

These run over an empty index of their own; nothing here needs the corpus.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from assistant.config import Settings
from assistant.errors import ConfigError
from assistant.service import Assistant
from assistant.web.app import check_bind_safety, create_app

TOKEN = "empty-index-token"


@pytest.fixture()
def empty_client(scratch_settings: Settings) -> Iterator[TestClient]:
    with TestClient(
        create_app(scratch_settings, Assistant(scratch_settings), warm_up=False)
    ) as client:
        yield client


@pytest.fixture()
def token_client(scratch_settings: Settings) -> Iterator[TestClient]:
    settings = Settings(home=scratch_settings.home, api_tokens=f"{TOKEN}=carol:staff")
    with TestClient(create_app(settings, Assistant(settings), warm_up=False)) as client:
        yield client


# --- binding -------------------------------------------------------------------------
@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "example.org"])
def test_non_loopback_bind_without_tokens_is_refused(tmp_path, host: str) -> None:
    with pytest.raises(ConfigError) as caught:
        check_bind_safety(Settings(home=tmp_path, host=host, api_tokens=""))
    assert caught.value.field == "ASSISTANT_HOST"
    assert "ASSISTANT_API_TOKENS" in str(caught.value)


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"]
)
def test_loopback_bind_without_tokens_is_allowed(tmp_path, host: str) -> None:
    check_bind_safety(Settings(home=tmp_path, host=host, api_tokens=""))


def test_non_loopback_bind_with_tokens_is_allowed(tmp_path) -> None:
    check_bind_safety(
        Settings(home=tmp_path, host="0.0.0.0", api_tokens="long-enough-token")
    )


# --- health --------------------------------------------------------------------------
def test_health_reports_an_empty_index(empty_client: TestClient) -> None:
    for path in ("/healthz", "/readyz"):
        response = empty_client.get(path)
        assert response.status_code == 503
        assert response.json() == {"status": "empty"}


def test_health_never_needs_a_token(token_client: TestClient) -> None:
    assert token_client.get("/healthz").json() == {"status": "empty"}


# --- auth ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/documents"),
        ("post", "/api/search"),
        ("post", "/api/ask"),
        ("post", "/api/ask/stream"),
        ("post", "/api/foi/draft"),
        ("get", "/api/kpis"),
        ("get", "/api/metrics"),
        ("get", "/api/documents/any/file"),
        ("post", "/api/documents"),
    ],
)
def test_every_api_route_needs_a_bearer_token(
    token_client: TestClient, method: str, path: str
) -> None:
    response = getattr(token_client, method)(path)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["error"]["type"] == "Unauthenticated"


def test_a_wrong_token_is_refused_and_a_right_one_accepted(
    token_client: TestClient,
) -> None:
    wrong = token_client.get(
        "/api/documents", headers={"Authorization": "Bearer not-the-token"}
    )
    assert wrong.status_code == 401
    assert wrong.json()["error"]["detail"] == "invalid bearer token"
    right = token_client.get(
        "/api/documents", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert right.status_code == 200
    assert right.json() == {"documents": []}


def test_without_tokens_the_api_is_open_on_loopback(empty_client: TestClient) -> None:
    assert empty_client.get("/api/documents").status_code == 200


def test_pages_redirect_to_sign_in_and_the_cookie_then_works(
    token_client: TestClient,
) -> None:
    response = token_client.get("/search?q=care", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/search%3Fq%3Dcare"

    refused = token_client.post(
        "/login", data={"token": "nope", "next": "/documents"}, follow_redirects=False
    )
    assert refused.status_code == 401
    assert "not recognised" in refused.text

    signed_in = token_client.post(
        "/login",
        data={"token": TOKEN, "next": "//evil.example/"},
        follow_redirects=False,
    )
    assert signed_in.status_code == 303
    assert signed_in.headers["location"] == "/"  # never an off-site redirect
    cookie = signed_in.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert token_client.get("/documents").status_code == 200
    assert (
        token_client.get("/api/documents").status_code == 200
    )  # the pages' scripts use the cookie

    token_client.post("/logout")
    assert token_client.get("/documents", follow_redirects=False).status_code == 303


# --- one error shape -----------------------------------------------------------------
def test_validation_errors_use_the_error_shape(empty_client: TestClient) -> None:
    response = empty_client.post("/api/search", json={"query": "care", "k": 500})
    assert response.status_code == 422
    assert response.json() == {
        "error": {
            "type": "ValidationError",
            "detail": "k: Input should be less than or equal to 100",
            "field": "k",
        }
    }
    missing = empty_client.post("/api/ask", json={})
    assert missing.status_code == 422
    assert missing.json()["error"]["field"] == "question"


def test_service_errors_use_the_error_shape(empty_client: TestClient) -> None:
    response = empty_client.post("/api/ask", json={"question": "   "})
    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "type": "BadRequest",
            "detail": "question: must not be empty",
            "field": "question",
        }
    }


def test_unknown_routes_use_the_error_shape(empty_client: TestClient) -> None:
    response = empty_client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.json() == {"error": {"type": "NotFound", "detail": "Not Found"}}
    page = empty_client.get("/nothing-here", headers={"Accept": "text/html"})
    assert page.status_code == 404
    assert "Page not found" in page.text


# --- browser safety ------------------------------------------------------------------
def test_pages_carry_a_strict_content_security_policy(empty_client: TestClient) -> None:
    response = empty_client.get("/documents")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "<script>" not in response.text  # scripts are files only; no inline code
    assert " on" + "click=" not in response.text.lower()


def test_cross_site_posts_are_refused(empty_client: TestClient) -> None:
    response = empty_client.post(
        "/api/documents",
        files={"file": ("x.txt", b"x")},
        headers={"Origin": "https://evil.example"},
    )
    assert response.status_code == 403
    assert response.json()["error"]["type"] == "AccessDenied"
    same = empty_client.post(
        "/api/search", json={"query": ""}, headers={"Origin": "http://testserver"}
    )
    assert same.status_code == 400


def test_api_reference_is_served_without_a_cdn(empty_client: TestClient) -> None:
    response = empty_client.get("/docs")
    assert response.status_code == 200
    assert "/api/ask/stream" in response.text and "cdn" not in response.text.lower()
    assert "/api/search" in empty_client.get("/openapi.json").json()["paths"]
