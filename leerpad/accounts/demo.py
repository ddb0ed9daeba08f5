"""Demo organisation: "Delta Huis & Tuin", a fictional Belgian home-and-garden chain.

Seven stores and a head office, about 300 employees in several job roles and teams, a
coach per store, an LD&M team of eight at the head office (L&D specialists, marketers,
a video specialist and their manager) and an IT administrator.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from leerpad.accounts.models import JobRole, Language, Location, Person, Team
from leerpad.core.access import Role
from leerpad.core.demo import DemoContext, DemoLogin

DOMAIN = "deltahuis.example"


@dataclass(frozen=True)
class _Store:
    name: str
    city: str
    language: str
    staff: int


STORES = (
    _Store("Delta Gent", "Gent", Language.NL, 44),
    _Store("Delta Antwerpen", "Antwerpen", Language.NL, 42),
    _Store("Delta Brussel", "Brussel", Language.FR, 40),
    _Store("Delta Leuven", "Leuven", Language.NL, 36),
    _Store("Delta Brugge", "Brugge", Language.NL, 34),
    _Store("Delta Namur", "Namur", Language.FR, 34),
    _Store("Delta Liège", "Liège", Language.FR, 36),
)
HEAD_OFFICE = _Store("Hoofdkantoor Mechelen", "Mechelen", Language.NL, 0)

STORE_ROLES = (
    # (job role, share of a store's staff)
    ("Sales associate", 0.45),
    ("Cashier", 0.2),
    ("Garden specialist", 0.15),
    ("Warehouse associate", 0.2),
)
HEAD_OFFICE_TEAMS = {
    "HR": ("HR partner", 6),
    "Finance": ("Controller", 5),
    "Customer service": ("Customer service agent", 9),
    "Purchasing": ("Buyer", 6),
}

FIRST_NL = [
    "Emma",
    "Noah",
    "Louise",
    "Arthur",
    "Mila",
    "Jules",
    "Olivia",
    "Lucas",
    "Elena",
    "Liam",
    "Nora",
    "Finn",
    "Lotte",
    "Wout",
    "Fien",
    "Senne",
    "Hanne",
    "Jasper",
    "Ines",
    "Lars",
    "Marie",
    "Bram",
    "Lien",
    "Thomas",
    "Sara",
    "Pieter",
    "Eline",
    "Kobe",
    "Anke",
    "Ruben",
]
FIRST_FR = [
    "Camille",
    "Louis",
    "Chloé",
    "Hugo",
    "Léa",
    "Théo",
    "Manon",
    "Nathan",
    "Zoé",
    "Victor",
    "Juliette",
    "Maxime",
    "Élise",
    "Antoine",
    "Margaux",
    "Julien",
    "Alice",
    "Romain",
    "Sofia",
    "Mathis",
    "Anaïs",
    "Clément",
    "Inès",
    "Bastien",
    "Amira",
    "Yanis",
]
LAST_NL = [
    "Peeters",
    "Janssens",
    "Maes",
    "Jacobs",
    "Mertens",
    "Willems",
    "Claes",
    "Goossens",
    "Wouters",
    "De Smet",
    "Vermeulen",
    "Van den Broeck",
    "Hermans",
    "Aerts",
    "Pauwels",
    "Cools",
    "Verstraete",
    "De Backer",
    "Lambrechts",
    "Michiels",
    "Stevens",
    "Verhoeven",
]
LAST_FR = [
    "Dubois",
    "Lambert",
    "Dupont",
    "Martin",
    "Simon",
    "Laurent",
    "Lefèbvre",
    "Leclercq",
    "Renard",
    "Collard",
    "Denis",
    "François",
    "Mathieu",
    "Gilson",
    "Piron",
    "Henrard",
]

# The named demo people: one login per role, printed by `leerpad demo`.
LDM_TEAM = (
    # (first, last, job role, roles, language)
    ("Greet", "Wouters", "LD&M manager", (Role.LDM_MANAGER,), Language.NL),
    ("Dirk", "Maes", "L&D specialist", (Role.LD_SPECIALIST,), Language.NL),
    ("Sofie", "Aerts", "L&D specialist", (Role.LD_SPECIALIST,), Language.NL),
    ("Julien", "Renard", "L&D specialist", (Role.LD_SPECIALIST,), Language.FR),
    ("Mira", "Dubois", "Marketer", (Role.MARKETER,), Language.FR),
    ("Jonas", "Pauwels", "Marketer", (Role.MARKETER,), Language.NL),
    ("Elif", "Yilmaz", "Marketer", (Role.MARKETER,), Language.EN),
    ("Vince", "Claes", "Video specialist", (Role.MARKETER, Role.LD_SPECIALIST), Language.NL),
)
ADMIN = ("Ada", "Claes", "IT administrator", Language.EN)
NAMED_LEARNER = ("Lena", "Peeters")
NAMED_COACH = ("Cas", "Janssens")

DEMO_LOGINS = (
    (Role.LEARNER, NAMED_LEARNER),
    (Role.COACH, NAMED_COACH),
    (Role.LD_SPECIALIST, ("Dirk", "Maes")),
    (Role.MARKETER, ("Mira", "Dubois")),
    (Role.LDM_MANAGER, ("Greet", "Wouters")),
    (Role.ADMIN, (ADMIN[0], ADMIN[1])),
)


def _email(first: str, last: str, taken: set[str]) -> str:
    import unicodedata

    def ascii_slug(text: str) -> str:
        plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        return "".join(ch for ch in plain.lower() if ch.isalnum())

    base = f"{ascii_slug(first)}.{ascii_slug(last)}"
    candidate, n = base, 1
    while f"{candidate}@{DOMAIN}" in taken:
        n += 1
        candidate = f"{base}{n}"
    email = f"{candidate}@{DOMAIN}"
    taken.add(email)
    return email


def _named_emails() -> dict[tuple[str, str], str]:
    taken: set[str] = set()
    return {(first, last): _email(first, last, taken) for _role, (first, last) in DEMO_LOGINS}


def logins() -> list[DemoLogin]:
    found = []
    named = _named_emails()
    people = {p.email: p for p in Person.objects.filter(email__in=named.values())}
    for role, name in DEMO_LOGINS:
        person = people.get(named[name])
        if person is not None:
            found.append(DemoLogin(role=role.value, email=person.email, name=str(person)))
    return found


def load(ctx: DemoContext) -> None:
    rng = ctx.rng
    password = make_password(ctx.password)  # hashed once: hashing 300 times takes minutes
    named = _named_emails()
    taken = set(named.values())
    number = iter(range(10001, 99999))
    people: list[Person] = []
    job_roles: dict[str, JobRole] = {}

    def job(name: str) -> JobRole:
        if name not in job_roles:
            job_roles[name] = JobRole.objects.create(name=name)
        return job_roles[name]

    def person(
        first: str,
        last: str,
        *,
        location: Location,
        team: Team,
        role: str,
        language: str,
        is_named: bool = False,
    ) -> Person:
        p = Person(
            email=named[(first, last)] if is_named else _email(first, last, taken),
            first_name=first,
            last_name=last,
            employee_number=f"E{next(number)}",
            location=location,
            team=team,
            job_role=job(role),
            language=language,
            password=password,
        )
        people.append(p)
        return p

    def random_name(language: str) -> tuple[str, str]:
        if language == Language.FR:
            return rng.choice(FIRST_FR), rng.choice(LAST_FR)
        return rng.choice(FIRST_NL), rng.choice(LAST_NL)

    locations = {
        s.name: Location.objects.create(name=s.name, city=s.city) for s in (*STORES, HEAD_OFFICE)
    }

    # Head office: the LD&M team, the administrator and the support teams.
    head = locations[HEAD_OFFICE.name]
    ldm_team = Team.objects.create(name="LD&M")
    ldm_people = [
        (
            person(
                first,
                last,
                location=head,
                team=ldm_team,
                role=role_name,
                language=language,
                is_named=(first, last) in named,
            ),
            roles,
        )
        for first, last, role_name, roles, language in LDM_TEAM
    ]
    admin = person(
        ADMIN[0],
        ADMIN[1],
        location=head,
        team=Team.objects.create(name="IT"),
        role=ADMIN[2],
        language=ADMIN[3],
        is_named=True,
    )
    for team_name, (role_name, size) in HEAD_OFFICE_TEAMS.items():
        team = Team.objects.create(name=team_name)
        for _ in range(size):
            language = str(rng.choice([Language.NL, Language.NL, Language.FR, Language.EN]))
            first, last = random_name(language)
            person(first, last, location=head, team=team, role=role_name, language=language)

    # Stores: a store manager, a coach and the store staff.
    links: list[tuple[Person, str, Person]] = []  # (person, "manager"|"coach", target)
    coaches: list[Person] = []
    for store in STORES:
        location = locations[store.name]
        team = Team.objects.create(name=f"Team {store.city}")
        first, last = random_name(store.language)
        manager = person(
            first, last, location=location, team=team, role="Store manager", language=store.language
        )
        is_gent = store.city == "Gent"
        first, last = NAMED_COACH if is_gent else random_name(store.language)
        coach = person(
            first,
            last,
            location=location,
            team=team,
            role="Store coach",
            language=store.language,
            is_named=is_gent,
        )
        coaches.append(coach)
        links.append((coach, "manager", manager))
        for index in range(store.staff - 2):
            if is_gent and index == 0:
                member = person(
                    *NAMED_LEARNER,
                    location=location,
                    team=team,
                    role="Sales associate",
                    language=Language.NL,
                    is_named=True,
                )
            else:
                language = str(store.language)
                if store.city == "Brussel" and rng.random() < 0.4:
                    language = Language.NL
                elif rng.random() < 0.05:
                    language = Language.EN
                first, last = random_name(language)
                role_name = rng.choices(
                    [name for name, _ in STORE_ROLES], weights=[w for _, w in STORE_ROLES]
                )[0]
                member = person(
                    first, last, location=location, team=team, role=role_name, language=language
                )
            links += [(member, "manager", manager), (member, "coach", coach)]
    for member, _roles in ldm_people[1:]:
        links.append((member, "manager", ldm_people[0][0]))

    Person.objects.bulk_create(people)
    # Some backends return no ids from bulk_create: link through freshly read rows.
    saved = {p.email: p for p in Person.objects.all()}
    changed: dict[int, Person] = {}
    for member, field_name, target in links:
        row = saved[member.email]
        setattr(row, field_name, saved[target.email])
        changed[row.pk] = row
    Person.objects.bulk_update(list(changed.values()), ["manager", "coach"], batch_size=500)

    groups = {g.name: g for g in Group.objects.filter(name__in=[r.value for r in Role])}
    membership = Person.groups.through
    role_rows = [(member, role) for member, roles in ldm_people for role in roles]
    role_rows += [(coach, Role.COACH) for coach in coaches]
    role_rows.append((admin, Role.ADMIN))
    membership.objects.bulk_create(
        membership(person_id=saved[member.email].pk, group_id=groups[role.value].pk)
        for member, role in role_rows
    )
    Person.objects.filter(email=admin.email).update(is_staff=True)

    ctx.logins.extend(logins())
    ctx.notes.append(
        f"Demo organisation: {len(people)} people in {len(locations)} locations "
        f"({len(STORES)} stores and a head office)."
    )
