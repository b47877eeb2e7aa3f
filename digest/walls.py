"""What a page shows instead of its story: a paywall, a consent wall or a bot check, known by
the phrases such walls use, in the languages of the feeds this tool reads."""

from __future__ import annotations

import re
import unicodedata

from digest.plaintext import columns

# A wall says what it wants in a few lines. A text longer than this is a story, even when a
# subscription box or a cookie line came along with it (a teaser this long carries the news).
WALL_MAX_COLUMNS = 2000

# Folded as `_fold` folds: lower case, one kind of apostrophe, single spaces.
PAYWALL = (
    # English
    "subscribe to continue reading", "subscribe to read", "subscribe now to continue",
    "to continue reading, subscribe", "to read the full article", "to read the full story",
    "to read this article", "this article is for subscribers", "this content is for subscribers",
    "for subscribers only", "subscribers only", "exclusive to subscribers", "already a subscriber",
    "you have reached your limit", "you've reached your limit", "free articles this month",
    "free article limit", "create a free account to continue", "sign in to continue reading",
    "log in to continue reading", "register to continue reading", "unlock this article",
    "become a member to read", "this story is available exclusively",
    # German
    "jetzt abonnieren und weiterlesen", "um weiterzulesen", "nur für abonnenten",
    "exklusiv für abonnenten", "dieser artikel ist nur", "sie haben bereits ein abo",
    "weiterlesen mit", "zum weiterlesen",
    # French
    "réservé aux abonnés", "pour lire la suite", "abonnez-vous pour lire", "déjà abonné",
    "de cet article à lire", "article réservé",
    # Spanish, Portuguese, Italian
    "exclusivo para suscriptores", "para seguir leyendo", "suscríbete para seguir leyendo",
    "contenido exclusivo para", "ya eres suscriptor", "exclusivo para assinantes",
    "conteúdo exclusivo para assinantes", "para continuar lendo", "para continuar a ler",
    "já é assinante", "riservato agli abbonati", "per continuare a leggere", "sei già abbonato",
    # Dutch, Russian, Turkish
    "alleen voor abonnees", "lees verder met", "доступен только подписчикам",
    "чтобы продолжить чтение", "оформите подписку", "sadece abonelere",
    # Chinese, Japanese, Korean
    "订阅后阅读全文", "订阅后可阅读", "登录后阅读全文", "登录后查看全文", "阅读全文请",
    "付费内容", "付费阅读", "开通会员", "本文为付费", "訂閱後閱讀", "付費內容", "登入後閱讀",
    "会員限定", "有料会員", "続きを読むには", "この記事は有料", "ログインして続きを読む",
    "유료 회원", "로그인 후 이용", "구독 후 이용",
)  # fmt: skip
CONSENT = (
    "we value your privacy", "before you continue to", "manage your cookie", "cookie preferences",
    "accept all cookies", "consent to the use of cookies", "we and our partners use cookies",
    "we use cookies and similar technologies", "your privacy choices",
    # The buttons of a consent dialog, named in its text: rare words for a story to use.
    "we use cookies", "this site uses cookies", "this website uses cookies",
    "select reject all", "reject all or accept all", "accept all or reject all",
    "tout refuser", "alle ablehnen", "rechazar todo", "rifiuta tutto",
    "wir verwenden cookies", "zustimmung zu cookies", "nous utilisons des cookies",
    "utilizamos cookies", "utilizziamo i cookie", "wij gebruiken cookies",
    "我们使用cookie", "本网站使用cookie", "クッキーを使用",
)  # fmt: skip
BOT_CHECK = (
    "checking your browser", "verify you are human", "verify you are a human",
    "are you a robot", "are you a human", "enable javascript and cookies to continue",
    "please enable javascript", "javascript is disabled", "access denied",
    "access to this page has been denied",
    "unusual traffic from your computer", "press & hold", "press and hold", "just a moment...",
    "attention required", "request unsuccessful", "ddos protection by",
    "bitte aktivieren sie javascript", "veuillez activer javascript",
    "请开启javascript", "请启用javascript", "访问被拒绝", "人机验证", "安全验证",
)  # fmt: skip

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u00a0": " "})
_SPACES = re.compile(r"\s+")


def _fold(text: str) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).casefold())


_PHRASES = tuple(_fold(phrase) for phrase in (*PAYWALL, *CONSENT, *BOT_CHECK))


def wall_phrase(text: str) -> str | None:
    """The wall's phrase, when the text reads as a paywall, consent wall or bot check."""
    if columns(text[:WALL_MAX_COLUMNS]) >= WALL_MAX_COLUMNS:
        return None
    folded = _fold(text)
    return next((phrase for phrase in _PHRASES if phrase in folded), None)
