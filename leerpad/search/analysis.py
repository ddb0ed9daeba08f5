"""Text analysis for search: the same steps for what is indexed and what is asked.

Per language: words are cut out with their character offsets (for highlighting), lower
cased, accents folded ("réclamation" = "reclamation"), French elisions dropped ("l'accueil"
is "accueil"), stop words skipped, and each word stemmed with the Snowball stemmer of
that language ("behandelen" and "behandeling" both become "behandel").

Dutch writes compounds as one word, so "klachtenbehandeling" must also be found by
"klachten behandelen" and the other way round. A long Dutch word is split into parts
that are words themselves (with the linking "s" or "e(n)" between them), found in a
vocabulary of common Dutch words (wordfreq) plus every word of the indexed content; the
parts are emitted at the same position as the whole word, so phrases still line up.

Analysis runs in Python, not inside the index, so indexing, query building, highlighting
and the tests all use this one module.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import Stemmer  # type: ignore[import-not-found]  # PyStemmer ships no type hints

LANGUAGES = ("nl", "fr", "en")
_STEMMER_NAMES = {"nl": "dutch", "fr": "french", "en": "english"}

# Words, including digits and inner hyphens/apostrophes handled below.
_WORD = re.compile(r"\w+", re.UNICODE)

# Short lists on purpose: only words that carry no meaning for finding content.
STOP_WORDS: dict[str, frozenset[str]] = {
    "nl": frozenset(
        """
        aan al als bij dan dat de deze die dit door een en er had heb hebben hebt heeft het
        hij hoe hun ik in is je jouw kan kunnen maar met mijn moet moeten naar niet nog of
        om onze ook op over te tot u uit uw van voor waar was wat we wel wie worden wordt
        zal ze zij zijn zo zullen
        """.split()
    ),
    "fr": frozenset(
        """
        a au aux avec ce ces cet cette comme d dans de des dont du elle elles en est et il
        ils je jusqu l la le les leur leurs lorsqu ma mais mes mon ne notre nous on ou où
        par pas plus pour puisqu qu que qui quoi sa se ses si son sont sur ta tes ton tu un
        une votre vous y à être
        """.split()
    ),
    "en": frozenset(
        """
        a about an and are as at be been being by can could did do does for from he her his
        how i in into is it its me my no not of on or our she should that the their these
        they this those to was we were what when where which who why will with would you
        your
        """.split()
    ),
}

# A compound is only split when it is at least this long, into parts of at least
# MIN_PART letters: shorter parts ("al", "te") would split ordinary words at random.
MIN_COMPOUND = 8
MIN_PART = 4
_LINKS = ("", "s", "en", "e")
# Prefixes and suffixes that are words on their own but do not make a compound part:
# "onderwijs" is not "onder" + "wijs", "verantwoordelijkheid" not "... + heid".
_NOT_HEADS = frozenset(
    "onder over voor door mede samen tegen achter boven binnen buiten rond terug verder".split()
)
_NOT_TAILS = frozenset("heid heden lijk lijke schap baar loos zaam achtig ingen".split())


@dataclass(frozen=True, slots=True)
class Token:
    text: str  # the indexed form (folded, stemmed)
    start: int  # character offsets in the original text
    end: int
    position: int
    surface: str  # the folded word as written, before stemming


def fold(text: str) -> str:
    """Lower case without accents: "Réclamation" → "reclamation"."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# The lists are written as people spell; words are compared after folding ("où" is "ou").
STOP_WORDS = {language: frozenset(fold(w) for w in ws) for language, ws in STOP_WORDS.items()}


