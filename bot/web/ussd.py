"""USSD over Africa's Talking: `POST /webhooks/ussd/africastalking/<USSD_KEY>`.

The gateway signs nothing, so the secret path segment guards the endpoint (unset: the channel
is off) and USSD_ALLOWED_NETWORKS may name the networks it calls from; anything else is a 404.
A request is answered once per (session, step): the screen is stored on the session row, so a
redelivery gets the same screen and changes nothing. "98" and "0" page through a long reply
from the stored pages; every other input goes through the router like any channel's message.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging

from flask import Blueprint, Response, abort, current_app, request
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot import router
from bot.channels.ussd import africastalking as at
from bot.channels.ussd import screens
from bot.i18n import N_, translate
from bot.messages import InboundMessage, Reply, clean_text
from bot.notices import links
from models.db import unit_of_work
from models.messaging import conversation as conversations
from models.messaging import ussd
from models.partners.partner import PartnerStatus, find_by_phone, normalize_phone

bp = Blueprint("ussd", __name__, url_prefix="/webhooks/ussd")
log = logging.getLogger("saathi.ussd")
UNREADABLE = N_("Sorry, we could not read that request. Please dial again.")
GOODBYE = N_("Thank you. Goodbye!")
WORDS = {screens.BACK: "BACK", screens.MENU: "MENU"}  # keys that stand for a global word


def _text(body: str, status: int = 200) -> Response:
    return Response(body, status=status, mimetype="text/plain")


def _guard(key: str) -> None:
    """404 unless the key is right and the caller's network is allowed."""
    config = current_app.config
    expected = config["USSD_KEY"]
    if not expected or not hmac.compare_digest(key.encode(), expected.encode()):
        abort(404)
    networks = config["USSD_ALLOWED_NETWORKS"]
    if networks:
        try:
            remote = ipaddress.ip_address(request.remote_addr or "")
        except ValueError:
            abort(404)
        if not any(remote in ipaddress.ip_network(n) for n in networks):
            log.warning("ussd request from a network not allowed",
                        extra={"remote": request.remote_addr})
            abort(404)


@bp.post("/africastalking/<key>")
def africastalking(key: str) -> Response:
    """Answer one USSD step with a CON (continue) or END (close) screen."""
    _guard(key)
    try:
        req = at.parse(request.form, current_app.config["DEFAULT_REGION"])
        return _text(answer(req))
    except at.BadRequest as exc:
        log.warning("ussd request refused", extra={"reason": str(exc)})
        lang = _language(_phone_of(request.form.get("phoneNumber") or ""))
        return _text(at.end(translate(lang, UNREADABLE)))
    except SQLAlchemyError:  # the database went away: nothing was done, say so
        log.exception("ussd step not answered: database unavailable",
                      extra={"session": request.form.get("sessionId", "")[:60]})
        return _text(at.end(translate(None, router.SORRY)))


@bp.post("/africastalking/<key>/end")
def africastalking_end(key: str) -> Response:
    """The gateway's end-of-session notification: the network closed the session."""
    _guard(key)
    try:
        session_id, status = at.check_end(request.form)
    except at.BadRequest as exc:
        log.warning("ussd end notification refused", extra={"reason": str(exc)})
        return _text("", 400)
    with unit_of_work() as session:
        known = ussd.end(session, session_id, status)
    log.info("ussd session ended", extra={"session": session_id, "status": status,
                                          "known": known})
    return _text("")


def answer(req: at.Request) -> str:
    """The screen for this step ("CON ..." or "END ..."): stored, a page of the stored
    reply, or the router's. The simulator's feature phone calls it too."""
    with unit_of_work() as session:  # the session row's lock and the input, stored: one commit
        row, new = ussd.lock(session, session_id=req.session_id, phone=req.phone,
                             service_code=req.service_code, network_code=req.network_code,
                             dial=not req.text)
        stored = row.answered(req.step)
        if stored is not None:
            return stored  # a redelivery
        newest = at.newest_input(row.consumed, req.text, new=new)
        if row.phone != req.phone or newest is None:
            raise at.BadRequest("the request does not continue its session")
        page = _turn(row, newest)
        if page is not None:
            screen = at.con(row.pages[page])
            ussd.answer(row, step=req.step, consumed=req.text, pages=row.pages, page=page,
                        screen=screen)
            return screen
        message = InboundMessage(
            channel="ussd", sender=req.phone, text=WORDS.get(newest, clean_text(newest)),
            provider_id=f"{req.session_id}:{req.step}", session_start=new)
        answered = router.receive(session, message)
        if answered is not None:  # the router answered this step before its screen was stored
            return _record(session, req, answered, _language(req.phone, session), row)
    shown: list[str] = []
    replies = router.answer(message, finish=lambda session, replies, lang: shown.append(
        _record(session, req, replies, lang, row, as_read=True)))
    if shown:  # stored with the replies, in the router's transaction
        return shown[-1]
    with unit_of_work() as session:  # another delivery's replies, or an apology
        return _record(session, req, replies, _language(req.phone, session))


