"""`siee refer / feedback / place / followups / report fairness` with the acting user's scope."""

from __future__ import annotations

import json

import pytest

from siee.cli import main
from siee.intermediation.models import FollowUp, Referral


@pytest.fixture
def run(capsys, settings):
    settings.SIEE_NOTIFICATION_BACKEND = "whatsapp-link"  # keep stdout for the command's own output

    def _run(*argv):
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return _run


def test_done_when_from_the_cli(actors, cook, run):
    vacancy, people = cook["vacancy"], cook["people"]
    ids = []
    for person in people:
        code, out, err = run("refer", "--vacancy", str(vacancy.pk), "--person", str(person.pk),
                             "--as", "orientadora_bga", "--json")
        assert (code, err) == (0, "")
        data = json.loads(out)
        assert (data["person"]["id"], data["status"]) == (person.pk, "referred")
        ids.append(data["id"])
    assert run("feedback", str(ids[0]), "--status", "interviewed", "--as", "orientadora_bga") == (
        0, f"Remisión {ids[0]}: Entrevistada.\n", "")
    assert run("feedback", str(ids[0]), "--status", "hired", "--as", "orientadora_bga")[0] == 0
    code, out, err = run("feedback", str(ids[1]), "--status", "rejected", "--reason", "wage", "--as", "admin_bga")
    assert (code, out) == (0, f"Remisión {ids[1]}: No seleccionada (motivo: No hubo acuerdo salarial).\n")

    code, out, err = run("place", str(ids[0]), "--start", "2026-01-31", "--contract", "fixed", "--wage", "1600000",
                         "--as", "orientadora_bga")
    assert (code, err) == (0, "")
    follow_ups = list(FollowUp.objects.order_by("months_after"))
    assert out.splitlines()[1:] == [
        f"  seguimiento {follow_ups[0].pk}:  1 meses, 2026-02-28, asignado a orientadora_bga",
        f"  seguimiento {follow_ups[1].pk}:  3 meses, 2026-04-30, asignado a orientadora_bga",
        f"  seguimiento {follow_ups[2].pk}:  6 meses, 2026-07-31, asignado a orientadora_bga",
        f"  seguimiento {follow_ups[3].pk}: 12 meses, 2027-01-31, asignado a orientadora_bga",
    ]
    code, out, _ = run("followups", "--overdue", "--today", "2026-05-01", "--as", "orientadora_bga", "--json")
    assert [(f["months_after"], f["overdue"]) for f in json.loads(out)] == [(1, True), (3, True)]
    code, out, _ = run("followups", "--overdue", "--today", "2026-05-01", "--as", "orientadora_bga")
    assert out.splitlines()[-1] == "2 seguimientos vencidos al 2026-05-01."
    assert run("followups", "done", str(follow_ups[0].pk), "--employed", "yes", "--wage", "1650000",
               "--as", "orientadora_bga")[:2] == (0, f"Seguimiento {follow_ups[0].pk} registrado: sigue empleada.\n")
    code, out, _ = run("followups", "--overdue", "--today", "2026-05-01", "--as", "orientadora_bga", "--json")
    assert [f["months_after"] for f in json.loads(out)] == [3]


def test_outsider_is_refused_from_the_cli(actors, cook, run):
    vacancy, person = cook["vacancy"], cook["people"][0]
    code, out, err = run("refer", "--vacancy", str(vacancy.pk), "--person", str(person.pk), "--as", "orientador_cali")
    assert (code, out, err) == (1, "", "Error: Persona no encontrada.\n")
    assert Referral.objects.count() == 0
    ok = run("refer", "--vacancy", str(vacancy.pk), "--person", str(person.pk), "--as", "orientadora_bga", "--json")
    rid = json.loads(ok[1])["id"]
    assert run("feedback", str(rid), "--status", "hired", "--as", "orientador_cali") == (
        1, "", "Error: Remisión no encontrada.\n")
    assert run("followups", "--as", "orientador_cali", "--json")[:2] == (0, "[]\n")
    code, out, err = run("report", "fairness", "--territory", "68001", "--as", "orientador_cali")
    assert (code, err) == (1, "Error: Territorio no encontrado.\n")


def test_invalid_transition_from_the_cli(actors, cook, run):
    ok = run("refer", "--vacancy", str(cook["vacancy"].pk), "--person", str(cook["people"][0].pk),
             "--as", "orientadora_bga", "--json")
    rid = json.loads(ok[1])["id"]
    run("feedback", str(rid), "--status", "hired", "--as", "orientadora_bga")
    code, out, err = run("feedback", str(rid), "--status", "interviewed", "--as", "orientadora_bga")
    assert (code, out, err) == (1, "", "Error: No se puede pasar de «Contratada» a «Entrevistada».\n")
    code, out, err = run("place", str(rid), "--start", "2026-02-30", "--contract", "fixed", "--wage", "1",
                         "--as", "orientadora_bga")
    assert (code, err) == (1, "Error: start_date: fecha imposible: '2026-02-30'\n")


def test_report_fairness_from_the_cli(actors, cook, run):
    code, out, err = run("report", "fairness", "--territory", "68001", "--as", "admin_bga", "--json", "--no-check")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert (data["stages"]["eligible"]["n"], data["stages"]["referred"]["n"], data["sensitive_attribute_check"]) == (3, 0, None)
    code, out, err = run("report", "fairness", "--territory", "68001", "--as", "admin_bga")
    assert code == 0
    assert "no son entradas del puntaje" in out
    assert "Comprobación de atributos invertidos (" in out


@pytest.mark.parametrize("argv", [["refer"], ["feedback"], ["place"], ["followups"], ["report", "fairness"]])
def test_every_command_has_help(argv, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([*argv, "--help"])
    assert exit_.value.code == 0
    assert "usage: siee" in capsys.readouterr().out
