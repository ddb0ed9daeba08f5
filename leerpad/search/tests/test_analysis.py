from __future__ import annotations

import pytest

from leerpad.search.analysis import Vocabulary, analyze, fold, stems


def test_fold_removes_accents_and_case() -> None:
    assert fold("Réclamation à l'Accueil") == "reclamation a l'accueil"
    assert fold("Ça") == "ca"


def test_dutch_words_and_their_inflections_share_a_stem() -> None:
    assert stems("behandelen", "nl") == stems("behandeling", "nl")
    assert stems("klachten", "nl") == stems("klacht", "nl")


@pytest.mark.parametrize(
    ("compound", "parts"),
    [
        ("klachtenbehandeling", ("klachten", "behandeling")),
        ("brandveiligheid", ("brand", "veiligheid")),
        ("veiligheidsschoenen", ("veiligheid", "schoenen")),
        ("tuinmeubelen", ("tuin", "meubelen")),
        ("kassaprocedure", ("kassa", "procedure")),
    ],
)
def test_dutch_compounds_split_into_known_words(compound: str, parts: tuple[str, ...]) -> None:
    assert Vocabulary().split(compound) == parts


@pytest.mark.parametrize("word", ["onderwijs", "verantwoordelijkheid", "kassa", "medewerkers"])
def test_ordinary_words_are_not_split(word: str) -> None:
    assert Vocabulary().split(word) == ()


def test_the_content_teaches_the_vocabulary_new_words() -> None:
    vocabulary = Vocabulary()
    assert vocabulary.split("tuinkwibbelaar") == ()  # "kwibbelaar" is no Dutch word
    vocabulary.add(["kwibbelaar"])
    assert vocabulary.split("tuinkwibbelaar") == ("tuin", "kwibbelaar")


def test_compound_parts_share_the_position_of_the_whole_word() -> None:
    tokens = analyze("De klachtenbehandeling aan de kassa", "nl")
    positions = {t.text: t.position for t in tokens}
    assert positions["klacht"] == positions["behandel"] == positions["klachtenbehandel"]
    assert positions["kassa"] == positions["klacht"] + 1
    whole = next(t for t in tokens if t.text == "klachtenbehandel")
    assert "De klachtenbehandeling aan de kassa"[whole.start : whole.end] == "klachtenbehandeling"


def test_query_with_separate_words_meets_the_compound() -> None:
    query = {alt for word in stems("klachten behandelen", "nl") for alt in word}
    indexed = {t.text for t in analyze("Klachtenbehandeling", "nl")}
    assert {"klacht", "behandel"} <= query & indexed


def test_french_elisions_and_stop_words_go() -> None:
    assert stems("l'accueil des clients", "fr") == [["accueil"], ["client"]]


def test_english_stems() -> None:
    assert stems("Handling complaints", "en") == [["handl"], ["complaint"]]
