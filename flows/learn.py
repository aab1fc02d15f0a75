"""LEARN: pick a track, read its modules in parts ("1. Next", or NEXT typed), take the
quiz, get certified. The tracks of every program the partner learns in are listed together.
Diagram: docs/flows/learn.md."""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from typing import NamedTuple

from sqlalchemy import bindparam, select

from bot import media
from bot.i18n import N_, NP_, translate
from bot.messages import InboundMessage, Option, Reply
from flows import engine
from flows.answers import pick
from flows.choose_program import Needs, eligible
from flows.engine import END, Context, Flow, MenuEntry, State
from flows.keywords import Keyword, means
from flows.names import FlowName
from flows.voice import voice_later, voice_on, voice_reply
from models import learning
from models.learning import certificates as certification
from models.learning.certificates import Certificate, CertStatus
from models.programs import speech
from models.programs.program import Program
from models.programs.tracks import LearningContent, Module, Question, Track, local

MENU = MenuEntry(N_("Learn and get certified"), order=30)
QUIZ_CLOSED = {
    "too_soon": NP_("Take a moment to go over the module. The quiz opens in {n} minute; send "
                    "LEARN then.",
                    "Take a moment to go over the module. The quiz opens in {n} minutes; send "
                    "LEARN then."),
    "daily_limit": NP_("You have used today's {n} attempt. Try again tomorrow.",
                       "You have used today's {n} attempts. Try again tomorrow."),
    "cooldown": NP_("You can retry the quiz in {n} minute.",
                    "You can retry the quiz in {n} minutes."),
}
# Where a keypad is the input (no typed keywords), the menu option instead of LEARN.
QUIZ_CLOSED_KEYPAD = {
    **QUIZ_CLOSED,
    "too_soon": NP_("Take a moment to go over the module. The quiz opens in {n} minute; then "
                    "choose {option} in the main menu.",
                    "Take a moment to go over the module. The quiz opens in {n} minutes; then "
                    "choose {option} in the main menu."),
}
# What an SMS answer may hold before a module's part or a quiz question (flows/program_sms.py
# writes the DLT templates of each): the module before done, an answer not understood.
MODULE_DONE = N_("Module complete. Well done!")
PICK_NEXT = N_("Please reply with a number from the list.")
PICK_ANSWER = N_("Please reply with the number of your answer.")
QUIZ_OPENS = NP_("Quiz: {n} question. Reply with the number of your answer.",
                 "Quiz: {n} questions. Reply with the number of your answer.")
FAILED = NP_("You scored {score}/{total}; you need {percent}% to pass. You can retry in {n} "
             "minute: send LEARN.",
             "You scored {score}/{total}; you need {percent}% to pass. You can retry in {n} "
             "minutes: send LEARN.")
FAILED_KEYPAD = NP_("You scored {score}/{total}; you need {percent}% to pass. You can retry in "
                    "{n} minute: choose {option} in the main menu.",
                    "You scored {score}/{total}; you need {percent}% to pass. You can retry in "
                    "{n} minutes: choose {option} in the main menu.")


class S(StrEnum):
    TRACKS = "tracks"
    MODULE = "module"
    QUIZ = "quiz"


def _programs(ctx: Context) -> list[tuple[Program, LearningContent]]:
    return [(p, learning.content_of(p)) for p in eligible(ctx, Needs.LEARNING)]


def _current(ctx: Context) -> tuple[Program, LearningContent, Track]:
    program = ctx.session.get(Program, ctx.data["program_id"])
    content = learning.content_of(program)
    return program, content, content.track(ctx.data["track"])


class Progress(NamedTuple):
    """A partner's progress in one program: the modules read to the end (at their current
    version) and each track's latest certificate."""

    read: set[str]
    certs: dict[str, Certificate]


def _certs(ctx: Context, program: Program) -> dict[str, Certificate]:
    """Each track's latest certificate of the partner in `program`, in one query."""
    certs: dict[str, Certificate] = {}
    for cert in ctx.session.scalars(_CERTS, {"partner_id": ctx.partner.id,
                                             "program_id": program.id}):
        certs.setdefault(cert.track, cert)
    return certs


_CERTS = select(Certificate).where(  # built once: every learning screen asks
    Certificate.partner_id == bindparam("partner_id"),
    Certificate.program_id == bindparam("program_id")
).order_by(Certificate.version.desc(), Certificate.id.desc())


