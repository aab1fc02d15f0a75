"""Senders deliver one outbox row: Meta's Cloud API (a row from one of our Cloud API
numbers), Twilio's REST API, an Indian SMS gateway with DLT ids (bot/channels/gupshup.py), or
the outbox alone (simulator)."""

from __future__ import annotations

import json
import mimetypes
import os
import threading
from datetime import datetime
from typing import Protocol

from flask import current_app
from requests.utils import get_environ_proxies
from sqlalchemy.orm import object_session
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from bot import media
from bot.channels import dlt, graph, sms, twilio_content, twilio_messages
from bot.channels.gupshup import GupshupSender
from bot.channels.native import LIST_LABEL
from bot.channels.templates import MissingTemplate, template_sid
from bot.i18n import DEFAULT, translate
from bot.messages import Reply
from models.messaging.outbox import OutboxMessage
from models.partners.partner import Partner

TWILIO_DEFAULT_BASE = "https://api.twilio.com"


class Sender(Protocol):
    def send(self, message: OutboxMessage) -> str:
        """Deliver the message; return the provider's message id."""


class OutboxOnlySender:
    """The default without Twilio: the row itself is the delivery (the simulator shows it)."""

    def send(self, message: OutboxMessage) -> str:
        return f"OUTBOX{message.id:012d}"


class _HttpClient(TwilioHttpClient):
    """Twilio's HTTP client, pointed at another base URL when given (a local server in tests,
    a proxy in prod), with the environment's proxy and CA settings read once: requests reads
    them (every variable of os.environ) again for each message otherwise, the biggest CPU
    cost of a campaign's send."""

    def __init__(self, base: str | None) -> None:
        super().__init__(timeout=10)
        self.base = base.rstrip("/") if base else None
        self.proxy = self.proxy or get_environ_proxies(self.base or TWILIO_DEFAULT_BASE)
        self.session.verify = os.environ.get("REQUESTS_CA_BUNDLE") \
            or os.environ.get("CURL_CA_BUNDLE") or True
        self.session.trust_env = False

    def request(self, method, url, *args, **kwargs):
        if self.base:
            url = url.replace(TWILIO_DEFAULT_BASE, self.base, 1)
        return super().request(method, url, *args, **kwargs)


class TwilioSender:
    """Messages go out through `messages` (a bare kept-alive connection); Twilio's library
    client is kept for the rare lookup of what Twilio took (`find_sent`)."""

    def __init__(self, config: dict) -> None:
        base = config["TWILIO_API_BASE"]
        http = _HttpClient(base if base.rstrip("/") != TWILIO_DEFAULT_BASE else None)
        self.client = Client(config["TWILIO_ACCOUNT_SID"], config["TWILIO_AUTH_TOKEN"],
                             http_client=http)
        self.messages = twilio_messages.Messages(base, config["TWILIO_ACCOUNT_SID"],
                                                 config["TWILIO_AUTH_TOKEN"])
        self.config = config

    def _address(self, channel: str, phone: str) -> tuple[str, str]:
        if channel == "whatsapp":
            return f"whatsapp:{self.config['TWILIO_WHATSAPP_FROM']}", f"whatsapp:{phone}"
        return self.config["TWILIO_SMS_FROM"], phone

    def send(self, message: OutboxMessage) -> str:
        return self.messages.create(self.form(message))

    def form(self, message: OutboxMessage) -> twilio_messages.Form:
        """The Messages API form for `message`, its fields in the order Twilio's library
        posts them."""
        from_, to = self._address(message.channel, message.phone)
        form = [("To", to)]
        if self.config["PUBLIC_BASE_URL"]:
            form.append(("StatusCallback", self.config["PUBLIC_BASE_URL"].rstrip("/")
                         + "/webhooks/twilio/status"))
        drawn = self._content(message) if message.channel == "whatsapp" else None
        if message.template:
            sid = template_sid(self.config, message.template, _language(message))
            return [*form, ("ContentVariables", json.dumps(message.template_vars)),
                    ("From", from_), ("ContentSid", sid)]
        if drawn:
            return [*form, ("From", from_), ("ContentSid", drawn)]
        # Twilio fetches the media itself: our /media/ paths made absolute
        return [*form, ("From", from_), ("Body", message.body), *(
            ("MediaUrl", url) for url in sms.absolute(message.media_urls,
                                                       self.config["PUBLIC_BASE_URL"]))]

    def find_sent(self, message: OutboxMessage, since: datetime) -> str | None:
        """The sid of `message` if Twilio took it since `since` though its answer was lost
        (the sender died): a message to the same number from our sender with its body."""
        from_, to = self._address(message.channel, message.phone)
        for sent in self.client.messages.list(to=to, from_=from_, date_sent_after=since,
                                              limit=20):
            created = sent.date_created
            if (created is None or created >= since.replace(microsecond=0)) and \
                    (message.template or sent.body == message.body):
                return sent.sid
        return None

    def _content(self, message: OutboxMessage) -> str | None:
        """The quick-reply or list-picker content for a reply with options (when on)."""
        if not (self.config["TWILIO_CONTENT_OPTIONS"] and message.reply):
            return None
        language = _language(message)
        return twilio_content.content_sid(
            object_session(message), self.config, Reply.from_dict(message.reply), language,
            translate(language, LIST_LABEL))


