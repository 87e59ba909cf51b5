"""A fake Bot Framework connector on 127.0.0.1: Microsoft's side of a Teams conversation.

It plays every part the real service plays for a bot, over real HTTP:

- OpenID metadata (``/v1/.well-known/openidconfiguration``) and a key set with a test RSA key
  (``kid``, endorsed for ``msteams``), as login.botframework.com publishes them;
- channel tokens signed with that key (``iss`` https://api.botframework.com, ``aud`` the app id,
  a ``serviceurl`` claim), as the connector attaches to every activity, plus helpers to forge
  bad ones;
- the Entra ID token endpoint (client credentials for scope api.botframework.com/.default);
- the Connector API at ``{serviceUrl}v3/conversations/{id}/activities[/{replyToId}]``, which
  records the bot's replies and proactive messages (no ``replyToId``: the follow-up) with the
  bearer token each came with, refuses any without a token it issued, and can be told to
  answer the next posts with an error status (``fail_next``), as a connector having a bad
  moment does;
- Teams-shaped activities (personal, group chat, channel; @mentions; card clicks; the app
  being added), posted to the bot's webhook with a token.

Nothing leaves loopback, and no Microsoft library is involved: the shapes follow the Bot
Framework REST reference and what Teams sends (channelId ``msteams``, ``from.aadObjectId``,
``conversation.conversationType`` and ``tenantId``, ``channelData.tenant``, mention entities).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import secrets
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from bot.settings.config import Settings

ISSUER = "https://api.botframework.com"
SCOPE = "https://api.botframework.com/.default"
TENANT_ID = "72f988bf-86f1-41af-91ab-2d7cd011db47"
BOT_NAME = "Reflect"


@dataclass(frozen=True)
class TeamsUser:
    """A Teams user as activities carry them: ids, display name and Entra object id."""

    id: str
    name: str
    aad_object_id: str

    def as_from(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name, "aadObjectId": self.aad_object_id}


SARAH = TeamsUser(
    "29:1sarahJonesTeamsIdAbCdEf", "Sarah Jones", "6b0b4e7e-1d3c-4f2a-9c7e-5a1b2c3d4e5f"
)
TOM = TeamsUser("29:1tomOkaforTeamsIdGhIjKl", "Tom Okafor", "0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f")


@dataclass(frozen=True)
class Reply:
    """One activity the bot posted to the connector."""

    conversation_id: str
    reply_to_id: str | None
    activity: dict[str, Any]
    service_path: str
    bearer: str = ""

    @property
    def proactive(self) -> bool:
        """A new message the bot started (the follow-up), not an answer to an activity."""
        return self.reply_to_id is None

    @property
    def text(self) -> str:
        return str(self.activity.get("text") or "")

    @property
    def actions(self) -> list[dict[str, Any]]:
        """Every card action (button) on the reply's hero cards."""
        return [
            action
            for attachment in self.activity.get("attachments", [])
            for action in attachment.get("content", {}).get("buttons", [])
        ]


