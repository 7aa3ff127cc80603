"""Report texts in Japanese (default) and English: data in messages.yaml, looked up here.

Every key has both languages; loading fails with one clear line when one is missing, so a
report can never mix languages or show a raw key.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from gcbase.errors import GcbaseError
from gcbase.yamlio import load_yaml

LANGS: tuple[str, ...] = ("ja", "en")
DEFAULT_LANG = "ja"
MESSAGES_FILE = Path(__file__).with_name("messages.yaml")


@lru_cache(maxsize=None)
def _messages() -> dict[str, dict[str, str]]:
    data = load_yaml(MESSAGES_FILE, "report messages file")
    if not isinstance(data, dict):
        raise GcbaseError.one(str(MESSAGES_FILE), "", "expected a mapping of message keys")
    for key, texts in data.items():
        if not isinstance(texts, dict) or any(not isinstance(texts.get(lang), str) for lang in LANGS):
            raise GcbaseError.one(str(MESSAGES_FILE), str(key), f"needs a text for each of {', '.join(LANGS)}")
    return data


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise GcbaseError.one("--lang", "", f"{lang!r} is not a report language; allowed: {', '.join(LANGS)}")
    return lang


class Texts:
    """Messages of one language: `t("summary.title")`, `t("count", n=3)` fills {n}."""

    def __init__(self, lang: str = DEFAULT_LANG):
        self.lang = check_lang(lang)
        self._all = _messages()

    def __call__(self, key: str, **values: Any) -> str:
        try:
            text = self._all[key][self.lang]
        except KeyError:
            raise KeyError(f"report message {key!r} is not in {MESSAGES_FILE.name}") from None
        return text.format(**values) if values else text

    def get(self, key: str, fallback: str) -> str:
        """The text of key, or fallback when the key does not exist (a category letter we have no title for)."""
        texts = self._all.get(key)
        return texts[self.lang] if texts else fallback

    def pick(self, texts: Mapping[str, str] | str | None, fallback: str = "") -> str:
        """A {ja, en} mapping from the catalogue in this language (the other one if missing)."""
        return self.pick_lang(texts, fallback)[0]

    def pick_lang(self, texts: Mapping[str, str] | str | None, fallback: str = "") -> tuple[str, str]:
        """(text, the language it is in): this language's text, else another language's, which the
        caller marks as untranslated (untranslated_label). A plain string counts as this language."""
        if texts is None or isinstance(texts, str):
            return (fallback if texts is None else texts), self.lang
        if texts.get(self.lang):
            return texts[self.lang], self.lang
        for lang, text in texts.items():
            if text and lang in LANGS:
                return text, lang
        return fallback, self.lang

    def untranslated_label(self, lang: str) -> str:
        """The label beside a text shown in another language than the report's ('英語のみ'), or ''."""
        return "" if lang == self.lang else self(f"untranslated.{lang}")
