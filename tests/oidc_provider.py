"""A small OpenID Connect provider on 127.0.0.1 for the tests: discovery, JWKS, an authorize
endpoint that answers at once with a code for `next_user`, and a token endpoint that checks the
client, the redirect URI and the PKCE verifier (S256) and issues an RS256-signed ID token.

Knobs for the next token (`tamper`): nonce, exp, iat, acr, aud, iss, or `sign_with_other_key`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from urllib.parse import urlencode

from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response


class OidcProvider:
    def __init__(self, client_id: str = "compete-test", client_secret: str = "s3cret", key_id: str = "test-key"):
        self.client_id = client_id
        self.client_secret = client_secret
        self.key = RSAKey.generate_key(2048, parameters={"kid": key_id, "use": "sig", "alg": "RS256"})
        self.other_key = RSAKey.generate_key(2048, parameters={"kid": key_id, "use": "sig", "alg": "RS256"})
        self.next_user: dict = {"sub": "sub-1", "pid": "01017012345", "acr": "idporten-loa-substantial"}
        self.tamper: dict = {}
        self.codes: dict[str, dict] = {}
        self.token_requests: list[dict] = []
        self.authorize_requests: list[dict] = []
        self._server = make_server("127.0.0.1", 0, self.wsgi, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> OidcProvider:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=5)

    def reset(self) -> None:
        self.next_user = {"sub": "sub-1", "pid": "01017012345", "acr": "idporten-loa-substantial"}
        self.tamper = {}
        self.codes.clear()
        self.token_requests.clear()
        self.authorize_requests.clear()

    # --- WSGI ---------------------------------------------------------------------------------

    def wsgi(self, environ, start_response):
        request = Request(environ)
        handler = {
            "/.well-known/openid-configuration": self._discovery,
            "/jwks": self._jwks,
            "/authorize": self._authorize,
            "/token": self._token,
        }.get(request.path)
        response = handler(request) if handler else Response("not found", status=404)
        return response(environ, start_response)

    def _json(self, data, status: int = 200) -> Response:
        return Response(json.dumps(data), status=status, mimetype="application/json")

    def _discovery(self, request):
        return self._json(
            {
                "issuer": self.url,
                "authorization_endpoint": f"{self.url}/authorize",
                "token_endpoint": f"{self.url}/token",
                "jwks_uri": f"{self.url}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "acr_values_supported": ["idporten-loa-substantial", "idporten-loa-high"],
            }
        )

    def _jwks(self, request):
        return self._json({"keys": [self.key.as_dict(private=False)]})

    def _authorize(self, request):
        args = request.args
        self.authorize_requests.append(dict(args))
        if args.get("client_id") != self.client_id or args.get("response_type") != "code":
            return Response("bad client", status=400)
        if args.get("code_challenge_method") != "S256" or not args.get("code_challenge"):
            return Response("PKCE S256 required", status=400)
        code = secrets.token_urlsafe(16)
        self.codes[code] = {
            "redirect_uri": args["redirect_uri"],
            "challenge": args["code_challenge"],
            "nonce": args.get("nonce"),
            "user": dict(self.next_user),
        }
        query = urlencode({"code": code, "state": args.get("state", "")})
        return Response(status=302, headers={"Location": f"{args['redirect_uri']}?{query}"})

    def _client_ok(self, request) -> bool:
        header = request.headers.get("Authorization", "")
        if header.startswith("Basic "):
            client_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
        else:
            client_id, secret = request.form.get("client_id"), request.form.get("client_secret")
        return client_id == self.client_id and secret == self.client_secret

    def _token(self, request):
        form = request.form
        self.token_requests.append(dict(form))
        if not self._client_ok(request):
            return self._json({"error": "invalid_client"}, 401)
        grant = self.codes.pop(form.get("code", ""), None)
        if grant is None or form.get("grant_type") != "authorization_code":
            return self._json({"error": "invalid_grant"}, 400)
        if form.get("redirect_uri") != grant["redirect_uri"]:
            return self._json({"error": "invalid_grant", "error_description": "redirect_uri"}, 400)
        verifier = form.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if challenge != grant["challenge"]:
            return self._json({"error": "invalid_grant", "error_description": "PKCE verification failed"}, 400)
        return self._json(
            {"access_token": secrets.token_urlsafe(16), "token_type": "Bearer", "expires_in": 120,
             "id_token": self.id_token(grant["user"], grant["nonce"])}
        )  # fmt: skip

    def id_token(self, user: dict, nonce: str | None) -> str:
        moment = int(time.time())
        claims = {
            "iss": self.url,
            "aud": self.client_id,
            "iat": moment,
            "exp": moment + 120,
            "nonce": nonce,
            **user,
        }
        tamper = dict(self.tamper)
        key = self.other_key if tamper.pop("sign_with_other_key", False) else self.key
        claims.update(tamper)
        claims = {k: v for k, v in claims.items() if v is not None}
        return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)