@dataclass
class Recorded:
    """What the connector saw, guarded by one lock (the HTTP server is threaded)."""

    replies: list[Reply] = field(default_factory=list)
    refused_replies: list[str] = field(default_factory=list)
    failed_posts: list[str] = field(default_factory=list)
    fail_next: list[int] = field(default_factory=list)
    token_requests: list[dict[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class FakeConnector:
    """The connector, the key endpoints and the token endpoint in one loopback HTTP server."""

    def __init__(self, *, app_id: str, app_password: str, kid: str = "reflect-test-key-1") -> None:
        self.app_id = app_id
        self.app_password = app_password
        self.kid = kid
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.recorded = Recorded()
        self._issued: set[str] = set()
        self._ids = itertools.count(1)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # --- lifecycle ------------------------------------------------------------------------

    def __enter__(self) -> FakeConnector:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def openid_url(self) -> str:
        return f"{self.base_url}/v1/.well-known/openidconfiguration"

    @property
    def token_url(self) -> str:
        return f"{self.base_url}/botframework.com/oauth2/v2.0/token"

    @property
    def service_url(self) -> str:
        """Like Teams' regional https://smba.trafficmanager.net/amer/ (trailing slash included)."""
        return f"{self.base_url}/amer/"

    @property
    def allowed_prefix(self) -> str:
        return f"{self.base_url}/amer/"

    def configure(self, settings: Settings) -> Settings:
        """``settings`` with Reflect's Teams app pointed at this connector (its tenant only)."""
        return replace(
            settings,
            teams_app_id=self.app_id,
            teams_app_password=self.app_password,
            teams_openid_url=self.openid_url,
            teams_token_url=self.token_url,
            teams_service_urls=(self.allowed_prefix,),
            teams_tenant_id=TENANT_ID,
        )

    # --- what the connector has seen ------------------------------------------------------

    @property
    def replies(self) -> list[Reply]:
        with self.recorded.lock:
            return list(self.recorded.replies)

    @property
    def token_requests(self) -> list[dict[str, str]]:
        with self.recorded.lock:
            return list(self.recorded.token_requests)

    @property
    def refused_replies(self) -> list[str]:
        with self.recorded.lock:
            return list(self.recorded.refused_replies)

    @property
    def proactive(self) -> list[Reply]:
        """The messages the bot started itself (POSTed without a replyToId)."""
        return [reply for reply in self.replies if reply.proactive]

    @property
    def issued_tokens(self) -> set[str]:
        """Every access token the token endpoint has issued to the bot."""
        with self.recorded.lock:
            return set(self._issued)

    @property
    def failed_posts(self) -> list[str]:
        """Activity posts answered with a ``fail_next`` status (not recorded as replies)."""
        with self.recorded.lock:
            return list(self.recorded.failed_posts)

    def fail_next_posts(self, *statuses: int) -> None:
        """Answer the next activity posts (with a valid token) with these statuses, in order."""
        with self.recorded.lock:
            self.recorded.fail_next.extend(statuses)

    # --- tokens ---------------------------------------------------------------------------

    def jwks(self) -> dict[str, Any]:
        public = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        return {
            "keys": [
                {**public, "kty": "RSA", "use": "sig", "kid": self.kid, "endorsements": ["msteams"]}
            ]
        }

    def claims(self, **overrides: Any) -> dict[str, Any]:
        """The claims of a genuine channel token for the default serviceUrl."""
        now = int(time.time())
        claims: dict[str, Any] = {
            "serviceurl": self.service_url,
            "nbf": now - 60,
            "exp": now + 3600,
            "iat": now - 60,
            "iss": ISSUER,
            "aud": self.app_id,
        }
        claims.update(overrides)
        return {key: value for key, value in claims.items() if value is not None}

    def token(self, **overrides: Any) -> str:
        """A genuine channel token (RS256, our kid), with any claim overridden or removed."""
        return self.sign(self.claims(**overrides))

    def sign(
        self,
        claims: dict[str, Any],
        *,
        key: rsa.RSAPrivateKey | None = None,
        headers: dict[str, Any] | None = None,
    ) -> str:
        """An RS256 token over ``claims``; ``headers`` replace the default header fields."""
        header = {"kid": self.kid, "x5t": self.kid}
        if headers is not None:
            header = headers
        return jwt.encode(claims, key or self.key, algorithm="RS256", headers=header)

    def unsigned(self, claims: dict[str, Any]) -> str:
        """An ``alg: none`` token: header and claims, empty signature."""
        header = {"alg": "none", "typ": "JWT", "kid": self.kid}
        return f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}."

    def hs256_with_public_key(self, claims: dict[str, Any]) -> str:
        """The classic key-confusion forgery: HS256, keyed with the public key's PEM bytes."""
        public_pem = self.key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        header = {"alg": "HS256", "typ": "JWT", "kid": self.kid}
        signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
        signature = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
        return f"{signing_input}.{_b64(signature)}"

    # --- activities, shaped as Teams sends them ------------------------------------------

    def _base(
        self,
        kind: str,
        *,
        conversation: dict[str, Any],
        user: TeamsUser,
        service_url: str | None = None,
    ) -> dict[str, Any]:
        activity_id = f"1719{next(self._ids):09d}"
        return {
            "type": kind,
            "id": activity_id,
            "timestamp": "2025-03-04T10:15:30.123Z",
            "localTimestamp": "2025-03-04T10:15:30.123+00:00",
            "channelId": "msteams",
            "serviceUrl": service_url or self.service_url,
            "from": user.as_from(),
            "conversation": {"tenantId": TENANT_ID, **conversation},
            "recipient": {"id": f"28:{self.app_id}", "name": BOT_NAME},
            "entities": [
                {
                    "type": "clientInfo",
                    "locale": "en-GB",
                    "country": "GB",
                    "platform": "Web",
                    "timezone": "Europe/London",
                }
            ],
            "channelData": {"tenant": {"id": TENANT_ID}},
            "locale": "en-GB",
            "localTimezone": "Europe/London",
        }

    @staticmethod
    def personal(user: TeamsUser) -> dict[str, Any]:
        """A one-to-one chat with the bot (its id is per user and bot)."""
        return {"conversationType": "personal", "id": f"a:1{user.aad_object_id.replace('-', '')}"}

    @staticmethod
    def group_chat(name: str) -> dict[str, Any]:
        return {"conversationType": "groupChat", "isGroup": True, "id": f"19:{name}@thread.v2"}

    @staticmethod
    def channel_thread(name: str, root_id: str) -> dict[str, Any]:
        return {
            "conversationType": "channel",
            "isGroup": True,
            "id": f"19:{name}@thread.tacv2;messageid={root_id}",
        }

    def message(
        self,
        text: str | None,
        *,
        user: TeamsUser = SARAH,
        conversation: dict[str, Any] | None = None,
        mention: bool = False,
        value: Any = None,
        service_url: str | None = None,
    ) -> dict[str, Any]:
        """A message; with ``mention`` the text starts with the bot's @mention, as in groups."""
        activity = self._base(
            "message",
            conversation=conversation or self.personal(user),
            user=user,
            service_url=service_url,
        )
        if text is not None:
            activity["textFormat"] = "plain"
            activity["text"] = f"<at>{BOT_NAME}</at> {text}" if mention else text
        if mention:
            activity["entities"].append(
                {
                    "type": "mention",
                    "text": f"<at>{BOT_NAME}</at>",
                    "mentioned": {"id": activity["recipient"]["id"], "name": BOT_NAME},
                }
            )
        if value is not None:
            activity["value"] = value
        if conversation and conversation.get("conversationType") == "channel":
            channel_id = conversation["id"].split(";")[0]
            activity["channelData"].update(
                {
                    "teamsChannelId": channel_id,
                    "teamsTeamId": "19:team-safeguarding@thread.tacv2",
                    "channel": {"id": channel_id},
                    "team": {"id": "19:team-safeguarding@thread.tacv2"},
                }
            )
        return activity

    def click(
        self,
        action: dict[str, Any],
        *,
        user: TeamsUser = SARAH,
        conversation: dict[str, Any] | None = None,
        with_text: bool = True,
    ) -> dict[str, Any]:
        """What Teams sends when ``action`` (a card button) is clicked.

        ``messageBack`` sends the action's ``text`` and ``value``; ``imBack`` sends its value as
        text. ``with_text=False`` drops the text, as an Adaptive Card ``Action.Submit`` does.
        """
        if action["type"] == "imBack":
            return self.message(action["value"], user=user, conversation=conversation)
        assert action["type"] == "messageBack", action
        text = action.get("text", "") if with_text else None
        activity = self.message(text, user=user, conversation=conversation, value=action["value"])
        if not with_text:
            activity.pop("textFormat", None)
        return activity

    def bot_added(
        self, *, user: TeamsUser = SARAH, conversation: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """The ``conversationUpdate`` Teams sends when the app is installed in a chat."""
        activity = self._base(
            "conversationUpdate", conversation=conversation or self.personal(user), user=user
        )
        activity["membersAdded"] = [{"id": activity["recipient"]["id"]}]
        activity["channelData"]["eventType"] = "teamMemberAdded"
        return activity

    def member_added(self, member: TeamsUser, *, conversation: dict[str, Any]) -> dict[str, Any]:
        """Someone else joining a chat the bot is already in."""
        activity = self._base("conversationUpdate", conversation=conversation, user=SARAH)
        activity["membersAdded"] = [{"id": member.id, "aadObjectId": member.aad_object_id}]
        return activity

    # --- posting to the bot --------------------------------------------------------------

    def post(
        self,
        webhook_url: str,
        activity: Any,
        *,
        token: str | None = "",
        authorization: str | None = None,
        raw: bytes | None = None,
    ) -> tuple[int, bytes]:
        """POST an activity as the connector does; ``token=""`` means a fresh genuine token.

        ``authorization`` replaces the whole header; ``token=None`` sends no header at all.
        Returns the status and body (an error status is returned, not raised).
        """
        headers = {"Content-Type": "application/json"}
        if authorization is not None:
            headers["Authorization"] = authorization
        elif token is not None:
            headers["Authorization"] = f"Bearer {token or self.token()}"
        data = raw if raw is not None else json.dumps(activity).encode()
        request = urllib.request.Request(webhook_url, data=data, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def send(self, webhook_url: str, activity: dict[str, Any]) -> list[Reply]:
        """Post with a genuine token, insist on a 2xx, and return the replies it caused."""
        before = len(self.replies)
        status, body = self.post(webhook_url, activity)
        assert 200 <= status < 300, (status, body)
        return self.replies[before:]

    # --- the HTTP side --------------------------------------------------------------------

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        connector = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # quiet test output
                return

            def _answer(self, status: int, body: Any) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _body(self) -> bytes:
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def do_GET(self) -> None:
                if self.path == "/v1/.well-known/openidconfiguration":
                    self._answer(
                        200,
                        {
                            "issuer": ISSUER,
                            "authorization_endpoint": "https://invalid.botframework.com",
                            "jwks_uri": f"{connector.base_url}/v1/.well-known/keys",
                            "id_token_signing_alg_values_supported": ["RS256"],
                            "token_endpoint_auth_methods_supported": ["private_key_jwt"],
                        },
                    )
                elif self.path == "/v1/.well-known/keys":
                    self._answer(200, connector.jwks())
                else:
                    self._answer(404, {"error": "not found"})

            def do_POST(self) -> None:
                if self.path == urlsplit(connector.token_url).path:
                    self._token(self._body())
                else:
                    self._activity(self._body())

            def _token(self, body: bytes) -> None:
                form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
                with connector.recorded.lock:
                    connector.recorded.token_requests.append(form)
                if (
                    form.get("grant_type") != "client_credentials"
                    or form.get("client_id") != connector.app_id
                    or form.get("client_secret") != connector.app_password
                    or form.get("scope") != SCOPE
                ):
                    self._answer(401, {"error": "invalid_client"})
                    return
                token = secrets.token_urlsafe(32)
                with connector.recorded.lock:
                    connector._issued.add(token)
                self._answer(
                    200,
                    {
                        "token_type": "Bearer",
                        "expires_in": 3599,
                        "ext_expires_in": 3599,
                        "access_token": token,
                    },
                )

            def _activity(self, body: bytes) -> None:
                # {servicePath}/v3/conversations/{conversationId}/activities[/{activityId}]
                service_path, _, rest = self.path.partition("/v3/conversations/")
                parts = rest.split("/")
                if not rest or len(parts) not in {2, 3} or parts[1] != "activities":
                    self._answer(404, {"error": "not found"})
                    return
                authorization = self.headers.get("Authorization", "")
                with connector.recorded.lock:
                    accepted = authorization.removeprefix("Bearer ") in connector._issued
                    if not accepted:
                        connector.recorded.refused_replies.append(self.path)
                if not accepted:
                    self._answer(401, {"message": "Authorization has been denied"})
                    return
                with connector.recorded.lock:
                    failure = (
                        connector.recorded.fail_next.pop(0)
                        if connector.recorded.fail_next
                        else None
                    )
                    if failure is not None:
                        connector.recorded.failed_posts.append(self.path)
                if failure is not None:
                    self._answer(failure, {"message": "Service Unavailable"})
                    return
                activity = json.loads(body)
                reply = Reply(
                    conversation_id=unquote(parts[0]),
                    reply_to_id=unquote(parts[2]) if len(parts) == 3 else None,
                    activity=activity,
                    service_path=service_path + "/",
                    bearer=authorization.removeprefix("Bearer "),
                )
                with connector.recorded.lock:
                    connector.recorded.replies.append(reply)
                self._answer(200, {"id": f"reply-{next(connector._ids)}"})

        return Handler
