"""The Cloud Build steps as text and as programs: they parse, read only what they are given,
start the run the scheduler would start (from this commit) and deploy as the serving account."""

from __future__ import annotations

import base64
import io
import json
import os
import re
import stat
import subprocess
import time
import urllib.parse
from pathlib import Path
from typing import Any

import pytest

from components.gcp.cloud_build import steps

ALL_STEPS = sorted({step for build in steps.BUILDS.values() for step in build}, key=lambda s: s.id)
TRAINING_SA = "fraud-pipeline@opsblocks-test.iam.gserviceaccount.com"


def exported(step: steps.Step) -> set[str]:
    return {name.lstrip("_") for name in step.env}


@pytest.mark.parametrize("step", ALL_STEPS, ids=lambda s: s.id)
def test_every_script_parses(step: steps.Step) -> None:
    if step.entrypoint == "python3":
        compile(step.script, step.id, "exec")
    else:
        checked = subprocess.run(["bash", "-n", "-c", step.script], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr


@pytest.mark.parametrize("step", ALL_STEPS, ids=lambda s: s.id)
def test_cloud_build_substitutes_nothing_inside_a_script(step: steps.Step) -> None:
    flag, sent = step.args

    assert flag == "-c"
    assert "$" not in sent.replace("$$", "")
    assert sent.replace("$$", "$") == step.script


def test_env_exports_each_substitution_under_its_name_without_the_underscore() -> None:
    assert steps.UPLOAD_TEMPLATES.envs == [
        "IMAGE=${_IMAGE}",
        "PIPELINE_ROOT=${_PIPELINE_ROOT}",
        "TEMPLATE_REPOSITORY=${_TEMPLATE_REPOSITORY}",
        "SHORT_SHA=${SHORT_SHA}",
    ]


@pytest.mark.parametrize("step", ALL_STEPS, ids=lambda s: s.id)
def test_every_variable_a_script_reads_is_exported_to_it(step: steps.Step) -> None:
    if step.entrypoint == "python3":
        read = set(re.findall(r"env\[['\"]([A-Z_]+)['\"]\]", step.script))
    else:
        assigned = set(re.findall(r"^\s*([A-Z_]+)=", step.script, re.MULTILINE))
        assigned |= set(re.findall(r"\bfor ([A-Z_]+) in\b", step.script))
        for names in re.findall(r"read -r ([A-Z_ ]+?)\s*[;<]", step.script):
            assigned |= set(names.split())
        read = set(re.findall(r"\$\{?([A-Z_]+)", step.script)) - assigned

    assert read <= exported(step), f"{step.id} reads {read - exported(step)} it is not given"


def test_built_in_substitutions_are_the_ones_cloud_build_defines() -> None:
    used = {name for step in ALL_STEPS for name in step.env if not name.startswith("_")}

    assert used <= steps.BUILT_IN


def test_a_stage_s_substitutions_are_the_user_defined_ones_its_steps_read() -> None:
    assert steps.substitutions("test") == []
    assert steps.substitutions("deploy") == sorted(
        [
            steps.REGION,
            steps.PIPELINE_NAME,
            steps.PIPELINE_JOB,
            steps.TEST_TRIGGER,
            steps.TRAINING_SA,
            steps.TEMPLATE_REPOSITORY,
            steps.SCHEDULER_JOB,
            steps.KMS_KEY,
            *steps.DEPLOY_SETTINGS,
        ]
    )
    assert steps.IMAGE in steps.substitutions("train")


def test_train_builds_the_image_the_templates_name() -> None:
    assert 'docker push "$IMAGE:$SHORT_SHA"' in steps.BUILD_IMAGE.script
    assert "s|__TRAINING_IMAGE__|$IMAGE:$SHORT_SHA|g" in steps.UPLOAD_TEMPLATES.script


def test_templates_are_kept_per_commit_and_published_as_latest_for_the_schedule() -> None:
    script = steps.UPLOAD_TEMPLATES.script

    assert '"$PIPELINE_ROOT/templates/$SHORT_SHA/"' in script
    assert '-F "tags=commit-$SHORT_SHA,latest"' in script
    assert '"$TEMPLATE_REPOSITORY"' in script


class _Response(io.BytesIO):
    def __enter__(self) -> _Response:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def run_pipeline_step(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Run the pipeline step's Python with fake gcloud and Vertex; return the requests sent."""
    scheduled = {"displayName": "fraud-prod-training", "templateUri": "kfp/latest",
                 "runtimeConfig": {"parameterValues": {"data_uri": "gs://fraud-curated/"}},
                 "serviceAccount": "someone-else@x", "labels": {"scheduled": "yes"}}  # fmt: skip
    body = base64.b64encode(json.dumps(scheduled).encode()).decode()
    sent: list[Any] = []

    def gcloud(command: list[str], **_: Any) -> subprocess.CompletedProcess[str]:
        if command[1:3] == ["scheduler", "jobs"]:
            assert command[3:] == ["describe", "fraud-training-schedule",
                                   "--location=europe-west4", "--format=json"]  # fmt: skip
            out = json.dumps({"httpTarget": {"body": body}})
        else:
            out = "token\n"
        return subprocess.CompletedProcess(command, 0, out, "")

    def urlopen(request: Any) -> _Response:
        sent.append((request.get_method(), request.full_url, request.data))
        state = "PIPELINE_STATE_RUNNING" if len(sent) == 1 else "PIPELINE_STATE_SUCCEEDED"
        return _Response(json.dumps({"name": "projects/p/pipelineJobs/1", "state": state}).encode())

    def sleep(_: float) -> None:
        raise AssertionError("the train build waits for nothing")

    monkeypatch.setattr(subprocess, "run", gcloud)
    monkeypatch.setattr("urllib.request.urlopen", urlopen)
    monkeypatch.setattr("time.sleep", sleep)
    monkeypatch.setattr("time.gmtime", lambda *_: time.struct_time((2026, 1, 2, 3, 4, 5, 4, 2, 0)))
    env = {"PROJECT_ID": "fraud-project", "REGION": "europe-west4", "SHORT_SHA": "abc1234",
           "PIPELINE_NAME": "fraud-prod-training", "TRAINING_SA": TRAINING_SA,
           "SCHEDULER_JOB": "fraud-training-schedule",
           "KMS_KEY": "projects/p/keys/k", "LABELS": json.dumps({"team": "risk"}),
           "TEMPLATE_REPOSITORY": "https://europe-west4-kfp.pkg.dev/fraud-project/t"}  # fmt: skip
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    exec(compile(steps.BUILDS["train"][-1].script, "pipeline", "exec"), {"__name__": "__main__"})
    return sent


def test_pipeline_step_starts_the_scheduled_run_from_this_commit_as_the_training_account(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sent = run_pipeline_step(monkeypatch)
    method, url, data = sent[0]
    job = json.loads(data)

    assert method == "POST"
    assert url == (
        "https://europe-west4-aiplatform.googleapis.com/v1/"
        "projects/fraud-project/locations/europe-west4/pipelineJobs"
        "?pipelineJobId=fraud-prod-training-ci-abc1234-20260102030405"
    )
    assert job["templateUri"] == (
        "https://europe-west4-kfp.pkg.dev/fraud-project/t/fraud-prod-training/commit-abc1234"
    )
    assert job["displayName"] == "fraud-prod-training-abc1234"
    assert job["runtimeConfig"] == {"parameterValues": {"data_uri": "gs://fraud-curated/"}}
    assert job["serviceAccount"] == TRAINING_SA
    assert job["encryptionSpec"] == {"kmsKeyName": "projects/p/keys/k"}
    assert job["labels"] == {"scheduled": "yes", "team": "risk", "opsblocks-commit": "abc1234"}


def test_train_build_starts_the_run_and_ends_without_polling_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sent = run_pipeline_step(monkeypatch)

    assert [method for method, _, _ in sent] == ["POST"]
    assert "while" not in steps.BUILDS["train"][-1].script
    assert int(steps.TIMEOUTS["train"].removesuffix("s")) <= 3600


def test_the_train_build_runs_no_repository_tests() -> None:
    assert steps.TEST not in steps.BUILDS["train"]
    assert [step.id for step in steps.BUILDS["train"]] == ["image", "templates", "pipeline"]


def job_of_the_run(state: str = "PIPELINE_STATE_SUCCEEDED", models: tuple[str, ...] = ("42",),
                   commit: str | None = "abc1234") -> dict[str, Any]:  # fmt: skip
    """A pipeline job as Vertex returns it: tasks with output artifacts, one per model."""
    artifacts = [{"schemaTitle": "google.VertexModel",
                  "metadata": {"resourceName": f"projects/p/locations/europe-west4/models/{m}"}}
                 for m in models]  # fmt: skip
    tasks = [{"taskName": "evaluate", "outputs": {"metrics": {"artifacts": [
                 {"schemaTitle": "system.Metrics", "metadata": {"auc": 0.9}}]}}},
             {"taskName": "register", "outputs": {"model": {"artifacts": artifacts}}}]  # fmt: skip
    labels = {"opsblocks-commit": commit} if commit else {}
    return {"name": "projects/p/locations/europe-west4/pipelineJobs/x", "state": state,
            "labels": labels, "jobDetail": {"taskDetails": tasks},
            "serviceAccount": TRAINING_ACCOUNT, "createTime": "2026-01-02T03:04:05Z",
            "templateUri": f"{TEMPLATES}/fraud-prod-training/commit-{commit}",
            "runtimeConfig": SCHEDULED["runtimeConfig"],
            "network": SCHEDULED["network"],
            "encryptionSpec": {"kmsKeyName": "projects/p/keys/k"}}  # fmt: skip


SCHEDULED = {"runtimeConfig": {"parameterValues": {"data_uri": "gs://fraud-curated/",
                                                   "quality_threshold": 0.8},
                               "gcsOutputDirectory": "gs://fraud-root/runs"},
             "network": "projects/1/global/networks/fraud-vpc"}  # fmt: skip


TRAINING_ACCOUNT = "training@fraud-project.iam.gserviceaccount.com"
TEMPLATES = "https://europe-west4-kfp.pkg.dev/fraud-project/fraud-prod-templates"


CI_JOB = "fraud-prod-training-ci-abc1234-20260102030405"


def find_model(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    job: dict[str, Any],
    job_id: str = CI_JOB,
    tested: bool = True,
    later: list[dict[str, Any]] | None = None,
) -> list[str]:
    """Run the deploy build's model step against `job`; return the URLs it read."""
    read: list[str] = []

    def gcloud(command: list[str], **_: Any) -> subprocess.CompletedProcess[str]:
        if command[1:3] == ["builds", "list"]:
            wanted = "buildTriggerId=test-trigger AND status=SUCCESS AND substitutions.SHORT_SHA="
            assert f"--filter={wanted}abc1234" in command
            return subprocess.CompletedProcess(command, 0, "build-1\n" if tested else "", "")
        if command[1:3] == ["scheduler", "jobs"]:
            assert command[3:] == ["describe", "fraud-training-schedule",
                                   "--location=europe-west4", "--format=json"]  # fmt: skip
            body = base64.b64encode(json.dumps({**SCHEDULED, "labels": {}}).encode()).decode()
            return subprocess.CompletedProcess(
                command, 0, json.dumps({"httpTarget": {"body": body}}), ""
            )
        return subprocess.CompletedProcess(command, 0, "token", "")

    def urlopen(request: Any) -> _Response:
        read.append(request.full_url)
        if "filter=" in request.full_url:
            return _Response(json.dumps({"pipelineJobs": later or []}).encode())
        return _Response(json.dumps(job).encode())

    monkeypatch.setattr(subprocess, "run", gcloud)
    monkeypatch.setattr("urllib.request.urlopen", urlopen)
    monkeypatch.chdir(tmp_path)
    for key, value in {
        "PROJECT_ID": "fraud-project",
        "REGION": "europe-west4",
        "PIPELINE_NAME": "fraud-prod-training",
        "PIPELINE_JOB": job_id,
        "TEST_TRIGGER": "test-trigger",
        "TRAINING_SA": TRAINING_ACCOUNT,
        "TEMPLATE_REPOSITORY": TEMPLATES,
        "SCHEDULER_JOB": "fraud-training-schedule",
        "KMS_KEY": "projects/p/keys/k",
    }.items():
        monkeypatch.setenv(key, value)
    step = steps.BUILDS["deploy"][0]
    exec(compile(step.script, step.id, "exec"), {"__name__": "__main__"})
    return read


def test_deploy_build_deploys_the_model_the_run_of_this_commit_registered(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    read = find_model(monkeypatch, tmp_path, job_of_the_run())

    assert read[0] == ("https://europe-west4-aiplatform.googleapis.com/v1/projects/fraud-project/"
                       "locations/europe-west4/pipelineJobs/"
                       "fraud-prod-training-ci-abc1234-20260102030405")  # fmt: skip
    assert (tmp_path / ".opsblocks-release").read_text() == (
        "projects/p/locations/europe-west4/models/42 abc1234\n"
    )


@pytest.mark.parametrize(
    ("job", "complaint"),
    [
        (job_of_the_run(state="PIPELINE_STATE_FAILED"), "PIPELINE_STATE_FAILED, nothing to deploy"),
        (job_of_the_run(models=()), "registered 0 models"),
        (job_of_the_run(models=("42", "43")), "registered 2 models"),
        (job_of_the_run(commit=None), "no opsblocks-commit label"),
    ],
    ids=["failed-gate", "no-model", "two-models", "not-from-a-commit"],
)
def test_deploy_build_deploys_nothing_from_a_run_that_failed_or_is_ambiguous(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, job: dict[str, Any], complaint: str
) -> None:
    with pytest.raises(SystemExit, match=complaint):
        find_model(monkeypatch, tmp_path, job)
    assert not (tmp_path / ".opsblocks-release").exists()


def test_deploy_build_deploys_nothing_from_a_commit_whose_tests_did_not_pass(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with pytest.raises(SystemExit, match="commit abc1234 has no successful test build"):
        find_model(monkeypatch, tmp_path, job_of_the_run(), tested=False)
    assert not (tmp_path / ".opsblocks-release").exists()


@pytest.mark.parametrize(
    ("forged", "complaint"),
    [
        (
            {"serviceAccount": "pipeline@fraud-project.iam.gserviceaccount.com"},
            "did not run as the training account",
        ),
        (
            {"templateUri": f"{TEMPLATES}/fraud-prod-training/latest"},
            "did not run the template the train build published",
        ),
        (
            {"templateUri": "gs://fraud-root/templates/abc1234/pipeline.yaml"},
            "did not run the template the train build published",
        ),
        (
            {
                "runtimeConfig": {
                    **SCHEDULED["runtimeConfig"],
                    "parameterValues": {
                        "data_uri": "gs://fraud-curated/",
                        "quality_threshold": 0.0,
                    },
                }
            },
            "did not run with the schedule's parameterValues",
        ),
        (
            {"runtimeConfig": {**SCHEDULED["runtimeConfig"], "gcsOutputDirectory": "gs://x/"}},
            "did not run with the schedule's gcsOutputDirectory",
        ),
        ({"network": None}, "did not run in the schedule's network"),
    ],
    ids=[
        "other-account",
        "other-tag",
        "other-template",
        "own-threshold",
        "own-output",
        "no-network",
    ],
)
def test_deploy_build_deploys_nothing_from_a_run_forged_with_a_ci_id_and_tested_label(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, forged: dict[str, str], complaint: str
) -> None:
    with pytest.raises(SystemExit, match=complaint):
        find_model(monkeypatch, tmp_path, {**job_of_the_run(), **forged})
    assert not (tmp_path / ".opsblocks-release").exists()


def test_deploy_build_deploys_nothing_from_a_replayed_run_when_a_newer_train_run_succeeded(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    newer = {"name": "projects/p/locations/europe-west4/pipelineJobs/"
                     "fraud-prod-training-ci-def5678-20260103030405",
             "serviceAccount": TRAINING_ACCOUNT}  # fmt: skip
    with pytest.raises(SystemExit, match="not the newest succeeded train run"):
        find_model(monkeypatch, tmp_path, job_of_the_run(), later=[newer])
    assert not (tmp_path / ".opsblocks-release").exists()


def test_deploy_build_asks_for_the_succeeded_runs_created_after_the_one_it_deploys(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    other = {"name": "projects/p/locations/europe-west4/pipelineJobs/fraud-prod-drift-1",
             "serviceAccount": "drift@fraud-project.iam.gserviceaccount.com"}  # fmt: skip
    read = find_model(monkeypatch, tmp_path, job_of_the_run(), later=[other])

    listed = urllib.parse.unquote(read[1].split("filter=", 1)[1])
    assert listed == 'state="PIPELINE_STATE_SUCCEEDED" AND create_time>"2026-01-02T03:04:05Z"'
    assert (tmp_path / ".opsblocks-release").exists()


def test_deploy_build_ignores_pipeline_jobs_the_train_build_did_not_start(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with pytest.raises(SystemExit, match="not started by the train build"):
        find_model(monkeypatch, tmp_path, job_of_the_run(), job_id="fraud-prod-training-weekly")


FAKE_GCLOUD = """\
#!/bin/bash
echo "$*" >> "$LOG"
case "$1 $2 $3" in
  "ai endpoints describe")
    NEW=$(grep -o -- '--display-name=[^ ]*' "$LOG" | cut -d= -f2)
    printf '111\\tfraud-prod-training-old\\n222\\t%s\\n' "$NEW" ;;
esac
"""


def fake(directory: Path, command: str, script: str) -> Path:
    """An executable `command` in `directory` that runs `script`."""
    path = directory / command
    path.write_text(script)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


def test_deploy_step_deploys_the_chosen_model_as_the_serving_account_then_retires_the_old(
    tmp_path: Path,
) -> None:
    fake(tmp_path, "gcloud", FAKE_GCLOUD)
    (tmp_path / ".opsblocks-release").write_text("projects/p/locations/europe-west4/models/42 "
                                                 "abc1234\n")  # fmt: skip
    log = tmp_path / "calls"
    env = {"PATH": f"{tmp_path}:{os.environ['PATH']}", "LOG": str(log), "REGION": "europe-west4",
           "ENDPOINT_ID": "fraud-prod", "PIPELINE_NAME": "fraud-prod-training",
           "SERVING_SA": "fraud-serving@x", "MACHINE_TYPE": "n1-highmem-8", "MIN_REPLICAS": "2",
           "MAX_REPLICAS": "5"}  # fmt: skip

    done = subprocess.run(["bash", "-c", steps.BUILDS["deploy"][-1].script], env=env,
                          cwd=tmp_path, capture_output=True, text=True)  # fmt: skip
    calls = log.read_text().splitlines()

    assert done.returncode == 0, done.stderr
    assert not [call for call in calls if call.startswith("ai models list")]
    assert calls[0].startswith("ai endpoints deploy-model fraud-prod --region=europe-west4 "
                               "--model=projects/p/locations/europe-west4/models/42 "
                               "--display-name=fraud-prod-training-abc1234-")  # fmt: skip
    assert ("--service-account=fraud-serving@x --machine-type=n1-highmem-8 --min-replica-count=2 "
            "--max-replica-count=5 --traffic-split=0=100") in calls[0]  # fmt: skip
    assert calls[2:] == [
        "ai endpoints undeploy-model fraud-prod --region=europe-west4 --deployed-model-id=111"
    ]


def test_deploy_substitutions_come_from_the_serving_settings() -> None:
    settings = {"endpoint": "projects/p/locations/europe-west4/endpoints/fraud-prod",
                "region": "europe-west4", "machine_type": "n1-highmem-8", "min_replica_count": 2,
                "max_replica_count": 5, "service_account": "fraud-serving@x"}  # fmt: skip

    assert steps.deploy_substitutions(json.dumps(settings)) == {
        steps.ENDPOINT_ID: "fraud-prod",
        steps.SERVING_SA: "fraud-serving@x",
        steps.MACHINE_TYPE: "n1-highmem-8",
        steps.MIN_REPLICAS: "2",
        steps.MAX_REPLICAS: "5",
    }
    without_sizes = {k: v for k, v in settings.items() if not k.startswith(("machine", "max"))}
    with pytest.raises(ValueError, match="lack machine_type, max_replica_count"):
        steps.deploy_substitutions(json.dumps(without_sizes))


FAKE_UPLOADERS = {"gcloud": 'echo "gcloud $*" >> "$LOG"; echo token\n',
                  "curl": 'echo "curl $*" >> "$LOG"\n'}  # fmt: skip


def upload_templates(tmp_path: Path, templates: list[str]) -> list[str]:
    """Run the templates step in a checkout holding `templates`; return the commands it ran."""
    tools = tmp_path / "bin"
    tools.mkdir()
    for command, script in FAKE_UPLOADERS.items():
        fake(tools, command, "#!/bin/bash\n" + script)
    checkout = tmp_path / "checkout"
    (checkout / "templates").mkdir(parents=True)
    for template in templates:
        (checkout / "templates" / template).write_text("image: __TRAINING_IMAGE__\n")
    log = tmp_path / "calls"
    env = {"PATH": f"{tools}:{os.environ['PATH']}", "LOG": str(log), "SHORT_SHA": "abc1234",
           "IMAGE": "europe-west4-docker.pkg.dev/p/images/training",
           "PIPELINE_ROOT": "gs://fraud-root",
           "TEMPLATE_REPOSITORY": "https://europe-west4-kfp.pkg.dev/p/t"}  # fmt: skip

    done = subprocess.run(["bash", "-c", steps.UPLOAD_TEMPLATES.script], env=env, cwd=checkout,
                          capture_output=True, text=True)  # fmt: skip

    assert done.returncode == 0, done.stderr
    assert (checkout / "templates" / "pipeline.yaml").read_text() == (
        "image: europe-west4-docker.pkg.dev/p/images/training:abc1234\n"
    )
    return log.read_text().splitlines()


def test_templates_step_publishes_the_drift_check_beside_the_pipeline(tmp_path: Path) -> None:
    uploads = [c for c in upload_templates(tmp_path, ["pipeline.yaml", "drift.yaml"])
               if c.startswith("curl")]  # fmt: skip

    assert [c.split("content=@")[1].split()[0] for c in uploads] == [
        "templates/pipeline.yaml", "templates/drift.yaml"]  # fmt: skip
    for upload in uploads:
        assert "-F tags=commit-abc1234,latest" in upload
        assert upload.endswith(" https://europe-west4-kfp.pkg.dev/p/t")


def test_templates_step_without_a_drift_check_publishes_the_pipeline_only(tmp_path: Path) -> None:
    uploads = [c for c in upload_templates(tmp_path, ["pipeline.yaml"]) if c.startswith("curl")]

    assert len(uploads) == 1 and "content=@templates/pipeline.yaml" in uploads[0]
