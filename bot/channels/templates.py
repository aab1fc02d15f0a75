"""WhatsApp templates approved per language: which Content SID a template has in a language
(WHATSAPP_TEMPLATES). Light on purpose: the notices ask it while composing, without loading
any provider's client."""

from __future__ import annotations


class MissingTemplate(LookupError):
    """No approved WhatsApp template of that name in that language (WHATSAPP_TEMPLATES)."""


def template_sid(config: dict, name: str, language: str) -> str:
    """The Content SID of template `name` in `language`: a per-language mapping must name
    the language (a campaign's preview lists the gaps); a plain SID serves every language."""
    found = config["WHATSAPP_TEMPLATES"].get(name)
    if isinstance(found, dict):
        found = found.get(language)
    if not found:
        raise MissingTemplate(f"no WhatsApp template {name!r} for language {language!r}")
    return found
