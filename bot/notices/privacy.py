"""After an erasure: the last message to a partner an operator erased (one who asked in a
chat reads it as the reply), and the job that scrubs what the chat and that message left."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot import jobs
from bot.i18n import N_, translate
from bot.jobs.names import Job
from bot.notices.outbound import queue_message
from models import keys
from models.events import PartnerErased, handles

ERASED_BY_OPERATOR = N_("Saathi: as asked, your personal data is erased. Send JOIN to start "
                        "again any time.")


@handles(PartnerErased)
def erased(session: Session, done: PartnerErased) -> None:
    if not done.by_partner:
        queue_message(session, phone=done.phone, channel="sms",
                      text=translate(done.language, ERASED_BY_OPERATOR),
                      key=keys.erasure_notice(done.partner_id))
    jobs.after_commit(session, Job.ERASE_TRACES, done.partner_id)
