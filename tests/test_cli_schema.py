"""`gsd schema KIND`: the JSON Schema of a document's frontmatter, on stdout."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from planner import cli

runner = CliRunner()


@pytest.mark.parametrize("kind", ["plan", "summary", "verification", "PLAN"])
def test_schema_kinds(kind: str) -> None:
    schema_module = pytest.importorskip("planner.documents.schema")
    result = runner.invoke(cli.app, ["schema", kind])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data == json.loads(json.dumps(schema_module.json_schema(kind.lower())))
    assert isinstance(data, dict) and data


def test_unknown_kind_is_a_usage_error() -> None:
    result = runner.invoke(cli.app, ["schema", "roadmap"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "error[GSD230]: unknown schema kind 'roadmap'" in result.stderr