def _turn(row: ussd.UssdSession, newest: str) -> int | None:
    """The page "98" (more) or "0" (back) turns to, or None if the input is an answer."""
    if newest == screens.MORE and row.page + 1 < len(row.pages):
        return row.page + 1
    if newest == screens.BACK and row.page > 0:
        return row.page - 1
    return None


def _record(session: Session, req: at.Request, replies: list[Reply], lang: str | None,
            row: ussd.UssdSession | None = None, *, as_read: bool = False) -> str:
    """Render the replies into pages, record the first as this step's screen; a concurrent
    delivery of the same step that recorded first wins. `row`: the session row locked in
    this transaction, or (`as_read`) as a committed one read it; None: lock it now."""
    closing = not replies  # nothing to say (an opted-out partner): close the session
    text = screens.body(replies) or translate(lang, GOODBYE)
    if not closing and _finished(session, req.phone, replies):
        text = screens.with_menu_key(text, lang)
    limit = screens.Screen(current_app.config["USSD_SCREEN_CHARS"],
                           current_app.config["USSD_COUNT_RULE"])
    pages = screens.paginate(text, limit, lang)
    screen = at.end(pages[0]) if closing else at.con(pages[0])
    answer = {"step": req.step, "consumed": req.text, "pages": pages, "page": 0,
              "screen": screen}
    if not (as_read and ussd.answer_as_read(session, row, **answer)):
        if row is None or as_read:  # (written meanwhile: read it again, locked)
            row = ussd.get(session, req.session_id, for_update=True)
        stored = row.answered(req.step)
        if stored is not None:
            return stored
        ussd.answer(row, **answer)
    _send_media_links(session, req, replies, lang)
    return screen


def _finished(session: Session, phone: str, replies: list[Reply]) -> bool:
    """True when the replies end what the partner was doing and offer no option: the
    conversation is back at the menu's idle state with nothing to choose on the screen, and
    the menu is open to them."""
    if any(r.options for r in replies):
        return False
    partner = find_by_phone(session, phone)
    if partner is not None and partner.status not in (PartnerStatus.ACTIVE,
                                                      PartnerStatus.INVITED):
        return False  # stopped (nothing more until START) or suspended: no menu to offer
    conv = conversations.latest_for_phone(session, phone, "ussd")
    return conv is not None and (conv.flow, conv.state) == ("menu", "idle")


def _send_media_links(session: Session, req: at.Request, replies: list[Reply],
                      lang: str | None) -> None:
    """A screen shows no image: send a link to each (a certificate) by SMS instead."""
    base = (current_app.config["PUBLIC_BASE_URL"] or request.host_url).rstrip("/")
    urls = [base + r.media_url if r.media_url.startswith("/") else r.media_url
            for r in replies if r.media_url]
    links.send_media_links(session, phone=req.phone, urls=urls, lang=lang, channel="ussd",
                           provider_id=f"{req.session_id}:{req.step}")


def _phone_of(raw: str) -> str | None:
    try:
        return normalize_phone(raw, current_app.config["DEFAULT_REGION"])
    except ValueError:
        return None


def _language(phone: str | None, session: Session | None = None) -> str | None:
    """The language of whoever has this phone (partner first, then their USSD chat)."""
    if phone is None:
        return None
    if session is None:
        with unit_of_work() as own:
            return _language(phone, own)
    partner = find_by_phone(session, phone)
    if partner is not None and partner.language:
        return partner.language
    conv = conversations.latest_for_phone(session, phone, "ussd")
    return conv.language if conv else None