def content_language(ctx: Context, program: Program) -> str | None:
    """The language of a message that carries `program`'s texts: the partner's, or the
    program's fallback when it does not offer theirs (the whole message, never a mix)."""
    return program.spec.content_language(ctx.language)


CHOOSE_TRACK = N_("Learn and earn credits. Choose a track:")
# A track as listed (`_label`): certified, to certify again, waiting, or its modules done.
CERTIFIED = N_("{track}: certified")
RECERTIFY = N_("{track}: re-certify (new version)")
WAITING = N_("{track}: waiting for approval")
MODULES_DONE = NP_("{track}: {done}/{n} module", "{track}: {done}/{n} modules")


def _label(ctx: Context, program: Program, track: Track, progress: Progress) -> str:
    """The track as listed: certified, waiting, or how many of its modules are done."""
    lang = content_language(ctx, program)
    name = local(track.name, lang)
    cert = progress.certs.get(track.code)
    if cert is not None and cert.status == CertStatus.VALID:
        if certification.is_outdated(ctx.session, cert):
            return translate(lang, RECERTIFY, track=name)
        return translate(lang, CERTIFIED, track=name)
    if cert is not None and cert.status in (CertStatus.PENDING_REVIEW, CertStatus.PENDING_AUDIT):
        return translate(lang, WAITING, track=name)
    done = len(progress.read & set(track.modules))
    return translate(lang, MODULES_DONE, track=name, done=done, n=len(track.modules))


def _track_options(ctx: Context, programs: list[tuple[Program, LearningContent]],
                   progress: dict[int, Progress]) -> tuple[Option, ...]:
    """Every track of `programs`, labelled (`progress`: by program id)."""
    options = []
    for program, content in programs:
        options += [Option(f"{program.code}:{t.code}",
                           _label(ctx, program, t, progress[program.id]))
                    for t in content.tracks]
    return tuple(options)


def _progress_in(ctx: Context, programs: list[tuple[Program, LearningContent]]
                 ) -> dict[int, Progress]:
    return {program.id: Progress(learning.completed_modules(ctx.session, ctx.partner.id,
                                                            program), _certs(ctx, program))
            for program, _content in programs}


def tracks_prompt(ctx: Context) -> list[Reply]:
    programs = _programs(ctx)
    options = _track_options(ctx, programs, _progress_in(ctx, programs))
    if not options:
        return [ctx.say("No learning tracks are open for you yet. Send MENU for the menu.")]
    return [ctx.say(CHOOSE_TRACK, options=options)]


def choose(ctx: Context, msg: InboundMessage) -> engine.Step:
    programs = _programs(ctx)
    progress = _progress_in(ctx, programs)
    options = _track_options(ctx, programs, progress)
    if not options:
        return engine.done(menu=True)
    chosen = pick(msg, options)
    if chosen is None:
        return engine.retry(ctx, "Please reply with the number of a track.")
    code, _, track = chosen.partition(":")
    program = next(p for p, _c in programs if p.code == code)
    ctx.data.update(program_id=program.id, track=track)
    return _next_step(ctx, progress=progress[program.id])


def _next_step(ctx: Context, *before: Reply, progress: Progress | None = None
               ) -> engine.Step:
    """Send the next unread module, or open the quiz when every module is read
    (`progress`: the program's, if just read)."""
    program, content, track = _current(ctx)
    read = progress.read if progress else learning.completed_modules(
        ctx.session, ctx.partner.id, program)
    unread = [m for m in track.modules if m not in read]
    if unread:
        delivery = learning.deliver(ctx.session, ctx.partner.id, program, unread[0])
        ctx.data.update(module=unread[0], delivery_id=delivery.id, part=0)
        return engine.go(S.MODULE, *before)
    cert = (progress.certs if progress else _certs(ctx, program)).get(track.code)
    if cert is not None and cert.version == content.version_of(track):
        return engine.done(*before, _held(ctx, cert), menu=True)
    try:
        attempt = learning.start_attempt(ctx.session, ctx.partner.id, program, track)
    except learning.QuizClosed as closed:
        closed_texts = QUIZ_CLOSED if ctx.message.traits.free_text else QUIZ_CLOSED_KEYPAD
        return engine.done(*before, ctx.say(closed_texts[closed.reason], n=closed.n,
                                            option=_menu_option(ctx)))
    plan = learning.quiz_plan(content, track, attempt.seed)
    if voice_on(ctx):  # the options in the order the voice note numbers them
        plan = [(ref, sorted(order)) for ref, order in plan]
    ctx.data.update(attempt_id=attempt.id, plan=plan, q=len(attempt.answers))
    return engine.go(S.QUIZ, *before, ctx.say(
        QUIZ_OPENS, n=len(plan)))


