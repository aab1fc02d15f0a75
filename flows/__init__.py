"""Dialogues. Importing this package registers every flow with the engine."""

from flows import language, menu  # noqa: F401
