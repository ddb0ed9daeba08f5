"""The scoring rules, on features built by hand (no database)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable
from dataclasses import replace

import pytest
from django.utils import translation

from leerpad.recommend import recommender as r
from leerpad.recommend.recommender import Candidate, Community, Gap, Key, Profile, Took, Weights

NOW = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)
OLD = NOW - dt.timedelta(days=300)


@pytest.fixture(autouse=True)
def _english() -> Iterable[None]:
    with translation.override("en"):
        yield


def cand(
    pk: int,
    title: str = "",
    *,
    skills: Iterable[int] = (),
    tags: Iterable[str] = (),
    kind: str = "article",
    published_at: dt.datetime = OLD,
    roles: Iterable[int] = (),
    locations: Iterable[int] = (),
    words: str = "",
    target: str = "item",
    levels: dict[int, int] | None = None,
) -> Candidate:
    text = {}
    if words:
        text = {"en": r.tfidf({(target, pk): words.split()})[(target, pk)]}
    return Candidate(
        key=(target, pk),
        kind=kind,
        title=title or f"Item {pk}",
        skills=frozenset(skills),
        skill_levels=levels or {},
        tags=frozenset(tags),
        text=text,
        published_at=published_at,
        roles=frozenset(roles),
        locations=frozenset(locations),
    )


def catalogue(*candidates: Candidate) -> dict[Key, Candidate]:
    return {c.key: c for c in candidates}


def took(pk: int, days_ago: float, how: str = "completed") -> Took:
    return Took(("item", pk), NOW - dt.timedelta(days=days_ago), how)  # type: ignore[arg-type]


def rank(
    profile: Profile,
    features: dict[Key, Candidate],
    community: Community | None = None,
    weights: Weights = r.DEFAULT_WEIGHTS,
) -> list[r.Scored]:
    return r.score(profile, features, set(features), community or Community(), NOW, weights)


def by_key(scored: list[r.Scored]) -> dict[Key, r.Scored]:
    return {s.key: s for s in scored}


def codes(s: r.Scored) -> list[str]:
    return [reason.code for reason in s.reasons]


# --- role and gap fit -------------------------------------------------------------------


def test_gap_fit_names_the_missing_skill_of_the_role() -> None:
    conflict, safety = 1, 2
    features = catalogue(cand(10, skills=[conflict]), cand(11, skills=[safety]))
    profile = Profile(person_id=1, role_id=7, gaps=[Gap(conflict, "Conflict handling", 3, 1, True)])
    found = by_key(rank(profile, features))
    reason = found[("item", 10)].reason
    assert reason is not None and reason.text == "Because your role needs Conflict handling"
    assert "level 3" in reason.detail and "your level is 1" in reason.detail
    assert ("item", 11) not in found  # no reason at all: not suggested


def test_gap_fit_skips_a_path_that_shows_no_more_than_the_person_has() -> None:
    skill = 1
    features = catalogue(
        cand(1, target="path", skills=[skill], levels={skill: 2}),
        cand(2, target="path", skills=[skill], levels={skill: 3}),
    )
    profile = Profile(person_id=1, gaps=[Gap(skill, "Coaching", 3, 2, True)])
    found = by_key(rank(profile, features))
    assert ("path", 1) not in found
    assert codes(found[("path", 2)]) == ["gap"]


def test_essential_gaps_and_bigger_gaps_rank_first() -> None:
    features = catalogue(cand(1, skills=[1]), cand(2, skills=[2]), cand(3, skills=[3]))
    profile = Profile(
        person_id=1,
        gaps=[
            Gap(1, "Nice to have", 3, 2, False),
            Gap(2, "Small gap", 3, 2, True),
            Gap(3, "Big gap", 4, 0, True),
        ],
    )
    order = [s.key for s in rank(profile, features)]
    assert order == [("item", 3), ("item", 2), ("item", 1)]


def test_an_item_not_in_the_readers_language_sinks_but_stays() -> None:
    skill = 1
    french, dutch = (
        replace(cand(1, skills=[skill]), languages=frozenset({"fr"})),
        replace(cand(2, skills=[skill]), languages=frozenset({"nl", "fr"})),
    )
    gaps = [Gap(skill, "Conflict handling", 3, 1, True)]
    found = by_key(rank(Profile(person_id=1, language="nl", gaps=gaps), catalogue(french, dutch)))
    assert found[("item", 1)].score == pytest.approx(
        found[("item", 2)].score * r.DEFAULT_WEIGHTS.other_language
    )
    # A reader of French sees both alike; an unknown language costs nothing.
    alike = rank(Profile(person_id=1, language="fr", gaps=gaps), catalogue(french, dutch))
    assert alike[0].score == alike[1].score
    unknown = rank(Profile(person_id=1, gaps=gaps), catalogue(french, dutch))
    assert unknown[0].score == unknown[1].score


# --- behaviour --------------------------------------------------------------------------


def test_transitions_follow_time_order_within_a_person() -> None:
    a, b, c = ("item", 1), ("item", 2), ("item", 3)
    next_after, support = r.count_transitions([[a, b], [a, b, c], [b, a]], window=1)
    assert next_after[a][b] == 2
    assert next_after[b][a] == 1
    assert next_after[b][c] == 1
    assert c not in next_after.get(a, {})  # two steps later, outside a window of one
    assert support == {a: 3, b: 3, c: 1}
    wider, _support = r.count_transitions([[a, b, c]], window=3)
    assert wider[a][c] == 1


def test_behaviour_says_what_it_is_often_taken_after_with_the_count() -> None:
    welcome = cand(1, "Welcome to the branch")
    features = catalogue(welcome, cand(2, "Till basics"), cand(3, "Something else"))
    profile = Profile(person_id=1, history=[took(1, 5)])
    community = Community(
        next_after={welcome.key: {("item", 2): 8, ("item", 3): 1}},
        support={welcome.key: 10},
        k=5,
    )
    found = by_key(rank(profile, features, community))
    reason = found[("item", 2)].reason
    assert reason is not None
    assert reason.text == "Often taken after Welcome to the branch (8 colleagues)"
    # One colleague's habit is not a pattern: no reason, so not suggested.
    assert ("item", 3) not in found


def test_behaviour_hides_counts_below_k() -> None:
    welcome = cand(1, "Welcome to the branch")
    features = catalogue(welcome, cand(2, "Till basics"))
    community = Community(next_after={welcome.key: {("item", 2): 3}}, support={welcome.key: 3}, k=5)
    reason = rank(Profile(person_id=1, history=[took(1, 5)]), features, community)[0].reason
    assert reason is not None and reason.text == "Often taken after Welcome to the branch"
    assert "3" not in reason.text


def test_behaviour_weighs_the_latest_thing_most() -> None:
    features = catalogue(cand(1, "Old"), cand(2, "Recent"), cand(3), cand(4))
    community = Community(
        next_after={("item", 1): {("item", 3): 5}, ("item", 2): {("item", 4): 5}},
        support={("item", 1): 5, ("item", 2): 5},
    )
    profile = Profile(person_id=1, history=[took(1, 30), took(2, 1)])
    order = [s.key for s in rank(profile, features, community)]
    assert order == [("item", 4), ("item", 3)]


# --- colleagues -------------------------------------------------------------------------


def test_colleagues_at_the_location_with_the_count_from_k() -> None:
    features = catalogue(cand(1), cand(2), cand(3))
    profile = Profile(person_id=1, location_id=4, location_name="Gent")
    community = Community(local={("item", 1): 12, ("item", 2): 4}, role={("item", 3): 6}, k=5)
    found = by_key(rank(profile, features, community))
    first = found[("item", 1)].reason
    assert first is not None and first.text == "12 colleagues in Gent completed this"
    assert ("item", 2) not in found  # 4 < k: neither shown nor counted
    role = found[("item", 3)].reason
    assert role is not None and role.text == "6 colleagues in your role completed this"


def test_popular_with_colleagues_lists_only_counts_of_at_least_k() -> None:
    features = catalogue(cand(1), cand(2), cand(3))
    profile = Profile(person_id=1, location_id=4, location_name="Gent")
    community = Community(local={("item", 1): 5, ("item", 2): 9, ("item", 3): 4}, k=5)
    found = r.popular_with_colleagues(profile, features, set(features), community)
    assert [key for key, _reason in found] == [("item", 2), ("item", 1)]
    assert found[0][1].text == "9 colleagues in Gent completed this"
    assert (
        r.popular_with_colleagues(profile, features, set(features), replace(community, k=10)) == []
    )


def test_overall_popularity_only_breaks_ties_below_k() -> None:
    features = catalogue(cand(1, skills=[1]), cand(2, skills=[1]))
    profile = Profile(person_id=1, gaps=[Gap(1, "Safety", 2, 0, True)])
    community = Community(overall={("item", 2): 3}, k=5)
    ranked = rank(profile, features, community)
    assert [s.key for s in ranked] == [("item", 2), ("item", 1)]
    assert all("colleagues" not in reason.text for s in ranked for reason in s.reasons)


# --- content similarity -----------------------------------------------------------------


def test_similar_to_what_the_person_completed_with_shared_skills() -> None:
    done = cand(1, "Customer greetings", skills=[1, 2], words="greet customer smile")
    like = cand(2, skills=[1, 2, 3], words="greet customer door")
    unlike = cand(3, skills=[9], words="forklift battery charge")
    profile = Profile(person_id=1, history=[took(1, 3)])
    found = by_key(rank(profile, catalogue(done, like, unlike)))
    reason = found[("item", 2)].reason
    assert reason is not None
    assert reason.text == "Like Customer greetings, which you completed: 2 skills in common"
    assert ("item", 3) not in found


def test_similar_to_what_the_person_found_useful() -> None:
    useful = cand(1, "Handling complaints", tags=["complaints"])
    like = cand(2, tags=["complaints"])
    profile = Profile(person_id=1, history=[took(1, 3, "useful")])
    found = by_key(rank(profile, catalogue(useful, like)))
    reason = found[("item", 2)].reason
    assert reason is not None and reason.text == "Like Handling complaints, which you found useful"
    # "Useful" alone is not "done": the item itself may still come up.
    assert ("item", 1) not in profile.seen()


def test_text_similarity_compares_the_same_language_only() -> None:
    a = replace(cand(1), text={"nl": {"klant": 1.0}})
    b = replace(cand(2), text={"nl": {"klant": 1.0}})
    c = replace(cand(3), text={"fr": {"klant": 1.0}})
    assert r.text_similarity(a, b) == pytest.approx(1.0)
    assert r.text_similarity(a, c) == 0.0


def test_tfidf_gives_rare_words_more_weight() -> None:
    vectors = r.tfidf(
        {("item", 1): ["klant", "kassa"], ("item", 2): ["klant", "rek"], ("item", 3): ["klant"]}
    )
    assert vectors[("item", 1)]["kassa"] > vectors[("item", 1)]["klant"]
    assert sum(v * v for v in vectors[("item", 1)].values()) == pytest.approx(1.0)


def test_embeddings_add_to_likeness_when_configured() -> None:
    done = cand(1, "Greeting", tags=["service"])
    a, b = cand(2, tags=["service"]), cand(3, tags=["service"])
    profile = Profile(person_id=1, history=[took(1, 1)])
    community = Community(meaning={("item", 3): 1.0, ("item", 2): 0.1})
    ranked = rank(profile, catalogue(done, a, b), community)
    assert [s.key for s in ranked] == [("item", 3), ("item", 2)]
    assert ranked[0].reasons[0].detail == "Close in meaning to what you took recently."


# --- freshness --------------------------------------------------------------------------


def test_new_for_the_role_and_at_the_location() -> None:
    recent = NOW - dt.timedelta(days=5)
    features = catalogue(
        cand(1, published_at=recent, roles=[7]),
        cand(2, published_at=recent, locations=[4]),
        cand(3, published_at=recent, roles=[8]),  # for another role
        cand(4, published_at=NOW - dt.timedelta(days=45), roles=[7]),  # not new any more
        cand(5, published_at=recent),  # for everyone
    )
    profile = Profile(person_id=1, role_id=7, location_id=4)
    found = by_key(rank(profile, features, weights=replace(Weights(), role=0)))
    texts = {key: s.reasons[0].text for key, s in found.items()}
    assert texts[("item", 1)] == "New for your role"
    assert texts[("item", 2)] == "New at your location"
    assert texts[("item", 5)] == "New in the catalogue"
    assert ("item", 3) not in found and ("item", 4) not in found
    assert found[("item", 1)].reasons[0].detail == "Published 5 days ago."
    new = r.new_for(profile, features, set(features), NOW)
    assert {key for key, _reason in new} == {("item", 1), ("item", 2)}


# --- dismissals -------------------------------------------------------------------------


def test_dismissed_things_never_come_back_and_like_ones_rank_lower() -> None:
    features = catalogue(
        cand(1, "Spreadsheet tricks", skills=[5], tags=["excel"]),
        cand(2, skills=[5], tags=["excel"]),  # like the dismissed one
        cand(3, skills=[6]),  # as relevant, but unlike it
    )
    gaps = [Gap(5, "Spreadsheets", 2, 0, True), Gap(6, "Presenting", 2, 0, True)]
    before = [s.key for s in rank(Profile(person_id=1, gaps=gaps), features)]
    assert ("item", 1) in before
    profile = Profile(person_id=1, gaps=gaps, dismissed={("item", 1): "not_relevant"})
    after = rank(profile, features)
    assert ("item", 1) not in [s.key for s in after]
    scores = by_key(after)
    assert scores[("item", 2)].score < scores[("item", 3)].score
    assert scores[("item", 2)].penalty_text == (
        "Ranked lower: like Spreadsheet tricks, which you marked as not for you"
    )


def test_not_now_penalises_less_than_not_relevant() -> None:
    features = catalogue(cand(1, skills=[5]), cand(2, skills=[5]))
    gaps = [Gap(5, "Spreadsheets", 2, 0, True)]

    def penalty(reason: str) -> float:
        profile = Profile(person_id=1, gaps=gaps, dismissed={("item", 1): reason})
        return rank(profile, features)[0].penalty

    assert 0 < penalty("not_now") < penalty("not_relevant")


# --- what may be suggested --------------------------------------------------------------


def test_done_opened_excluded_and_not_offered_are_left_out() -> None:
    features = catalogue(*(cand(i, skills=[1]) for i in range(1, 7)))
    profile = Profile(
        person_id=1,
        gaps=[Gap(1, "Safety", 2, 0, True)],
        history=[took(1, 3), took(2, 2, "opened")],
        excluded=frozenset({("item", 3)}),
        dismissed={("item", 4): "know_it"},
    )
    offered = set(features) - {("item", 5)}  # e.g. a session without a date to come
    ranked = r.score(profile, features, offered, Community(), NOW)
    assert [s.key for s in ranked] == [("item", 6)]


def test_each_result_has_its_top_reason_and_at_most_two_more() -> None:
    recent = NOW - dt.timedelta(days=2)
    seed = cand(1, "Welcome", skills=[1], tags=["x"])
    features = catalogue(seed, cand(2, skills=[1], tags=["x"], published_at=recent, roles=[7]))
    profile = Profile(
        person_id=1,
        role_id=7,
        location_id=4,
        location_name="Gent",
        history=[took(1, 2)],
        gaps=[Gap(1, "Safety", 3, 0, True)],
    )
    community = Community(
        next_after={seed.key: {("item", 2): 6}}, support={seed.key: 6}, local={("item", 2): 7}
    )
    found = rank(profile, features, community)[0]
    assert len(found.reasons) == 3
    points = [reason.points for reason in found.reasons]
    assert points == sorted(points, reverse=True)
    assert found.reason is found.reasons[0]


# --- diversity --------------------------------------------------------------------------


def test_mmr_keeps_skills_varied() -> None:
    same = [cand(i, skills=[1], kind="video") for i in range(1, 13)]
    other = [cand(i, skills=[2], kind="article") for i in range(20, 24)]
    features = catalogue(*same, *other)
    scored = [r.Scored(c.key, 1.0 - c.key[1] / 100, []) for c in same] + [
        r.Scored(c.key, 1.05 - c.key[1] / 100, [])
        for c in other  # 0.85 .. 0.82
    ]
    scored.sort(key=lambda s: -s.score)
    plain = r.diversify(scored, features, 10, diversity=0.0)
    assert {features[s.key].skills for s in plain} == {frozenset({1})}
    varied = r.diversify(scored, features, 10, diversity=0.3)
    skills = [next(iter(features[s.key].skills)) for s in varied]
    assert skills.count(2) >= 3
    assert varied[0].key == plain[0].key  # the best one still leads


def test_recommend_returns_n_diversified_with_reasons() -> None:
    features = catalogue(
        *(cand(i, skills=[1]) for i in range(1, 9)), *(cand(i, skills=[2]) for i in range(10, 14))
    )
    profile = Profile(
        person_id=1, gaps=[Gap(1, "Safety", 4, 0, True), Gap(2, "Service", 4, 2, True)]
    )
    found = r.recommend(profile, features, set(features), Community(), NOW, n=6)
    assert len(found) == 6
    assert any(features[s.key].skills == {2} for s in found)
    assert all(s.reason is not None for s in found)


def test_popularity_baseline_ranks_by_overall_completions() -> None:
    features = catalogue(cand(1), cand(2), cand(3))
    community = Community(overall={("item", 1): 2, ("item", 2): 9, ("item", 3): 5})
    profile = Profile(person_id=1, history=[took(3, 1)])
    assert r.popularity_baseline(profile, features, set(features), community) == [
        ("item", 2),
        ("item", 1),
    ]


def test_scoring_200_candidates_is_quick() -> None:
    # Not a benchmark: a guard against an accidental quadratic loop in the scorer.
    features = catalogue(
        *(
            cand(i, skills=[i % 15, (i * 7) % 15], tags=[f"t{i % 9}"], words=f"w{i % 11} w{i % 5}")
            for i in range(1, 201)
        )
    )
    history = [took(i, 200 - i) for i in range(1, 31)]
    community = Community(
        next_after={
            ("item", i): {("item", j): 3 for j in range(i + 1, i + 20)} for i in range(1, 31)
        },
        support={("item", i): 10 for i in range(1, 31)},
        local={("item", i): i % 12 for i in range(1, 201)},
    )
    profile = Profile(
        person_id=1, history=history, gaps=[Gap(s, f"S{s}", 3, 0, True) for s in range(5)]
    )
    started = time.perf_counter()
    found = r.recommend(profile, features, set(features), community, NOW, n=30)
    elapsed = time.perf_counter() - started
    assert len(found) == 30
    assert elapsed < 1.0


def test_seeds_are_distinct_newest_first_and_completed_wins() -> None:
    profile = Profile(
        person_id=1,
        history=[took(1, 10, "opened"), took(1, 8), took(1, 7, "useful"), took(2, 3, "opened")],
    )
    seeds = profile.seeds()
    assert [(s.key, s.how) for s in seeds] == [(("item", 2), "opened"), (("item", 1), "completed")]
    assert seeds[1].at == NOW - dt.timedelta(days=7)
