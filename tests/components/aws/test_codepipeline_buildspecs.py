"""The CI/CD buildspecs, run as CodeBuild runs them: each command of a phase in bash, a phase
failing as soon as one command exits non-zero, against stub `aws`/`docker` commands that
record their arguments."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

from ruamel.yaml import YAML

from components.aws.codepipeline.buildspecs import BUILDSPECS

# A stub reads what is piped to it, as `docker login --password-stdin` does: one that did not
# could exit before its writer (`aws ecr get-login-password`) wrote, which then dies of
# SIGPIPE (141) under `pipefail` now and then, failing the phase for no reason of its own.
STUB = """#!/bin/bash
if [ -p /dev/stdin ]; then cat > /dev/null; fi
echo "$(basename "$0") $*" >> "$CALLS"
for failing in $FAIL_ON; do
  case "$*" in *"$failing"*) exit 254 ;; esac
done
echo stub-output
"""


def commands(stage: str, phase: str) -> list[str]:
    spec = YAML(typ="safe").load(BUILDSPECS[stage])
    found: list[str] = spec["phases"][phase]["commands"]
    return found


def run_phase(
    tmp_path: Path, stage: str, phase: str, env: dict[str, str], fail_on: str = "no-such-call"
) -> tuple[int, list[str]]:
    """Run a phase's commands one by one, as CodeBuild does; return its status and the calls.

    A stub call fails when it contains one of the space-separated words of `fail_on`."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for name in ("aws", "docker"):
        stub = bin_dir / name
        stub.write_text(STUB)
        stub.chmod(stub.stat().st_mode | stat.S_IEXEC)
    calls = tmp_path / "calls"
    calls.touch()
    environment = {"PATH": f"{bin_dir}:{os.environ['PATH']}", "CALLS": str(calls),
                   "FAIL_ON": fail_on, **env}  # fmt: skip
    for command in commands(stage, phase):
        done = subprocess.run(["bash", "-c", command], cwd=tmp_path, env=environment,
                              stdin=subprocess.DEVNULL, capture_output=True,
                              text=True)  # fmt: skip
        if done.returncode != 0:
            return done.returncode, calls.read_text().splitlines()
    return 0, calls.read_text().splitlines()


TRAIN_ENV = {
    "CODEBUILD_RESOLVED_SOURCE_VERSION": "0123456789abcdef",
    "IMAGE_REPOSITORY_URL": "123456789012.dkr.ecr.us-east-1.amazonaws.com/fraud",
    "MODEL_ARTIFACT_URI": "s3://fraud-models/",
    "TRAINING_PIPELINE_NAME": "fraud-prod-training",
}


def train_source(tmp_path: Path, dockerfile: bool) -> None:
    (tmp_path / "pipeline").mkdir()
    (tmp_path / "pipeline" / "preprocess.py").write_text("")
    (tmp_path / "pipeline" / "evaluate.py").write_text("")
    if dockerfile:
        (tmp_path / "Dockerfile").write_text("FROM scratch\n")


def test_train_commands_are_one_block_that_stops_at_the_first_failure() -> None:
    # CodeBuild keeps no bash array from one command to the next, and a block without
    # `set -e` reports the status of its last line only.
    [block] = commands("train", "build")

    assert block.startswith("set -euo pipefail\n")


def test_train_stage_fails_when_the_training_run_cannot_start(tmp_path: Path) -> None:
    train_source(tmp_path, dockerfile=False)

    status, calls = run_phase(tmp_path, "train", "build", TRAIN_ENV, "start-pipeline-execution")

    assert status != 0
    assert any("start-pipeline-execution" in call for call in calls)


def test_train_stage_passes_the_commits_code_and_image_to_the_run(tmp_path: Path) -> None:
    train_source(tmp_path, dockerfile=True)

    status, calls = run_phase(tmp_path, "train", "build", TRAIN_ENV, "describe-images")

    assert status == 0
    [start] = [call for call in calls if "start-pipeline-execution" in call]
    assert "Name=CodeUri,Value=s3://fraud-models/code/0123456789ab/" in start
    assert f"Name=TrainingImage,Value={TRAIN_ENV['IMAGE_REPOSITORY_URL']}:0123456789ab" in start


def test_train_stage_stops_when_the_image_cannot_be_pushed(tmp_path: Path) -> None:
    train_source(tmp_path, dockerfile=True)

    status, calls = run_phase(tmp_path, "train", "build", TRAIN_ENV, "describe-images push")

    assert status != 0
    assert not any("start-pipeline-execution" in call for call in calls)
