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

    # A file the fixer cannot parse fails the fix hook (exit 2), and says where.
    (project / "broken.py").write_text("import keras\nclass L(keras.layers.Layer:\n    pass\n")
    run("git", "add", "broken.py", cwd=project, env=env)
    broken = run(*pre_commit, "keras-serial-fix", "--all-files", cwd=project, env=env)
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "broken.py:2:28: E999 SyntaxError: invalid syntax (not fixed)" in broken.stdout
    assert "files were modified by this hook" not in broken.stdout


def _toml(path: Path) -> dict:
    import tomllib

    return tomllib.loads(path.read_text())


def test_release_0_2_0_installs_from_the_repository_and_its_extras_agree():
    """One version everywhere; the README installs from a git+ URL at tag v0.2.0 (no index
    serves the package); [verify] and the verify hook take the same TensorFlow as [test]."""
    import yaml

    from flake8_keras_serial import __version__

    project = _toml(REPO / "pyproject.toml")["project"]
    assert project["version"] == __version__ == "0.2.0"
    assert project["requires-python"] == ">=3.10"
    version = subprocess.run(
        [sys.executable, "-m", "flake8_keras_serial.cli", "--version"], capture_output=True, text=True, timeout=60
    )
    assert version.stdout == "keras-serial 0.2.0\n"
    extras = project["optional-dependencies"]
    assert extras["verify"] == ["tensorflow>=2.16"]
    assert "tensorflow>=2.16" in extras["test"]
    assert not any("tensorflow-cpu" in requirement for extra in extras.values() for requirement in extra)
    hooks = {hook["id"]: hook for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
    assert hooks["keras-serial-verify"]["additional_dependencies"] == ["tensorflow>=2.16"]
    readme = (REPO / "README.md").read_text()
    assert "rev: v0.2.0" in readme
    assert '"flake8-keras-serial @ git+' in readme and "@v0.2.0" in readme
    assert "Python 3.10" in readme
    bare = [line for line in readme.splitlines() if line.strip().endswith("pip install flake8-keras-serial")]
    assert bare == []
