"""Synthetic learners with hidden preferences, for the offline evaluation.

The generator invents topics, each with a few skills, words and an order of difficulty;
job roles that favour some topics; and people with a role, a location and *hidden* topic
affinities. People then take items in sequences that follow their affinities (with a
habit of staying on a topic) and each topic's order (the next step up, now and then one
skipped), after an onboarding most people start with, plus some noise.

What is written to the database is only what Leerpad would know: skills, job roles and
their skill profiles, locations, people, published catalogue items (titles, tags,
skills) and completions in the completions index, with some "useful" votes and
self-assessed skill levels. The affinities, topics and difficulty orders stay in this
module's local variables: the recommender cannot read them. Same seed, same world.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass

from django.db import transaction

from leerpad.accounts.models import JobRole, Location, Person
from leerpad.catalog import tracking as catalog_tracking
from leerpad.catalog.models import ContentItem, ItemTranslation, Kind, Rating, Status
from leerpad.paths import tracking as paths_tracking
from leerpad.paths.models import Completion
from leerpad.skills.models import RoleSkill, Skill, SkillClaim

# When the simulated year ends: fixed, so the same seed gives the same rows.
END = dt.datetime(2025, 6, 30, 12, 0, tzinfo=dt.UTC)

TOPIC_BANK: list[tuple[str, list[str]]] = [
    ("service", ["klant", "gesprek", "klacht", "vriendelijk", "vraag", "luisteren"]),
    ("safety", ["veilig", "tillen", "brand", "ladder", "ongeval", "helm"]),
    ("digital", ["scanner", "kassa", "app", "tablet", "wachtwoord", "digitaal"]),
    ("sales", ["verkoop", "advies", "product", "aanbieding", "upsell", "korting"]),
    ("coaching", ["feedback", "coach", "team", "doel", "gesprek", "motivatie"]),
    ("stock", ["voorraad", "levering", "rek", "inventaris", "bestelling", "magazijn"]),
    ("wellbeing", ["stress", "pauze", "energie", "slaap", "balans", "beweging"]),
    ("hygiene", ["hygiene", "schoonmaak", "koeling", "allergeen", "handen", "vers"]),
]
LEVEL_WORDS = ["basis", "stap", "verdieping", "praktijk", "gevorderd", "meester"]
GENERIC_TAGS = ["kort", "video", "praktisch", "nieuw", "filiaal", "zelfstudie"]
KINDS = [Kind.ARTICLE, Kind.VIDEO, Kind.DOCUMENT, Kind.AUDIO, Kind.LINK]
LANGUAGES = ["nl", "nl", "nl", "fr", "en"]


@dataclass(frozen=True)
class Summary:
    people: int
    items: int
    completions: int
    roles: int
    locations: int
    topics: int


def _choice_weighted(rng: random.Random, weights: dict[int, float]) -> int:
    total = sum(weights.values())
    pick = rng.random() * total
    for key, weight in weights.items():
        pick -= weight
        if pick <= 0:
            return key
    return next(reversed(weights))


@transaction.atomic
def generate(people: int = 120, items: int = 80, seed: int = 1) -> Summary:
    """Write a simulated organisation and its history; returns what was written."""
    rng = random.Random(seed)  # noqa: S311  (a reproducible simulation, not a secret)
    n_topics = max(3, min(len(TOPIC_BANK), items // 10))
    topics = TOPIC_BANK[:n_topics]
    tag = f"sim{seed}"

    # --- skills and roles (visible) --------------------------------------------------
    skills: list[list[Skill]] = []
    for name, words in topics:
        row = []
        for j in range(3):
            key = f"{tag}-{name}-{j}"
            label = f"{words[j].capitalize()} ({name})"
            row.append(Skill(key=key, names={"nl": label, "en": label, "fr": label}))
        skills.append(row)
    Skill.objects.bulk_create([s for row in skills for s in row])
    skill_ids = {s.key: s.pk for s in Skill.objects.filter(key__startswith=f"{tag}-")}
    for row in skills:
        for s in row:
            s.pk = skill_ids[s.key]

    n_roles = max(2, min(5, people // 25))
    roles = [JobRole.objects.create(name=f"Rol {tag} {r + 1}") for r in range(n_roles)]
    # Hidden: which topics each role leans to.
    role_pref: list[list[float]] = []
    for r in range(n_roles):
        favoured = rng.sample(range(n_topics), 2)
        role_pref.append([3.0 if t in favoured else 0.5 for t in range(n_topics)])
        lines = [
            RoleSkill(job_role=roles[r], skill=skills[t][j], level=rng.choice([2, 3]))
            for t in favoured
            for j in range(2)
        ]
        other = rng.choice([t for t in range(n_topics) if t not in favoured])
        lines.append(RoleSkill(job_role=roles[r], skill=skills[other][0], level=2, essential=False))
        RoleSkill.objects.bulk_create(lines)

    n_locations = max(2, min(6, people // 20))
    locations = [
        Location.objects.create(name=f"Filiaal {tag} {i + 1}", city=f"Stad {i + 1}")
        for i in range(n_locations)
    ]

    # --- the catalogue (visible rows; topic and difficulty hidden) -------------------
    onboarding_count = 3
    item_topic: list[int] = []
    item_step: list[int] = []
    per_topic: list[list[int]] = [[] for _ in range(n_topics)]
    rows: list[ContentItem] = []
    texts: list[tuple[str, str, str]] = []
    for i in range(items):
        topic = -1 if i < onboarding_count else (i - onboarding_count) % n_topics
        item_topic.append(topic)
        if topic >= 0:
            item_step.append(len(per_topic[topic]))
            per_topic[topic].append(i)
        else:
            item_step.append(i)
        language = rng.choice(LANGUAGES)
        if topic < 0:
            title = f"Welkom {i + 1}: je eerste week"
            summary = "Alles wat je de eerste dagen nodig hebt."
            tags = ["onboarding", rng.choice(GENERIC_TAGS)]
        else:
            words = topics[topic][1]
            step = item_step[-1]
            title = (
                f"{rng.choice(words).capitalize()} en {rng.choice(words)}: "
                f"{LEVEL_WORDS[min(step, len(LEVEL_WORDS) - 1)]} {step + 1}"
            )
            summary = " ".join(rng.sample(words, 3)) + " in de praktijk"
            tags = ([topics[topic][0]] if rng.random() < 0.6 else []) + [rng.choice(GENERIC_TAGS)]
        # A few items came out in the last weeks, some of them for one role.
        published = END - dt.timedelta(days=rng.uniform(400, 700))
        if rng.random() < 0.05:
            published = END - dt.timedelta(days=rng.uniform(1, 25))
        rows.append(
            ContentItem(
                kind=rng.choice(KINDS),
                status=Status.PUBLISHED,
                external_id=f"{tag}-item-{i}",
                language=language,
                tags=tags,
                duration_minutes=rng.choice([5, 10, 15, 30, 45]),
                published_at=published,
                created_at=published,
                updated_at=published,
            )
        )
        texts.append((language, title, summary))
    ContentItem.objects.bulk_create(rows)
    created = {
        c.external_id: c for c in ContentItem.objects.filter(external_id__startswith=f"{tag}-item-")
    }
    catalogue = [created[f"{tag}-item-{i}"] for i in range(items)]
    ItemTranslation.objects.bulk_create(
        ItemTranslation(item=catalogue[i], language=lang, title=title, summary=summary)
        for i, (lang, title, summary) in enumerate(texts)
    )
    links = []
    for i, item in enumerate(catalogue):
        topic = item_topic[i]
        if topic < 0:
            continue
        chosen = set(rng.sample(skills[topic], rng.choice([1, 2])))
        if rng.random() < 0.15:  # content is not perfectly labelled
            chosen.add(rng.choice(skills[rng.randrange(n_topics)]))
        links += [ContentItem.skills.through(contentitem=item, skill=s) for s in chosen]
    ContentItem.skills.through.objects.bulk_create(links)
    for item in catalogue:
        recent = item.published_at and item.published_at > END - dt.timedelta(days=30)
        if recent and rng.random() < 0.5:
            item.audience_job_roles.add(rng.choice(roles))

    # --- people and their histories ------------------------------------------------
    members = []
    for p in range(people):
        person = Person(
            email=f"{tag}-person-{p}@example.invalid",
            first_name=f"Sim{p}",
            last_name=tag,
            job_role=rng.choice(roles),
            location=rng.choice(locations),
            language=rng.choice(["nl", "nl", "fr", "en"]),
        )
        person.set_unusable_password()
        members.append(person)
    Person.objects.bulk_create(members)
    members = list(Person.objects.filter(last_name=tag).order_by("id"))
    role_index = {role.pk: r for r, role in enumerate(roles)}
    profile_lines: dict[int, list[RoleSkill]] = {}
    for line in RoleSkill.objects.filter(job_role__in=roles).order_by("id"):
        profile_lines.setdefault(line.job_role_id, []).append(line)

    completions: list[Completion] = []
    ratings: list[Rating] = []
    claims: list[SkillClaim] = []
    for person in members:
        # Hidden: this person's affinities, a mix of the role's leaning and their own.
        pref = role_pref[role_index[person.job_role_id]]  # type: ignore[index]
        own = [rng.gammavariate(0.6, 1.0) for _ in range(n_topics)]
        affinity = {t: 0.5 * pref[t] / sum(pref) + 0.5 * own[t] / sum(own) for t in range(n_topics)}
        affinity = {t: a**1.5 for t, a in affinity.items()}  # sharper: people have favourites
        length = min(items - 1, 3 + int(rng.expovariate(1 / 9)))
        when = started = END - dt.timedelta(days=rng.uniform(120, 360))
        taken: list[int] = []
        progress = dict.fromkeys(range(n_topics), 0)
        if rng.random() < 0.8:
            taken += [i for i in range(onboarding_count) if rng.random() < 0.85]
        last_topic: int | None = None
        while len(taken) < length:
            if rng.random() < 0.08:
                choice = rng.randrange(items)  # noise: something seen on the intranet
                if choice in taken:
                    continue
                taken.append(choice)
                continue
            open_topics = {t: a for t, a in affinity.items() if progress[t] < len(per_topic[t])}
            if not open_topics:
                break
            if last_topic in open_topics and rng.random() < 0.55:
                topic = last_topic
            else:
                topic = _choice_weighted(rng, open_topics)
            step = progress[topic]
            if rng.random() < 0.2 and step + 1 < len(per_topic[topic]):
                step += 1  # skipped one they knew
            progress[topic] = step + 1
            choice = per_topic[topic][step]
            last_topic = topic
            if choice not in taken:
                taken.append(choice)
        for i in taken:
            when += dt.timedelta(days=rng.uniform(0.5, 14), minutes=rng.randrange(600))
            item = catalogue[i]
            completions.append(
                Completion(
                    person=person,
                    activity_iri=catalog_tracking.activity_id(item),
                    statement_id=uuid.UUID(int=rng.getrandbits(128)),
                    verb_iri=paths_tracking.COMPLETED,
                    completed_at=min(when, END),
                )
            )
            topic = item_topic[i]
            if topic >= 0 and affinity[topic] > 0.25 and rng.random() < 0.15:
                ratings.append(Rating(item=item, person=person, created_at=min(when, END)))
        if rng.random() < 0.3:
            line = rng.choice(profile_lines[person.job_role_id])  # type: ignore[index]
            claims.append(
                SkillClaim(
                    person=person,
                    skill_id=line.skill_id,
                    self_level=rng.choice([1, 2, 3]),
                    updated_at=started,
                )
            )
    Completion.objects.bulk_create(completions)
    Rating.objects.bulk_create(ratings)
    SkillClaim.objects.bulk_create(claims)
    return Summary(
        people=len(members),
        items=items,
        completions=len(completions),
        roles=n_roles,
        locations=n_locations,
        topics=n_topics,
    )
