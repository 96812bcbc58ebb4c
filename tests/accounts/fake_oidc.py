"""A tiny OpenID Connect provider for tests: discovery, authorize, token, userinfo and JWKS."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import jwt

CLIENT_ID = "vangnet-test-client"
CLIENT_SECRET = "test-secret-not-used-anywhere-else"


class FakeOIDCProvider:
    """Runs on 127.0.0.1 in a thread. Set `.person` to who logs in at the provider next."""

    def __init__(self) -> None:
        self.person: dict[str, Any] = {"sub": "1", "email": "someone@example.org", "name": "Someone"}
        self.token_requests: list[dict[str, list[str]]] = []
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def _json(self, data: dict[str, Any], status: int = 200) -> None:
                body = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                url = urlparse(self.path)
                if url.path == "/.well-known/openid-configuration":
                    self._json(provider.discovery())
                elif url.path == "/authorize":
                    query = parse_qs(url.query)
                    target = query["redirect_uri"][0] + "?" + urlencode(
                        {"code": "fake-code", "state": query["state"][0]})
                    self.send_response(302)
                    self.send_header("Location", target)
                    self.end_headers()
                elif url.path == "/userinfo":
                    self._json({**provider.person, "email_verified": True})
                elif url.path == "/jwks":
                    self._json({"keys": []})
                else:
                    self._json({"error": "not found"}, 404)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                form = parse_qs(self.rfile.read(length).decode())
                if urlparse(self.path).path != "/token":
                    self._json({"error": "not found"}, 404)
                    return
                provider.token_requests.append(form)
                if form.get("client_secret", [""])[0] != CLIENT_SECRET:
                    self._json({"error": "invalid_client"}, 401)
                    return
                self._json({"access_token": "fake-access-token", "token_type": "Bearer",
                            "expires_in": 300, "id_token": provider.id_token()})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.url,
            "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": f"{self.url}/token",
            "userinfo_endpoint": f"{self.url}/userinfo",
            "jwks_uri": f"{self.url}/jwks",
            "token_endpoint_auth_methods_supported": ["client_secret_post"],
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["HS256"],
        }

    def id_token(self) -> str:
        now = int(time.time())
        claims = {"iss": self.url, "aud": CLIENT_ID, "iat": now, "exp": now + 300,
                  **self.person, "email_verified": True}
        # Received straight from the token endpoint, so allauth need not check the signature.
        return jwt.encode(claims, CLIENT_SECRET, algorithm="HS256")

    def __enter__(self) -> FakeOIDCProvider:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()
