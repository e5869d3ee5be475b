"""The pre-commit hooks, with the real pre-commit client: a repository with
a broken model file fails the lint hook with the KS lines; the fix hook
repairs it (and fails, having changed files); then the lint hook passes."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

BROKEN = '''import keras


class Scale(keras.layers.Layer):
    def __init__(self, factor):
        super().__init__()
        self.factor = factor

    def call(self, x):
        return x * self.factor
'''

pytestmark = pytest.mark.slow


def run(*command: str, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)


def test_try_repo_lint_fix_lint(tmp_path):
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "GIT_AUTHOR_NAME": "t",
           "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    project = tmp_path / "project"
    project.mkdir()
    (project / "model.py").write_text(BROKEN)
    run("git", "init", "-q", cwd=project, env=env)
    run("git", "add", "model.py", cwd=project, env=env)
    pre_commit = [sys.executable, "-m", "pre_commit", "try-repo", str(REPO)]

    lint = run(*pre_commit, "keras-serial", "--all-files", cwd=project, env=env)
    assert lint.returncode == 1, lint.stdout + lint.stderr
    assert "model.py:4:1: KS105 Scale is not registered" in lint.stdout
    assert "model.py:5:5: KS104 Scale.__init__ has no **kwargs" in lint.stdout

    fix = run(*pre_commit, "keras-serial-fix", "--all-files", cwd=project, env=env)
    assert fix.returncode == 1, fix.stdout + fix.stderr
    assert "files were modified by this hook" in fix.stdout
    assert "@keras.saving.register_keras_serializable(" in (project / "model.py").read_text()

    again = run(*pre_commit, "keras-serial", "--all-files", cwd=project, env=env)
    assert again.returncode == 0, again.stdout + again.stderr