@functools.cache
def _stemmer(language: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(_STEMMER_NAMES[language])


@functools.lru_cache(maxsize=200_000)
def stem(word: str, language: str) -> str:
    return str(_stemmer(language).stemWord(word))


class Vocabulary:
    """Known Dutch words, for splitting compounds: common words plus the content's own."""

    def __init__(self, words: Iterable[str] = ()) -> None:
        self.words: set[str] = set(_common_dutch_words())
        self.add(words)
        self._cache: dict[str, tuple[str, ...]] = {}

    def add(self, words: Iterable[str]) -> None:
        added = {w for w in words if len(w) >= MIN_PART and w.isalpha()}
        if added - self.words:
            self.words |= added
            self._cache = {}

    def split(self, word: str) -> tuple[str, ...]:
        """The parts of a Dutch compound, or () when `word` is not one."""
        if len(word) < MIN_COMPOUND or not word.isalpha():
            return ()
        cached = self._cache.get(word)
        if cached is None:
            cached = self._cache[word] = self._split(word, depth=0) or ()
        return cached

    def _split(self, word: str, depth: int) -> tuple[str, ...] | None:
        # The longest known head wins, so "veiligheidsschoenen" becomes
        # "veiligheid" + "schoenen" and not "veilig" + "heidsschoenen".
        best: tuple[str, ...] | None = None
        for cut in range(len(word) - MIN_PART, MIN_PART - 1, -1):
            head = word[:cut]
            if head not in self.words or head in _NOT_HEADS:
                continue
            for link in _LINKS:
                if not word.startswith(link, cut):
                    continue
                tail = word[cut + len(link) :]
                if len(tail) < MIN_PART:
                    continue
                if tail in _NOT_TAILS:
                    continue
                if tail in self.words:
                    found: tuple[str, ...] | None = (head, tail)
                elif depth < 1 and len(tail) >= MIN_COMPOUND:
                    rest = self._split(tail, depth + 1)
                    found = (head, *rest) if rest else None
                else:
                    found = None
                if found and head.endswith("s") and head[:-1] in self.words:
                    # "veiligheids" + "schoenen": the linking s is not part of the word.
                    found = (head[:-1], *found[1:])
                if found and (best is None or len(found) < len(best)):
                    best = found
            if best is not None and len(best) == 2:
                return best
        return best


@functools.cache
def _common_dutch_words() -> frozenset[str]:
    from wordfreq import top_n_list

    # The most frequent Dutch words cover the everyday parts of compounds; rarer words
    # come from the indexed content itself.
    return frozenset(
        fold(w) for w in top_n_list("nl", 60_000) if len(w) >= MIN_PART and w.isalpha()
    )


@functools.cache
def default_vocabulary() -> Vocabulary:
    return Vocabulary()


@functools.lru_cache(maxsize=500_000)
def _fold_word(word: str) -> str:
    return fold(word)


def words(text: str, language: str) -> Iterator[tuple[str, int, int]]:
    """The words of `text` folded, with their offsets; elisions and stop words dropped."""
    stop = STOP_WORDS[language]
    for match in _WORD.finditer(text):
        word, start = match.group(), match.start()
        # \w+ cuts "l'accueil" at the apostrophe; the elided "l" goes as a one-letter word.
        folded = _fold_word(word)
        if folded in stop or (len(folded) == 1 and not folded.isdigit()):
            continue
        yield folded, start, match.end()


def analyze(text: str, language: str, vocabulary: Vocabulary | None = None) -> list[Token]:
    """The tokens to index (or to search for) in `text`, written in `language`."""
    tokens: list[Token] = []
    append = tokens.append
    # Plain dict caches: indexing analyses millions of words, most of them seen before.
    stem_of = _STEMS[language]
    stemmer = _stemmer(language)
    split = (vocabulary or default_vocabulary()).split if language == "nl" else None
    stop = STOP_WORDS[language]
    position = 0
    for match in _WORD.finditer(text):
        word = match.group()
        folded = _FOLDED.get(word)
        if folded is None:
            folded = fold(word)
            if len(_FOLDED) < 1_000_000:  # bounded: a long-running process meets many words
                _FOLDED[word] = folded
        if folded in stop or (len(folded) == 1 and not folded.isdigit()):
            continue
        start, end = match.span()
        stemmed = stem_of.get(folded)
        if stemmed is None:
            stemmed = stem_of[folded] = stemmer.stemWord(folded)
        append(Token(stemmed, start, end, position, folded))
        if split is not None and len(folded) >= MIN_COMPOUND:
            for part in split(folded):
                part_stem = stem_of.get(part)
                if part_stem is None:
                    part_stem = stem_of[part] = stemmer.stemWord(part)
                append(Token(part_stem, start, end, position, part))
        position += 1
    return tokens


_STEMS: dict[str, dict[str, str]] = {language: {} for language in LANGUAGES}
_FOLDED: dict[str, str] = {}


def stems(text: str, language: str, vocabulary: Vocabulary | None = None) -> list[list[str]]:
    """Per word of `text`, the stems that stand for it (the word's, then its parts')."""
    out: list[list[str]] = []
    for token in analyze(text, language, vocabulary):
        if out and len(out) - 1 == token.position:
            if token.text not in out[-1]:
                out[-1].append(token.text)
        else:
            out.append([token.text])
    return out