def _held(ctx: Context, cert: Certificate) -> Reply:
    """What a partner who already took this track at this version is told."""
    if cert.status == CertStatus.VALID:
        return ctx.say("You already hold this certificate: {id}.", id=cert.public_id)
    if cert.status in (CertStatus.PENDING_REVIEW, CertStatus.PENDING_AUDIT):
        return ctx.say("Your certificate {id} is waiting for approval.", id=cert.public_id)
    return ctx.say("Certificate {id} was not approved. Please contact your distributor.",
                   id=cert.public_id)


def module_prompt(ctx: Context) -> list[Reply]:
    program, content, track = _current(ctx)
    lang = content_language(ctx, program)
    module, part = content.module(ctx.data["module"]), ctx.data["part"]
    return [part_reply(lang, track, module, part),
            *voice_reply(ctx, lang, speech.part_script(module, part, lang))]


def part_reply(lang: str | None, track: Track, module: Module, part: int) -> Reply:
    """Part `part` of `module` (in `track`) as read in `lang`, with "1. Next" under it."""
    header = translate(lang, N_("Module {n}/{total}: {title} (part {part}/{parts})"),
                       n=track.modules.index(module.id) + 1, total=len(track.modules),
                       title=local(module.title, lang), part=part + 1, parts=len(module.parts))
    return Reply(f"{header}\n\n{local(module.parts[part], lang)}", options=_next_option(lang),
                 media_url=module.media if part == 0 else None)


def _next_option(lang: str | None) -> tuple[Option, ...]:
    """"1. Next" under a part: a keypad answers by number (typing NEXT works too)."""
    return (Option("next", translate(lang, N_("Next"))),)


def read_on(ctx: Context, msg: InboundMessage) -> engine.Step:
    program, content, _track = _current(ctx)
    chosen = pick(msg, _next_option(content_language(ctx, program)))
    if chosen is None and not means(msg.text, Keyword.NEXT, ctx.language):
        return engine.retry(ctx, PICK_NEXT)
    ctx.data["part"] += 1
    if ctx.data["part"] < len(content.module(ctx.data["module"]).parts):
        learning.part_sent(ctx.session, ctx.data["delivery_id"])
        return engine.go(S.MODULE)
    learning.complete(ctx.session, ctx.data["delivery_id"])
    return _next_step(ctx, ctx.say(MODULE_DONE))


def question_reply(lang: str, question: Question, order: list[int], n: int, total: int
                   ) -> Reply:
    """Question `n` of `total` with its options in the attempt's order (keys: written index)."""
    return Reply(translate(lang, "Q{n}/{total}: {question}", n=n, total=total,
                           question=local(question.ask, lang)),
                 options=tuple(Option(str(i), local(question.options[i], lang)) for i in order))


def quiz_prompt(ctx: Context) -> list[Reply]:
    program, content, _track = _current(ctx)
    ref, order = ctx.data["plan"][ctx.data["q"]]
    lang, question = content_language(ctx, program), learning.question(content, ref)
    return [question_reply(lang, question, order, ctx.data["q"] + 1, len(ctx.data["plan"])),
            *voice_reply(ctx, lang, speech.question_script(question, lang))]


CORRECT = N_("Correct!")
NOT_QUITE = N_("Not quite. Answer: {answer}. {why}")


def feedback_reply(lang: str, question: Question, right: bool) -> Reply:
    """What a partner reads after answering `question`: fixed words per question and
    language, so their voice notes are made when the program loads (`feedback_scripts`)."""
    if right:
        return Reply(translate(lang, CORRECT))
    return Reply(translate(lang, NOT_QUITE, answer=local(question.options[question.answer - 1],
                                                         lang), why=local(question.why, lang)))


