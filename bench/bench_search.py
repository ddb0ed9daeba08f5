"""Search benchmark: `make bench-search` (not a test; prints figures).

1. Generate N catalogue items (default 100,000) in a fresh SQLite database in
   .bench-search: titles, summaries and bodies in nl, fr or en drawn from each language's
   common words, a third with a second translation, a tenth with a transcript, skills,
   audiences, kinds, levels, durations.
2. Build the index from the database (`service.rebuild`, the same path as
   `leerpad searchindex rebuild`) and time it.
3. Time Q typical queries (one to three words, some with a typo or a Dutch compound),
   without and with facet filters, through `service.search` (what the search page and
   the API call: query building, the index, reranking, snippets), and print p50/p95.
4. Print the process's peak memory (RSS) and the index size on disk.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / ".bench-search"
sys.path.insert(0, str(ROOT))


def _setup(fresh: bool) -> None:
    if fresh and WORK.exists():
        shutil.rmtree(WORK)
    WORK.mkdir(parents=True, exist_ok=True)
    os.environ["LEERPAD_VAR_DIR"] = str(WORK)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leerpad.settings")
    os.environ["LEERPAD_TASKS"] = "immediate"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _generate(n: int, seed: int) -> None:
    from django.db import transaction
    from wordfreq import top_n_list

    from leerpad.accounts.models import JobRole, Location
    from leerpad.catalog.models import ContentItem, ItemTranslation, Kind, Level, TranscriptCue
    from leerpad.skills.models import Skill

    rng = random.Random(seed)
    vocab = {
        lang: [w for w in top_n_list(lang, 20000) if w.isalpha()] for lang in ("nl", "fr", "en")
    }
    skills = [
        Skill.objects.get_or_create(key=f"skill-{i}", defaults={"names": {"en": f"Skill {i}"}})[0]
        for i in range(60)
    ]
    roles = [JobRole.objects.get_or_create(name=f"Role {i}")[0] for i in range(10)]
    places = [Location.objects.get_or_create(name=f"Store {i}")[0] for i in range(20)]
    kinds = [k.value for k in Kind]
    levels = ["", *[lv.value for lv in Level]]

    # Zipf's law: the word of rank r comes about 1/r as often, as in real text.
    cumulative = {}
    for lang, pool in vocab.items():
        total, cum = 0.0, []
        for rank in range(len(pool)):
            total += 1 / (rank + 1)
            cum.append(total)
        cumulative[lang] = cum

    def text(lang: str, words: int) -> str:
        return " ".join(rng.choices(vocab[lang], cum_weights=cumulative[lang], k=words))

    batch = 2000
    for start in range(0, n, batch):
        with transaction.atomic():
            items = []
            for i in range(start, min(start + batch, n)):
                items.append(
                    ContentItem(
                        kind=rng.choice(kinds),
                        status="published" if rng.random() < 0.9 else "draft",
                        external_id=f"bench-{i}",
                        language=rng.choice(("nl", "nl", "fr", "en")),
                        level=rng.choice(levels),
                        duration_minutes=rng.choice((3, 8, 15, 25, 45, 90, 240)),
                        tags=[rng.choice(vocab["en"]) for _ in range(2)],
                    )
                )
            ContentItem.objects.bulk_create(items)
            translations, cues = [], []
            skill_links, role_links, place_links = [], [], []
            for item in items:
                languages = [item.language]
                if rng.random() < 0.33:
                    languages.append(
                        rng.choice([x for x in ("nl", "fr", "en") if x != item.language])
                    )
                for lang in languages:
                    translations.append(
                        ItemTranslation(
                            item=item,
                            language=lang,
                            title=text(lang, rng.randint(3, 8)).capitalize(),
                            summary=text(lang, rng.randint(15, 40)),
                            body=text(lang, rng.randint(60, 250)) if rng.random() < 0.5 else "",
                        )
                    )
                if rng.random() < 0.1:
                    for c in range(20):
                        cues.append(
                            TranscriptCue(
                                item=item,
                                language=item.language,
                                start_ms=c * 5000,
                                end_ms=c * 5000 + 4500,
                                text=text(item.language, 12),
                            )
                        )
                for skill in rng.sample(skills, rng.randint(0, 3)):
                    skill_links.append(
                        ContentItem.skills.through(contentitem_id=item.pk, skill_id=skill.pk)
                    )
                if rng.random() < 0.2:
                    role_links.append(
                        ContentItem.audience_job_roles.through(
                            contentitem_id=item.pk, jobrole_id=rng.choice(roles).pk
                        )
                    )
                if rng.random() < 0.1:
                    place_links.append(
                        ContentItem.audience_locations.through(
                            contentitem_id=item.pk, location_id=rng.choice(places).pk
                        )
                    )
            ItemTranslation.objects.bulk_create(translations)
            TranscriptCue.objects.bulk_create(cues)
            ContentItem.skills.through.objects.bulk_create(skill_links)
            ContentItem.audience_job_roles.through.objects.bulk_create(role_links)
            ContentItem.audience_locations.through.objects.bulk_create(place_links)
        print(f"  generated {min(start + batch, n):>7} items", end="\r", flush=True)
    print()


QUERIES = [
    "klantenservice",
    "klachten behandelen",
    "veiligheid magazijn",
    "formation sécurité",
    "gestion du temps",
    "customer conversation",
    "leadership feedback",
    "excel",
    "werkplaats",
    "klantenservcie",
    "réunion équipe",
    "time management skills",
    "onderhoud tuin",
    "premiers secours",
    "stock inventory",
    "samenwerking team",
]


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(round(p / 100 * (len(ordered) - 1)), len(ordered) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=400, help="timed searches per mode")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--reuse", action="store_true", help="keep the generated database")
    args = parser.parse_args()

    _setup(fresh=not args.reuse)
    from leerpad.catalog.models import ContentItem
    from leerpad.search import service

    have = ContentItem.objects.count()
    if have < args.items:
        print(f"Generating {args.items - have} items …")
        started = time.perf_counter()
        _generate(args.items - have, args.seed + have)
        print(f"  {time.perf_counter() - started:.1f} s")

    print(f"Building the index of {ContentItem.objects.count()} items …")
    started = time.perf_counter()
    written = service.rebuild()
    build_s = time.perf_counter() - started
    size = sum(p.stat().st_size for p in (WORK / "search").rglob("*") if p.is_file())
    rate = written / build_s
    print(f"  {written} documents in {build_s:.1f} s ({rate:,.0f}/s), {size / 1e6:.0f} MB on disk")

    rng = random.Random(args.seed)
    from leerpad.skills.models import Skill

    skill_ids = [str(pk) for pk in Skill.objects.values_list("pk", flat=True)]
    service.search("warm up")
    modes: dict[str, Callable[[str], object]] = {
        "text": lambda q: service.search(q),
        "text + facets": lambda q: service.search(
            q, filters={"kind": [rng.choice(["video", "document", "article"])], "languages": ["nl"]}
        ),
        "text + skill + page 3": lambda q: service.search(
            q, filters={"skills": [rng.choice(skill_ids)]}, page=3
        ),
        "facets only (browse)": lambda q: service.search("", filters={"kind": ["video"]}),
    }
    print(f"\n{'mode':<24}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}")
    for name, run in modes.items():
        times = []
        for i in range(args.queries):
            q = QUERIES[i % len(QUERIES)]
            t = time.perf_counter()
            run(q)
            times.append((time.perf_counter() - t) * 1000)
        p50, p95 = statistics.median(times), _pct(times, 95)
        print(f"{name:<24}{p50:>10.1f}{p95:>10.1f}{max(times):>10.1f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory (RSS) of the benchmark process: {peak:.0f} MB")


if __name__ == "__main__":
    main()
