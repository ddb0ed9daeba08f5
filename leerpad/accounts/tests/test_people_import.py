"""Importing people from an HR export: the file, the plan, applying it, the pages, the command."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import translation

from leerpad.accounts import people_import, services
from leerpad.accounts.models import JobRole, Location, PeopleImport, Person, Team
from leerpad.accounts.people_import import Action, ImportRefused, Plan, PlanChanged
from leerpad.core.access import Role, roles_of

pytestmark = pytest.mark.django_db

HEADER = (
    "employee_number;email;first_name;last_name;job_role;location;team;language;"
    "manager_employee_number;coach_employee_number;roles"
)
AN = "1001;an.peeters@example.com;An;Peeters;Store manager;Gent;Store Gent;nl;;;coach"
LUC = "1002;luc.dubois@example.com;Luc;Dubois;Sales associate;Namur;Store Namur;fr;1001;1001;"


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    # Messages are asserted in the source language, whatever gets translated later.
    with translation.override("en"):
        yield


def csv_text(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def plan_for(text: str, by: Person | None = None) -> Plan:
    return people_import.preview(text, by=by)


def run(text: str, by: Person | None = None) -> Plan:
    record = PeopleImport.objects.create(filename="hr.csv", content=text)
    return people_import.apply(record, by=by)


def snapshot() -> tuple[int, int, int, int, list[tuple[Any, ...]]]:
    """Everything an import could change, to assert that nothing did."""
    people = list(
        Person.objects.order_by("pk").values_list(
            "pk",
            "email",
            "employee_number",
            "first_name",
            "last_name",
            "job_role_id",
            "location_id",
            "team_id",
            "language",
            "manager_id",
            "coach_id",
        )
    )
    return (
        Person.objects.count(),
        Location.objects.count(),
        Team.objects.count(),
        JobRole.objects.count(),
        people,
    )


def errors_of(plan: Plan, line: int) -> list[str]:
    row = next(row for row in plan.rows if row.line == line)
    return [str(error) for error in row.errors]


# --- Reading the file -----------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_the_separator_is_sniffed_from_the_header(delimiter: str) -> None:
    text = csv_text(AN, LUC).replace(";", delimiter)
    table = people_import.parse_text(text)
    assert table.delimiter == delimiter
    assert not table.errors
    assert [row.values["email"] for row in table.rows] == [
        "an.peeters@example.com",
        "luc.dubois@example.com",
    ]
    assert [row.line for row in table.rows] == [2, 3]


def test_quoted_cells_may_hold_the_separator_and_line_breaks() -> None:
    text = (
        "employee_number,email,first_name,last_name,team\n"
        '1,a@example.com,An,"Peeters, Jr.","Store\nGent"\n'
        "2,b@example.com,Bo,,\n"
    )
    table = people_import.parse_text(text)
    assert table.rows[0].values["last_name"] == "Peeters, Jr."
    assert table.rows[0].values["team"] == "Store\nGent"
    assert [row.line for row in table.rows] == [2, 4]


def test_utf8_with_byte_order_mark_as_excel_writes_it() -> None:
    data = "\ufeff".encode() + csv_text("1;zoe@example.com;Zoë;Müller;;;;;;;").encode()
    table = people_import.parse_bytes(data)
    assert "employee_number" in table.columns
    assert table.rows[0].values["first_name"] == "Zoë"


def test_windows_1252_from_older_excel() -> None:
    data = csv_text("1;helene@example.com;Hélène;Çelik;;;;;;;").encode("cp1252")
    table = people_import.parse_bytes(data)
    assert not table.errors
    assert table.rows[0].values["first_name"] == "Hélène"
    assert table.rows[0].values["last_name"] == "Çelik"


def test_utf16_with_byte_order_mark() -> None:
    data = csv_text("1;zoe@example.com;Zoë;;;;;;;;").replace(";", "\t").encode("utf-16")
    table = people_import.parse_bytes(data)
    assert table.delimiter == "\t"
    assert table.rows[0].values["first_name"] == "Zoë"


def test_excel_sep_line_chooses_the_separator_and_keeps_line_numbers() -> None:
    text = "sep=,\r\nemployee_number,email,first_name\r\n\r\n7,a@example.com,An\r\n"
    table = people_import.parse_text(text)
    assert table.delimiter == ","
    assert [(row.line, row.values["employee_number"]) for row in table.rows] == [(4, "7")]


def test_header_names_ignore_case_spaces_and_hyphens_and_unknown_columns_are_reported() -> None:
    text = "Employee Number;EMAIL;first-name;Cost centre\n1;a@example.com;An;X12\n"
    table = people_import.parse_text(text)
    assert table.columns == {"employee_number", "email", "first_name"}
    assert table.unknown_columns == ("cost_centre",)
    plan = people_import.make_plan(table)
    assert plan.is_valid
    assert "cost_centre" in plan.warnings[0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The file is empty."),
        ("\n \n", "The file is empty."),
        ("employee_number;email;first_name\n", "no people"),
        ("email;first_name\na@example.com;An\n", "employee_number"),
        ("employee_number;email;first_name;email\n1;a@x.com;An;b@x.com\n", "more than once"),
    ],
)
def test_file_level_errors(text: str, message: str) -> None:
    plan = plan_for(text)
    assert not plan.is_valid
    assert not plan.rows
    assert message in " ".join(plan.file_errors)


def test_too_many_rows_is_a_file_error() -> None:
    rows = [f"{n};p{n}@example.com;P{n};;;;;;;;" for n in range(4)]
    table = people_import.parse_text(csv_text(*rows), max_rows=3)
    assert "more than 3 rows" in table.errors[0]


def test_too_many_bytes_and_files_that_are_not_csv_are_refused(settings: Any) -> None:
    settings.LEERPAD_IMPORT_MAX_BYTES = 20
    with pytest.raises(people_import.InvalidFile, match="larger than"):
        people_import.decode(csv_text(AN).encode())
    assert "larger than" in people_import.parse_bytes(csv_text(AN).encode()).errors[0]
    with pytest.raises(people_import.InvalidFile, match="Excel workbook"):
        people_import.decode(b"PK\x03\x04rest-of-a-zip", max_bytes=1000)
    with pytest.raises(people_import.InvalidFile, match="not a text file"):
        people_import.decode(b"\x89PNG\x00\x00", max_bytes=1000)


def test_a_row_with_more_cells_than_columns_is_an_error() -> None:
    plan = plan_for("employee_number;email;first_name\n1;a@example.com;An;surprise\n")
    assert "more cells" in errors_of(plan, 2)[0]


# --- The plan and applying it ---------------------------------------------------------------


def test_new_people_are_created_with_their_org_units_and_no_usable_password(gent: Location) -> None:
    plan = plan_for(csv_text(AN, LUC))
    assert plan.counts() == {
        "rows": 2,
        "create": 2,
        "update": 0,
        "unchanged": 0,
        "error": 0,
    }
    assert plan.new_locations == ("Namur",)  # Gent exists already
    assert plan.new_teams == ("Store Gent", "Store Namur")
    assert plan.new_job_roles == ("Sales associate", "Store manager")
    assert Person.objects.count() == 0  # a preview writes nothing

    run(csv_text(AN, LUC))

    an = Person.objects.get(employee_number="1001")
    luc = Person.objects.select_related("location", "team", "job_role").get(employee_number="1002")
    assert (an.email, an.first_name, an.last_name, an.location) == (
        "an.peeters@example.com",
        "An",
        "Peeters",
        gent,
    )
    assert (luc.location.name, luc.team.name, luc.job_role.name, luc.language) == (  # type: ignore[union-attr]
        "Namur",
        "Store Namur",
        "Sales associate",
        "fr",
    )
    assert luc.manager == an and luc.coach == an
    assert not an.has_usable_password() and not luc.has_usable_password()
    assert an.is_active


def test_language_defaults_to_dutch_an_empty_cell_keeps_it_and_regional_codes_work() -> None:
    run(csv_text("1;a@example.com;An;;;;;;;;", "2;b@example.com;Bo;;;;;fr_BE;;;"))
    assert dict(Person.objects.values_list("employee_number", "language")) == {"1": "nl", "2": "fr"}
    Person.objects.filter(employee_number="1").update(language="en")
    run(csv_text("1;a@example.com;An;;;;;;;;", "2;b@example.com;Bo;;;;;EN;;;"))
    assert dict(Person.objects.values_list("employee_number", "language")) == {"1": "en", "2": "en"}


def test_update_by_employee_number_lists_the_changed_fields(
    make_person: Callable[..., Person], gent: Location
) -> None:
    person = make_person(
        "An", employee_number="1001", email="an@old.example", location=gent, language="nl"
    )
    Person.objects.filter(pk=person.pk).update(last_name="Peters")
    plan = plan_for(csv_text(AN.replace(";Gent;", ";gent;")))
    (row,) = plan.rows
    assert row.action is Action.UPDATE
    assert row.person_id == person.pk
    assert row.changed_columns == ("email", "last_name", "job_role", "team", "roles")
    changes = {c.column: (c.old, c.new) for c in row.changes}
    assert changes["email"] == ("an@old.example", "an.peeters@example.com")
    assert changes["last_name"] == ("Peters", "Peeters")
    assert plan.new_locations == ()  # "gent" is the existing Gent

    run(csv_text(AN))

    person.refresh_from_db()
    assert (person.email, person.last_name, person.location, person.team.name) == (  # type: ignore[union-attr]
        "an.peeters@example.com",
        "Peeters",
        gent,
        "Store Gent",
    )
    assert roles_of(Person.objects.get(pk=person.pk)) == {Role.LEARNER, Role.COACH}
    assert person.has_usable_password()  # an update leaves the password alone


def test_importing_the_same_file_again_changes_nothing() -> None:
    run(csv_text(AN, LUC))
    before = snapshot()
    plan = plan_for(csv_text(AN, LUC))
    assert [row.action for row in plan.rows] == [Action.UNCHANGED, Action.UNCHANGED]
    applied = run(csv_text(AN, LUC))
    assert applied.counts()["update"] == 0
    assert snapshot() == before


def test_absent_columns_are_left_alone_and_empty_cells_clear(
    make_person: Callable[..., Person], lena: Person
) -> None:
    boss = make_person("Boss", employee_number="9")
    Person.objects.filter(pk=lena.pk).update(employee_number="5", manager=boss)
    text = csv_text(
        "5;lena@example.test;Lena;Test;;",
        header="employee_number;email;first_name;last_name;team;manager_employee_number",
    )
    (row,) = plan_for(text).rows
    assert row.changed_columns == ("team", "manager_employee_number")
    run(text)
    lena.refresh_from_db()
    assert lena.team is None and lena.manager is None
    assert lena.location is not None and lena.job_role is not None and lena.language == "nl"


def test_someone_without_employee_number_is_matched_on_email(lena: Person) -> None:
    text = csv_text("77;LENA@example.test;Lena;Test;;;;;;;")
    (row,) = plan_for(text).rows
    assert row.action is Action.UPDATE and row.person_id == lena.pk
    assert row.changed_columns[0] == "employee_number"
    run(text)
    lena.refresh_from_db()
    assert lena.employee_number == "77"
    assert Person.objects.count() == 1


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ("1;not-an-address;An;;;;;;;;", "email", "not a valid e-mail address"),
        ("1;a@example.com;An;;;;;de;;;", "language", "use nl, fr or en"),
        ("1;a@example.com;An;;;;;;;;coach|wizard", "roles", "Unknown role “wizard”"),
        ("1;a@example.com;;;;;;;;;", "first_name", "required"),
        (";a@example.com;An;;;;;;;;", "employee_number", "required"),
        ("1;;An;;;;;;;;", "email", "required"),
        ("1" * 41 + ";a@example.com;An;;;;;;;;", "employee_number", "40 characters"),
        ("1;a@example.com;An;;;;;;1;;", "manager_employee_number", "own manager"),
        ("1;a@example.com;An;;;;;;;1;", "coach_employee_number", "own coach"),
        (
            "1;a@example.com;An;;;;;;404;;",
            "manager_employee_number",
            "No one has employee number 404",
        ),
    ],
)
def test_per_row_errors_name_the_column(row: str, column: str, message: str) -> None:
    plan = plan_for(csv_text("2;ok@example.com;Ok;;;;;;;;", row))
    assert plan.rows[0].action is Action.CREATE
    bad = plan.rows[1]
    assert bad.action is Action.ERROR
    assert [error.column for error in bad.errors] == [column]
    assert message in bad.errors[0].message
    assert not plan.is_valid


def test_duplicate_numbers_and_addresses_in_the_file_are_errors_on_each_line() -> None:
    plan = plan_for(
        csv_text(
            "1;a@example.com;An;;;;;;;;",
            "1;b@example.com;Bo;;;;;;;;",
            "2;A@Example.com;Ann;;;;;;;;",
        )
    )
    assert errors_of(plan, 2) == [
        "employee_number: Employee number 1 is also on line 3.",
        "email: The e-mail address a@example.com is also on line 4.",
    ]
    assert errors_of(plan, 3) == ["employee_number: Employee number 1 is also on line 2."]
    assert errors_of(plan, 4) == ["email: The e-mail address a@example.com is also on line 2."]


def test_an_address_that_belongs_to_someone_else_in_leerpad_is_an_error(
    make_person: Callable[..., Person],
) -> None:
    make_person("Bob", employee_number="9", email="bob@example.test")
    make_person("Cleo", employee_number="10", email="cleo@example.test")
    new_number = plan_for(csv_text("11;BOB@example.test;Bobby;;;;;;;;"))
    assert errors_of(new_number, 2) == [
        "email: The e-mail address bob@example.test belongs to Bob Test (employee number 9) "
        "in Leerpad."
    ]
    existing_number = plan_for(csv_text("10;bob@example.test;Cleo;;;;;;;;"))
    assert "belongs to Bob Test" in errors_of(existing_number, 2)[0]


def test_manager_and_coach_may_be_in_the_file_in_any_order_or_already_in_leerpad(
    make_person: Callable[..., Person],
) -> None:
    director = make_person("Dina", employee_number="1")
    text = csv_text(
        "3;c@example.com;Cas;;;;;;2;;",
        "2;b@example.com;Bo;;;;;;1;3;",
    )
    plan = plan_for(text)
    assert plan.is_valid, plan.rows
    run(text)
    bo = Person.objects.get(employee_number="2")
    cas = Person.objects.get(employee_number="3")
    assert cas.manager == bo and bo.manager == director and bo.coach == cas

    # Moving Bo to a new manager who arrives in the same file.
    run(csv_text("2;b@example.com;Bo;;;;;;4;3;", "4;d@example.com;Dee;;;;;;;;"))
    bo.refresh_from_db()
    assert bo.manager is not None and bo.manager.employee_number == "4"


def test_people_who_manage_each_other_are_linked_too() -> None:
    run(
        csv_text(
            "1;a@example.com;An;;;;;;2;3;",
            "2;b@example.com;Bo;;;;;;1;;",
            "3;c@example.com;Cy;;;;;;2;1;",
        )
    )
    people = {p.employee_number: p for p in Person.objects.select_related("manager", "coach")}
    assert people["1"].manager == people["2"] and people["1"].coach == people["3"]
    assert people["2"].manager == people["1"]
    assert people["3"].manager == people["2"] and people["3"].coach == people["1"]


def test_a_manager_matched_on_email_in_the_same_file_is_linked(lena: Person, cas: Person) -> None:
    text = csv_text("1;cas@example.test;Cas;Test;;;;;;;", "2;lena@example.test;Lena;Test;;;;;;1;")
    plan = plan_for(text)
    assert plan.is_valid
    lena_row = plan.rows[1]
    assert "coach_employee_number" not in lena_row.changed_columns  # Cas coaches Lena already
    run(text)
    lena.refresh_from_db()
    assert lena.coach == cas
    cas.refresh_from_db()
    assert cas.employee_number == "1"


def test_roles_change_only_when_the_column_is_there(
    make_person: Callable[..., Person],
) -> None:
    mira = make_person("Mira", Role.MARKETER, employee_number="5")
    without_roles = "employee_number;email;first_name\n5;mira@example.test;Mira\n"
    assert plan_for(without_roles).rows[0].action is Action.UNCHANGED

    run(csv_text("5;mira@example.test;Mira;Test;;;;;;;coach | ld_specialist|learner"))
    assert roles_of(Person.objects.get(pk=mira.pk)) == {
        Role.LEARNER,
        Role.COACH,
        Role.LD_SPECIALIST,
    }
    run(csv_text("5;mira@example.test;Mira;Test;;;;;;;"))
    assert roles_of(Person.objects.get(pk=mira.pk)) == {Role.LEARNER}


def test_an_admin_cannot_take_away_their_own_admin_role(ada: Person) -> None:
    Person.objects.filter(pk=ada.pk).update(employee_number="1")
    text = csv_text("1;ada@example.test;Ada;Test;;;;en;;;coach")
    assert "your own admin role" in errors_of(plan_for(text, by=ada), 2)[0]
    assert plan_for(text).is_valid  # someone else (or the command line) may


def test_one_bad_row_means_nothing_is_written(make_person: Callable[..., Person]) -> None:
    make_person("Old", employee_number="1001", email="old@example.test")
    before = snapshot()
    text = csv_text(AN, LUC, "1003;broken;Sara;;;;;;;;")
    record = PeopleImport.objects.create(filename="hr.csv", content=text)
    with pytest.raises(ImportRefused) as refused:
        people_import.apply(record)
    assert refused.value.plan is not None
    assert [row.line for row in refused.value.plan.error_rows] == [4]
    assert snapshot() == before
    record.refresh_from_db()
    assert record.status == PeopleImport.Status.PREVIEWED and record.applied_at is None


def test_a_failure_halfway_rolls_everything_back(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the disk is full")

    # Roles are set last, after people, org units and links were written.
    monkeypatch.setattr(services, "set_roles", fail)
    before = snapshot()
    record = PeopleImport.objects.create(filename="hr.csv", content=csv_text(AN, LUC))
    with pytest.raises(RuntimeError):
        people_import.apply(record)
    assert snapshot() == before
    record.refresh_from_db()
    assert record.status == PeopleImport.Status.PREVIEWED


def test_apply_checks_the_database_again(make_person: Callable[..., Person]) -> None:
    text = csv_text(AN, LUC)
    record = PeopleImport.objects.create(filename="hr.csv", content=text)
    digest = plan_for(text).digest()
    # Between preview and apply someone takes Luc's address.
    make_person("Lucas", employee_number="77", email="luc.dubois@example.com")
    with pytest.raises(ImportRefused, match="errors"):
        people_import.apply(record, expected_digest=digest)
    assert Person.objects.count() == 1


def test_apply_notices_that_the_plan_changed_since_the_preview(
    make_person: Callable[..., Person],
) -> None:
    text = csv_text(AN)
    record = PeopleImport.objects.create(filename="hr.csv", content=text)
    digest = plan_for(text).digest()
    make_person("An", employee_number="1001", email="an.peeters@example.com")
    with pytest.raises(PlanChanged):
        people_import.apply(record, expected_digest=digest)
    # Looked at again, it applies.
    people_import.apply(record, expected_digest=plan_for(text).digest())


def test_apply_stores_the_summary_and_refuses_a_second_time(ada: Person) -> None:
    record = PeopleImport.objects.create(filename="hr.csv", content=csv_text(AN, LUC))
    people_import.apply(record, by=ada)
    record.refresh_from_db()
    assert record.status == PeopleImport.Status.APPLIED
    assert record.applied_at is not None
    assert record.summary["create"] == 2 and record.summary["applied_by"] == ada.pk
    assert record.summary["new_locations"] == ["Gent", "Namur"]
    assert [row["employee_number"] for row in record.summary["changed"]] == ["1001", "1002"]
    with pytest.raises(ImportRefused, match="already applied"):
        people_import.apply(record, by=ada)


def _many_rows(count: int) -> str:
    rows = ["1;boss@example.com;Boss;;Director;Head office;Board;nl;;;admin"]
    rows += [
        f"{n};person{n}@example.com;P{n};Last;Role {n % 7};Shop {n % 11};Team {n % 13};fr;1;"
        f"{'1' if n % 2 else ''};{'coach' if n % 50 == 0 else ''}"
        for n in range(2, count + 1)
    ]
    return csv_text(*rows)


def test_query_counts_stay_bounded_for_hundreds_of_rows(
    django_assert_max_num_queries: Callable[[int], Any],
) -> None:
    text = _many_rows(400)
    with django_assert_max_num_queries(8):
        plan = plan_for(text)
    assert plan.counts()["create"] == 400
    record = PeopleImport.objects.create(filename="hr.csv", content=text)
    # Bulk writes; only the 9 people with a role cost queries per person (set_roles).
    with django_assert_max_num_queries(30 + 9 * 6):
        people_import.apply(record)
    assert Person.objects.count() == 400
    assert Person.objects.filter(manager__employee_number="1").count() == 399

    changed = text.replace(";Last;", ";Other;")
    with django_assert_max_num_queries(10):
        plan = plan_for(changed)
    assert plan.counts()["update"] == 399  # the boss has no last name
    record = PeopleImport.objects.create(filename="hr.csv", content=changed)
    with django_assert_max_num_queries(20):
        people_import.apply(record)
    assert Person.objects.filter(last_name="Other").count() == 399


# --- The pages ------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client_for: Callable[[Person], Client], ada: Person) -> Client:
    client = client_for(ada)
    client.cookies["leerpad_language"] = "en"
    return client


def upload(client: Client, text: str | bytes, name: str = "hr.csv") -> Any:
    data = text.encode() if isinstance(text, str) else text
    return client.post(
        "/accounts/people/import/", {"file": SimpleUploadedFile(name, data, "text/csv")}
    )


def test_only_people_managers_may_import(
    client: Client, client_for: Callable[[Person], Client], lena: Person
) -> None:
    record = PeopleImport.objects.create(filename="hr.csv", content=csv_text(AN))
    urls = [
        "/accounts/people/import/",
        f"/accounts/people/import/{record.pk}/",
        "/accounts/people/import/example.csv",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    learner = client_for(lena)
    for url in urls:
        assert learner.get(url).status_code == 403
    assert learner.post(f"/accounts/people/import/{record.pk}/").status_code == 403
    assert Person.objects.count() == 1


def test_upload_preview_and_apply(admin_client: Client, ada: Person) -> None:
    page = admin_client.get("/accounts/people/import/")
    assert page.status_code == 200
    assert "manager_employee_number" in page.content.decode()

    response = upload(admin_client, csv_text(AN, LUC))
    record = PeopleImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/people/import/{record.pk}/"
    assert record.uploaded_by == ada and record.status == PeopleImport.Status.PREVIEWED

    preview = admin_client.get(response["Location"])
    html = preview.content.decode()
    assert preview.context["counts"]["create"] == 2
    assert "an.peeters@example.com" in html and "Namur" in html
    assert 'name="digest"' in html
    assert Person.objects.count() == 1  # just Ada

    applied = admin_client.post(response["Location"], {"digest": preview.context["digest"]})
    assert applied.status_code == 302 and applied["Location"] == "/accounts/people/"
    assert Person.objects.filter(employee_number__in=["1001", "1002"]).count() == 2
    people_page = admin_client.get("/accounts/people/").content.decode()
    assert "The import was applied: 2 new, 0 updated, 0 unchanged." in people_page

    summary = admin_client.get(response["Location"])
    assert summary.context["applied"] is True
    assert "Import applied" in summary.content.decode()
    assert "hr.csv" in admin_client.get("/accounts/people/import/").content.decode()


def test_a_preview_with_errors_highlights_them_and_cannot_be_applied(admin_client: Client) -> None:
    upload(admin_client, csv_text(AN, "1002;broken;Luc;;;;;;;;"))
    record = PeopleImport.objects.get()
    url = f"/accounts/people/import/{record.pk}/"
    html = admin_client.get(url).content.decode()
    assert 'class="row-error"' in html
    assert "is not a valid e-mail address" in html
    assert 'name="digest"' not in html
    errors_only = admin_client.get(url + "?show=errors")
    assert [row.line for row in errors_only.context["page"].object_list] == [3]

    response = admin_client.post(url, {"digest": "forged"})
    assert response.status_code == 302 and response["Location"] == url
    assert Person.objects.count() == 1
    record.refresh_from_db()
    assert record.status == PeopleImport.Status.PREVIEWED


def test_a_stale_preview_is_shown_again_instead_of_applied(
    admin_client: Client, make_person: Callable[..., Person]
) -> None:
    upload(admin_client, csv_text(AN))
    record = PeopleImport.objects.get()
    url = f"/accounts/people/import/{record.pk}/"
    digest = admin_client.get(url).context["digest"]
    make_person("An", employee_number="1001", email="an.peeters@example.com")
    response = admin_client.post(url, {"digest": digest}, follow=True)
    assert "changed since this preview" in response.content.decode()
    assert PeopleImport.objects.get().status == PeopleImport.Status.PREVIEWED


def test_a_preview_without_changes_offers_nothing_to_apply(admin_client: Client) -> None:
    run(csv_text(AN, LUC))
    upload(admin_client, csv_text(AN, LUC))
    record = PeopleImport.objects.get(status=PeopleImport.Status.PREVIEWED)
    response = admin_client.get(f"/accounts/people/import/{record.pk}/?show=changes")
    html = response.content.decode()
    assert response.context["counts"]["unchanged"] == 2
    assert 'name="digest"' not in html
    assert "everyone in the file is up to date" in html


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("people.xlsx", b"PK\x03\x04", "spreadsheet, not a CSV file"),
        ("photo.png", b"\x89PNG", "Choose a .csv file"),
        ("hr.csv", b"email;first_name\na@example.com;An\n", "Required columns are missing"),
        ("hr.csv", b"employee_number;email;first_name\n", "no people in it"),
        ("hr.csv", b"\xff\x00\x81", "not a text file"),
    ],
)
def test_uploads_are_checked(admin_client: Client, name: str, data: bytes, message: str) -> None:
    response = admin_client.post(
        "/accounts/people/import/",
        {"file": SimpleUploadedFile(name, data, "application/octet-stream")},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PeopleImport.objects.exists()


def test_upload_needs_a_file_of_acceptable_size(admin_client: Client, settings: Any) -> None:
    response = admin_client.post("/accounts/people/import/", {})
    assert "Choose the CSV file to import." in response.content.decode()
    settings.LEERPAD_IMPORT_MAX_BYTES = 50
    response = upload(admin_client, csv_text(AN, LUC))
    assert "The file is larger than 50" in response.content.decode()
    assert not PeopleImport.objects.exists()


def test_the_example_file_downloads_and_imports_cleanly(admin_client: Client) -> None:
    response = admin_client.get("/accounts/people/import/example.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    plan = people_import.make_plan(people_import.parse_bytes(response.content))
    assert plan.is_valid
    assert plan.counts()["create"] == 3


def test_the_people_page_links_to_the_import(admin_client: Client) -> None:
    assert "/accounts/people/import/" in admin_client.get("/accounts/people/").content.decode()


# --- The command ----------------------------------------------------------------------------


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "hr.csv"
    path.write_bytes(text.encode("cp1252"))
    return path


def test_command_dry_run_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("importpeople", str(write(tmp_path, csv_text(AN, LUC))), verbosity=2)
    out = capsys.readouterr().out
    assert "2 rows: 2 new, 0 to update, 0 unchanged, 0 with errors." in out
    assert "line 3: new: 1002 Luc Dubois" in out
    assert "Dry run" in out
    assert Person.objects.count() == 0 and not PeopleImport.objects.exists()


def test_command_applies(tmp_path: Path, ada: Person, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, csv_text(AN, LUC))
    call_command("importpeople", str(path), "--apply", "--by", "ADA@example.test")
    assert "Imported: 2 new, 0 updated, 0 unchanged." in capsys.readouterr().out
    assert Person.objects.filter(employee_number__in=["1001", "1002"]).count() == 2
    record = PeopleImport.objects.get()
    assert record.status == PeopleImport.Status.APPLIED and record.uploaded_by == ada


def test_command_fails_with_the_errors_per_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, csv_text(AN, "1002;luc;Luc;;;;;xx;;;"))
    with pytest.raises(CommandError, match="nothing was imported") as failed:
        call_command("importpeople", str(path), "--apply")
    assert failed.value.returncode == 1
    err = capsys.readouterr().err
    assert "line 3: email: “luc” is not a valid e-mail address." in err
    assert "line 3: language:" in err
    assert Person.objects.count() == 0 and not PeopleImport.objects.exists()


def test_command_reports_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("importpeople", str(tmp_path / "missing.csv"))
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(CommandError, match="empty"):
        call_command("importpeople", str(tmp_path / "empty.csv"))
