"""yaml imported with NON_PRINTABLE's compile deferred: same pattern, same answers, later.

Each check runs in a fresh interpreter: the deferral only happens on yaml's first import.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from planner.documents.yamlimport import NON_PRINTABLE


def run(code: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_the_pattern_is_pyyamls_own() -> None:
    # Plain `import yaml`: if PyYAML ever changes the pattern, the deferral stops matching it
    # (yaml then compiles it as usual) and this test says so.
    out = run(
        """
        import json, yaml
        print(json.dumps({"pattern": yaml.reader.Reader.NON_PRINTABLE.pattern}))
        """
    )
    assert out["pattern"] == NON_PRINTABLE


def test_loading_a_plan_defers_the_compile_and_answers_as_the_real_pattern() -> None:
    out = run(
        """
        import json, re, sys
        import planner.documents.loader
        import yaml
        from planner.documents.yamlimport import NON_PRINTABLE
        stand_in = yaml.reader.Reader.NON_PRINTABLE
        deferred = type(stand_in).__name__
        left_in_cache = (str, NON_PRINTABLE, 0) in re._cache
        real = re.compile(NON_PRINTABLE)
        texts = ["plain", "tab\\there", "bell\\x07", "\\x85ok", "\\ufffe", "\\U0001f600", "a\\x00b"]
        same = all(
            (stand_in.search(t) and stand_in.search(t).span()) == (real.search(t) and real.search(t).span())
            for t in texts
        )
        print(json.dumps({
            "deferred": deferred,
            "left_in_cache": left_in_cache,
            "real_is_a_pattern": isinstance(real, re.Pattern),
            "same": same,
        }))
        """
    )
    assert out == {
        "deferred": "_DeferredPattern",
        "left_in_cache": False,
        "real_is_a_pattern": True,
        "same": True,
    }


def test_the_pure_python_loader_still_refuses_control_characters() -> None:
    out = run(
        """
        import json
        import planner.documents.yamlload
        import yaml
        try:
            yaml.load("a: \\x07", Loader=yaml.SafeLoader)
            error = None
        except yaml.reader.ReaderError as exc:
            error = str(exc).splitlines()[0]
        print(json.dumps({"error": error, "ok": yaml.load("a: 1", Loader=yaml.SafeLoader)}))
        """
    )
    assert out["error"] == "unacceptable character #x0007: special characters are not allowed"
    assert out["ok"] == {"a": 1}


def test_yaml_imported_before_is_left_alone() -> None:
    out = run(
        """
        import json, re
        import yaml
        import planner.documents.yamlimport as yi
        print(json.dumps({
            "same_module": yi.import_yaml() is yaml,
            "compiled": isinstance(yaml.reader.Reader.NON_PRINTABLE, re.Pattern),
        }))
        """
    )
    assert out == {"same_module": True, "compiled": True}
