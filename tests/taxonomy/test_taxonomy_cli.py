"""`siee taxonomy ...` and `siee territories ...` commands."""

from __future__ import annotations

import json

import pytest

from siee.cli import build_parser


def run(argv: list[str]) -> int:
    """Like `siee ARGV` in this process, without `siee.cli.main`'s Django set-up (already done by pytest)."""
    args = build_parser().parse_args(argv)
    return args.func(args)


@pytest.mark.parametrize("argv", [
    ["taxonomy", "--help"], ["taxonomy", "load", "--help"], ["taxonomy", "search", "--help"],
    ["territories", "--help"], ["territories", "load", "--help"],
])
def test_every_command_has_help(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args(argv)
    assert exc.value.code == 0
    assert "usage: siee" in capsys.readouterr().out


@pytest.mark.django_db
@pytest.mark.usefixtures("starter_only")
def test_search_command_prints_json(monkeypatch, capsys):
    monkeypatch.setattr("siee.cli.ensure_database", lambda **kwargs: None)
    assert run(["taxonomy", "search", "cosinero", "--kind", "occupation", "--limit", "1", "--json"]) == 0
    [hit] = json.loads(capsys.readouterr().out)
    assert (hit["label"], hit["isco"]) == ("cocinero/cocinera", "5120")


@pytest.mark.django_db
def test_load_commands_print_a_summary(monkeypatch, capsys):
    monkeypatch.setattr("siee.cli.ensure_database", lambda **kwargs: None)
    assert run(["territories", "load", "--starter", "--country", "EC"]) == 0
    out = capsys.readouterr().out.strip().splitlines()[-1]
    assert out.startswith("Territorios (starter): 54 filas (EC 1+24+29): ") and out.endswith(" s.")
    assert run(["taxonomy", "load", "--starter"]) == 0
    out = capsys.readouterr().out.strip().splitlines()[-1]
    assert out.startswith("Taxonomía (starter): 167 ocupaciones, 227 habilidades, 1083 relaciones")


@pytest.mark.django_db
def test_load_from_a_folder_without_data_fails_cleanly(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr("siee.cli.ensure_database", lambda **kwargs: None)
    assert run(["taxonomy", "load", "--source", str(tmp_path)]) == 1
    assert run(["territories", "load", "--source", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "missing ESCO file" in err and "missing territory file" in err
