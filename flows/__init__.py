"""Dialogues. Importing this package registers every flow with the engine and checks that
every flow a table leads to exists."""

from flows import (  # noqa: F401
    audit,
    bulk_enroll,
    choose_program,
    engine,
    enroll,
    invite,
    invoice,
    language,
    leaderboard,
    learn,
    menu,
    my_data,
    notice,
    redeem,
    scan,
    support,
    understand,
    voice,
    voucher_check,
    wallet,
)

engine.check()