def feedback_scripts(content: LearningContent | None, languages: list[str]
                     ) -> Iterator[speech.Script]:
    """The voice notes of every answer's feedback ("Correct!", "Not quite. Answer: …")."""
    questions = [q for module in (content.modules if content else ()) for q in module.questions]
    seen: set[tuple[str, str]] = set()
    for lang in languages:
        for question, right in [(None, True), *((q, False) for q in questions)]:
            text = feedback_reply(lang, question, right).text  # type: ignore[arg-type]
            if (lang, text) not in seen:
                seen.add((lang, text))
                yield speech.Script(lang, text)


def answer(ctx: Context, msg: InboundMessage) -> engine.Step:
    options = quiz_prompt(ctx)[0].options
    chosen = pick(msg, options)
    if chosen is None:
        return engine.retry(ctx, PICK_ANSWER)
    program, content, track = _current(ctx)
    ref, _order = ctx.data["plan"][ctx.data["q"]]
    question = learning.question(content, ref)
    right = int(chosen) + 1 == question.answer
    attempt = ctx.session.get(learning.QuizAttempt, ctx.data["attempt_id"])
    learning.record_answer(attempt, ref, int(chosen), right)
    lang = ctx.language if right else content_language(ctx, program)
    feedback = feedback_reply(lang, question, right)
    ctx.data["q"] += 1
    if ctx.data["q"] < len(ctx.data["plan"]):
        return engine.go(S.QUIZ, feedback, *voice_reply(ctx, lang, feedback.text))
    total = len(ctx.data["plan"])
    if not learning.finish(attempt, track, total):
        result = ctx.say(
            FAILED if ctx.message.traits.free_text else FAILED_KEYPAD, score=attempt.score,
            total=total, percent=track.pass_percent, n=content.rules.cooldown_minutes,
            option=_menu_option(ctx))
    else:
        result = _certified(ctx, program, track, attempt)
    # The score is the partner's own: its voice note is made by a job (flows/voice.py).
    return engine.done(feedback, *voice_reply(ctx, lang, feedback.text), result,
                       *voice_later(ctx, result))


def _menu_option(ctx: Context) -> str:
    """This flow's menu entry as the menu shows it, for a keypad's "choose … in the menu"."""
    return ctx._(MENU.label)


def _certified(ctx: Context, program: Program, track: Track,
               attempt: learning.QuizAttempt) -> Reply:
    cert = certification.issue(ctx.session, ctx.partner, program, track, attempt.id)
    score = {"score": attempt.score, "total": attempt.total}
    if cert.status == CertStatus.PENDING_REVIEW:
        return ctx.say("You passed with {score}/{total}! Your certificate is under review; "
                       "we will message you soon.", **score)
    if cert.status == CertStatus.PENDING_AUDIT:
        return ctx.say("You passed with {score}/{total}! A field officer will confirm "
                       "certificate {id} on the next visit.", id=cert.public_id, **score)
    waiting = certification.credits_waiting(ctx.session, cert)  # the budget cap's review
    return ctx.say(PASSED_WAITING if waiting else PASSED, n=waiting or cert.credits,
                   id=cert.public_id, media_url=media.certificate_url(cert.public_id), **score)


PASSED = NP_("You passed with {score}/{total}! {n} credit added. Your certificate: {id}",
             "You passed with {score}/{total}! {n} credits added. Your certificate: {id}")
PASSED_WAITING = NP_(
    "You passed with {score}/{total}! {n} credit is waiting for approval. Your certificate: "
    "{id}",
    "You passed with {score}/{total}! {n} credits are waiting for approval. Your "
    "certificate: {id}")


FLOW = engine.register(Flow(
    name=FlowName.LEARN, states_enum=S, start=S.TRACKS, triggers=("LEARN", "SEEKHO"),
    states={
        S.TRACKS: State(choose, tracks_prompt, goes=(
            (S.MODULE, "a track with unread modules"), (S.QUIZ, "every module read"),
            (END, "certified already, quiz closed, no tracks"))),
        S.MODULE: State(read_on, module_prompt, goes=(
            (S.MODULE, "NEXT, the next part or module"), (S.QUIZ, "last part read"),
            (END, "quiz not open yet"))),
        S.QUIZ: State(answer, quiz_prompt, goes=(
            (S.QUIZ, "an answer, the next question"), (END, "score, certificate or retry time"))),
    },
    menu=MENU,
))