class CloudSender:
    """Meta's Cloud API, from the business number the row names (`via`)."""

    def __init__(self, config: dict, client: graph.Graph | None = None) -> None:
        self.config = config
        self.graph = client or graph.Graph(config["WHATSAPP_GRAPH_BASE"],
                                           config["WHATSAPP_ACCESS_TOKEN"])

    def payload(self, message: OutboxMessage) -> dict:
        """The Graph API JSON for `message` (MissingTemplate if its template has no name)."""
        language = _language(message)
        if message.template:
            names = self.config["WHATSAPP_CLOUD_TEMPLATES"].get(message.template, {})
            name = names.get(language) or names.get(DEFAULT)
            if not name:
                raise MissingTemplate(f"no Cloud API template for {message.template!r}")
            return graph.template(message.phone, name, language if language in names
                                  else DEFAULT, message.template_vars)
        reply = Reply.from_dict(message.reply) if message.reply else \
            Reply(message.body, media_url=(message.media_urls or [None])[0])
        return graph.reply_payload(message.phone, reply, translate(language, LIST_LABEL),
                                   self.config["PUBLIC_BASE_URL"], self._uploaded(message, reply))

    def _uploaded(self, message: OutboxMessage, reply: Reply) -> str | None:
        """A file of ours uploaded to Meta, when there is no public URL Meta could fetch."""
        url = reply.media_url
        if not url or not url.startswith(media.LOCAL_PREFIX) or self.config["PUBLIC_BASE_URL"]:
            return None
        try:
            data = media.fetch(url)
        except media.MediaError as exc:
            raise graph.GraphError(f"{url} cannot be uploaded: {exc}") from exc
        mime = mimetypes.guess_type(url)[0] or "application/octet-stream"
        return self.graph.upload(message.via or "", data, url.rsplit("/", 1)[-1], mime)

    def send(self, message: OutboxMessage) -> str:
        return self.graph.send(message.via or "", self.payload(message))


def _language(message: OutboxMessage) -> str:
    session = object_session(message)
    partner = session.get(Partner, message.partner_id) if session and message.partner_id \
        else None
    return (partner.language if partner else None) or DEFAULT


_GRAPHS: dict[tuple[str, str], graph.Graph] = {}  # one pooled HTTP session per installation
_LOCAL = threading.local()  # Twilio's client (a requests session) per thread: not shared


def sender_for(message: OutboxMessage) -> Sender:
    """The Cloud API for a WhatsApp row from one of our Cloud API numbers; else Twilio when
    its credentials are configured; else the outbox alone."""
    config = current_app.config
    if message.channel == "whatsapp" and message.via \
            and message.via in config["WHATSAPP_PHONE_NUMBER_ID"] \
            and config["WHATSAPP_APP_SECRET"]:
        key = (config["WHATSAPP_GRAPH_BASE"], config["WHATSAPP_ACCESS_TOKEN"])
        if key not in _GRAPHS:
            _GRAPHS[key] = graph.Graph(*key)
        return CloudSender(config, _GRAPHS[key])
    return current_sender(message.channel)


def current_sender(channel: str = "whatsapp") -> Sender:
    """For SMS, the Indian gateway when SMS_PROVIDER says so; else Twilio when credentials
    are configured, else the outbox alone."""
    config = current_app.config
    if dlt.needed(config, channel):
        return GupshupSender(config)
    if config["TWILIO_ACCOUNT_SID"] and config["TWILIO_AUTH_TOKEN"]:
        key = (config["TWILIO_ACCOUNT_SID"], config["TWILIO_AUTH_TOKEN"],
               config["TWILIO_API_BASE"], id(config))
        twilios = _LOCAL.__dict__.setdefault("twilios", {})
        if key not in twilios:  # one client (and its kept-alive connections) per settings
            twilios[key] = TwilioSender(config)  # and thread
        return twilios[key]
    return OutboxOnlySender()
