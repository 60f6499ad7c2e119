"""The README is a newcomer's path: every command and every setting is documented there,
and the contract's set-up commands come first."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from assistant.cli import main
from assistant.config import Settings

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: str = "") -> list[str]:
    names = []
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            names += _commands(command, f"{prefix}{name} ")
        else:
            names.append(f"{prefix}{name}")
    return names


@pytest.mark.parametrize("command", _commands(main))
def test_every_cli_command_is_in_the_readme(command: str):
    assert f"assistant {command}" in README


@pytest.mark.parametrize("field", sorted(Settings.model_fields))
def test_every_setting_is_in_the_readme(field: str):
    assert f"ASSISTANT_{field.upper()}" in README


def test_two_commands_come_first():
    assert README.index("make run") < README.index("## A short tour")
    assert README.index("make test") < README.index("## A short tour")
