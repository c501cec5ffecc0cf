"""`siee people list|show --as USERNAME` applies the same scope as the API: the outsider is refused."""

from __future__ import annotations

import json

import pytest

from factories import make_user
from siee.cli import main
from siee.core.models import AuditAction, AuditEntry


@pytest.fixture
def run(capsys):
    def _run(*argv):
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return _run


def test_outsider_cannot_show_person_from_cli(actors, home_records, run):
    person = home_records["person"]
    code, out, err = run("people", "show", str(person.pk), "--as", "orientador_cali")
    assert code == 1
    assert out == ""
    assert "no encontrada" in err
    assert person.document_number not in err
    denied = AuditEntry.objects.get(action=AuditAction.DENIED, actor=actors.outsider)
    assert (denied.object_id, denied.channel) == (str(person.pk), "cli")


def test_unknown_id_gives_the_same_answer_as_out_of_scope(actors, home_records, run):
    assert run("people", "show", "987654321", "--as", "orientador_cali")[:2] == \
        run("people", "show", str(home_records["person"].pk), "--as", "orientador_cali")[:2]


@pytest.mark.parametrize("username", ["orientadora_bga", "admin_bga"])
def test_home_staff_show_person_from_cli_and_the_sensitive_read_is_audited(actors, home_records, run, username):
    person = home_records["person"]
    code, out, err = run("people", "show", str(person.pk), "--as", username, "--json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert (data["id"], data["document_number"], data["sensitive"]["migration_status"]) == (
        person.pk, "4567890", "regular")
    entry = AuditEntry.objects.get(action=AuditAction.READ_SENSITIVE)
    assert (entry.actor.username, entry.channel, entry.detail) == (username, "cli", {"purpose": "cli:show"})


def test_list_from_cli_is_scoped(actors, home_records, run):
    code, out, _ = run("people", "list", "--as", "orientador_cali", "--json")
    assert code == 0
    assert json.loads(out) == {"count": 0, "items": []}
    code, out, _ = run("people", "list", "--as", "orientadora_bga", "--json")
    assert [p["id"] for p in json.loads(out)["items"]] == [home_records["person"].pk]
    code, out, _ = run("people", "list", "--as", "orientadora_bga")
    assert out.splitlines()[-1] == "1 de 1 personas."
    assert AuditEntry.objects.filter(action=AuditAction.READ_SENSITIVE).count() == 0


def test_analyst_and_unknown_user_are_refused_in_cli(actors, home_records, run):
    make_user(actors.home, "analyst", "analista_bga")
    code, _, err = run("people", "list", "--as", "analista_bga")
    assert code == 1 and "Su rol no permite ver datos personales." in err
    code, _, err = run("people", "show", str(home_records["person"].pk), "--as", "nadie")
    assert code == 1 and "usuario desconocido" in err
