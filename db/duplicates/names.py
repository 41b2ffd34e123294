"""Names as a person would compare them: the transliterations of the same name
(Muhammad, Mohammad, Mohammed, Mohd), honorifics that are not part of a name (Dr.,
Engr., Haji), and Urdu script beside Latin ("محمد علی" and "Mohd Ali" are one name).

Two forms come out of a name: its canonical tokens (the usual Latin spelling of each
part, for scoring how alike two names are), and its skeleton (the consonants it is
written with, Urdu letters read as Latin ones), which is the same for both scripts and
for most spellings of a name, and so serves as the key that puts two records side by
side.
"""

from __future__ import annotations

import re
import unicodedata

# Spellings of the same name part, by the spelling kept.
VARIANTS = {
    "muhammad": (
        "mohammad", "mohammed", "muhammed", "mohamed", "mohamad", "muhamad", "mohd", "muhd",
        "md", "mohammod", "mahomed",
    ),
    "chaudhry": ("chaudhary", "chaudhri", "choudhry", "choudhary", "chowdhury", "ch"),
    "syed": ("sayed", "sayyid", "sayyed", "syyed", "sayyad"),
    "abdul": ("abdal", "abdel", "abdool"),
    "hussain": ("husain", "hussein", "husein", "hossain", "hussan"),
    "ahmed": ("ahmad", "ahmet"),
    "rehman": ("rahman", "rehmaan"),
    "qureshi": ("qureishi", "kureshi", "quraishi"),
    "sheikh": ("shaikh", "shaykh", "sheik"),
}  # fmt: skip
CANONICAL = {spelling: kept for kept, spellings in VARIANTS.items() for spelling in spellings}
# Words before a name that are not part of it.
HONORIFICS = frozenset(
    (
        "dr",
        "doctor",
        "engr",
        "eng",
        "prof",
        "professor",
        "haji",
        "hajji",
        "hajj",
        "mr",
        "mrs",
        "ms",
        "miss",
        "mister",
        "sir",
        "madam",
        "begum",
        "sahib",
        "sb",
        "janab",
        "mian",
        "hafiz",
        "col",
        "brig",
        "gen",
        "maj",
        "capt",
        "justice",
        "barrister",
        "adv",
    )
)
# Urdu and Arabic letters as the Latin letters that spell the same sound.
URDU_LETTERS = {
    "ا": "a", "آ": "a", "أ": "a", "إ": "i", "ٱ": "a", "ب": "b", "پ": "p", "ت": "t",
    "ٹ": "t", "ث": "s", "ج": "j", "چ": "ch", "ح": "h", "خ": "kh", "د": "d", "ڈ": "d",
    "ذ": "z", "ر": "r", "ڑ": "r", "ز": "z", "ژ": "zh", "س": "s", "ش": "sh", "ص": "s",
    "ض": "z", "ط": "t", "ظ": "z", "ع": "", "غ": "gh", "ف": "f", "ق": "q", "ک": "k",
    "ك": "k", "گ": "g", "ل": "l", "م": "m", "ن": "n", "ں": "n", "و": "w", "ؤ": "w",
    "ہ": "h", "ھ": "h", "ه": "h", "ۃ": "h", "ة": "h", "ۂ": "h", "ی": "y", "ي": "y",
    "ى": "y", "ے": "y", "ۓ": "y", "ئ": "y", "ء": "",
}  # fmt: skip
_NOT_LETTERS = re.compile(r"[^\w\s]|[\d_]")
_SKELETON_DROPS = str.maketrans("", "", "aeiouywh")
_DOUBLED = re.compile(r"(.)\1+")


def is_urdu(text: str) -> bool:
    """True when the text's letters are Urdu (Arabic) script."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all("\u0600" <= c <= "\u06ff" or "\u0750" <= c <= "\u077f"
                                 for c in letters)  # fmt: skip


def latin_letters(text: str) -> str:
    """Urdu letters spelled in Latin ones (vowel marks dropped); Latin text as it is."""
    return "".join(URDU_LETTERS.get(c, c) for c in text if not unicodedata.combining(c))


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def name_tokens(text: str) -> list[str]:
    """The parts of a name in their usual Latin spelling, honorifics left out:
    "Dr. Mohd. Hussein" -> ["muhammad", "hussain"]. Urdu script is spelled in Latin
    letters first, so its tokens are only as good as a consonant spelling."""
    text = latin_letters(_plain(text))
    words = _NOT_LETTERS.sub(" ", text).split()
    tokens = [CANONICAL.get(word, word) for word in words]
    kept = [token for token in tokens if token not in HONORIFICS]
    return kept or tokens


def skeleton(token: str) -> str:
    """The consonants a name part is written with, so that spellings and scripts meet:
    "muhammad" and "محمد" -> "mmd" -> "md"; "chaudhry" and "چوہدری" -> "cdr"."""
    consonants = latin_letters(token).translate(_SKELETON_DROPS)
    return _DOUBLED.sub(r"\1", consonants)


def name_skeleton(text: str) -> str:
    """The skeleton of a whole name, its parts sorted (so "Ali Muhammad" and "Muhammad
    Ali" meet), or "" for a name with no consonants to go on."""
    parts = sorted(filter(None, (skeleton(token) for token in name_tokens(text))))
    return " ".join(parts)


def canonical_name(text: str) -> str:
    """The name as compared for likeness: canonical tokens in their order."""
    return " ".join(name_tokens(text))
