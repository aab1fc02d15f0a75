"""The simulator's feature phone: dial the USSD menu and press keys, as over Africa's Talking.

The page keeps the session id and every input so far, as the gateway does, and each step goes
through the same code as the real callback (bot/web/ussd.py), without its key.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, render_template, request

from bot.channels.ussd import africastalking as at
from bot.web import simulator
from bot.web import ussd as ussd_web

bp = Blueprint("simulator_ussd", __name__, url_prefix="/simulator/ussd",
               template_folder="templates")


@bp.before_request
def _enabled() -> None:
    if not simulator.enabled():
        abort(404)


@bp.get("")
def phone():
    return render_template("simulator_ussd.html",
                           service_code=current_app.config["USSD_SERVICE_CODE"],
                           limit=current_app.config["USSD_SCREEN_CHARS"])


@bp.post("/step")
def step():
    """One USSD request as the gateway would send it; answer with the screen."""
    form = {"sessionId": request.form.get("session", ""),
            "phoneNumber": request.form.get("phone", ""), "networkCode": "",
            "serviceCode": current_app.config["USSD_SERVICE_CODE"],
            "text": request.form.get("text", "")}
    try:
        screen = ussd_web.answer(at.parse(form, current_app.config["DEFAULT_REGION"]))
    except at.BadRequest as exc:
        return jsonify(error=f"The gateway would refuse this request: {exc}"), 400
    return jsonify(screen=screen[4:], end=screen.startswith("END "),
                   limit=current_app.config["USSD_SCREEN_CHARS"])
