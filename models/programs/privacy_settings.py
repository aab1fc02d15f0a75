"""The `privacy:` section of a program file: the notice partners consent to, and retention.

    privacy:
      notice_version: 2                # raise it when the notice changes: members are asked
                                       # again at their next message
      grievance: "privacy@shakti.example, 1800 200 3000"
      summary: {en: "...", hi: "..."}  # the notice's short form, every language, at most 80
                                       # characters: shown on SMS and USSD, and atop the public
                                       # page /privacy/<CODE>/<lang> WhatsApp links to
      retention:
        message_days: 180              # message bodies (inbox and outbox)
        photo_days: 365                # invoice photos, counted from the end of the return window
        token_days: 1                  # one-time codes and export links, after they end
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from models.programs.labels import Label

SUMMARY_CHARS = 80  # + the question and two options: two SMS segments and one USSD screen
# The summary of a program that writes none, in every language partners choose (each within
# SUMMARY_CHARS): a Tamil partner's consent question carried it in English.
DEFAULT_SUMMARY = {
    "en": "The brand and your distributor see your name, shop and invoices.",
    "hi": "ब्रांड और आपका वितरक आपका नाम, दुकान और बिल देखते हैं।",
    "mr": "ब्रँड व तुमचा वितरक तुमचे नाव, दुकान व बिले पाहतात.",
    "gu": "બ્રાન્ડ અને તમારા વિતરક તમારું નામ, દુકાન અને બિલ જુએ છે.",
    "ta": "பிராண்ட், உங்கள் விநியோகஸ்தர் உங்கள் பெயர், கடை, பில்களைப் பார்ப்பர்.",
    "te": "బ్రాండ్, మీ పంపిణీదారు మీ పేరు, షాపు, బిల్లులు చూస్తారు.",
    "kn": "ಬ್ರ್ಯಾಂಡ್, ನಿಮ್ಮ ವಿತರಕರು ನಿಮ್ಮ ಹೆಸರು, ಅಂಗಡಿ, ಬಿಲ್‌ಗಳನ್ನು ನೋಡುತ್ತಾರೆ.",
    "bn": "ব্র্যান্ড ও আপনার পরিবেশক আপনার নাম, দোকান ও বিল দেখে।",
    "pa": "ਬ੍ਰਾਂਡ ਤੇ ਤੁਹਾਡਾ ਵਿਤਰਕ ਤੁਹਾਡਾ ਨਾਮ, ਦੁਕਾਨ ਤੇ ਬਿੱਲ ਵੇਖਦੇ ਹਨ।",
    "ml": "ബ്രാൻഡും നിങ്ങളുടെ വിതരണക്കാരനും നിങ്ങളുടെ പേര്, കട, ബില്ലുകൾ കാണും.",
    "or": "ବ୍ରାଣ୍ଡ ଓ ଆପଣଙ୍କ ବିତରକ ଆପଣଙ୍କ ନାମ, ଦୋକାନ, ବିଲ୍ ଦେଖନ୍ତି।",
    "as": "ব্ৰেণ্ড আৰু আপোনাৰ বিতৰকে আপোনাৰ নাম, দোকান, বিল চায়।",
}


class Retention(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    message_days: int = Field(default=180, ge=1)
    photo_days: int = Field(default=365, ge=1)
    token_days: int = Field(default=1, ge=1)


class PrivacySettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    notice_version: int = Field(default=1, ge=1)
    grievance: str = ""
    summary: Label = Field(default_factory=lambda: dict(DEFAULT_SUMMARY))
    retention: Retention = Field(default_factory=Retention)

    @field_validator("summary")
    @classmethod
    def _short(cls, value: dict[str, str]) -> dict[str, str]:
        long = sorted(lang for lang, text in value.items() if len(text) > SUMMARY_CHARS)
        if long:
            raise ValueError(f"the summary is over {SUMMARY_CHARS} characters in {long}")
        return value
