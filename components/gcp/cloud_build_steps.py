"""The builds of the Cloud Build triggers (test, train, deploy) as plain data.

Each step reads what it works on from environment variables that its trigger fills from
substitutions (`REGION=${_REGION}`), so the scripts depend on no resource name and are tested
as text. Cloud Build substitutes `$NAME` in step arguments: `escape()` doubles every `$` of a
script, so the scripts below are ordinary bash or Python.

What the repository holds, by convention: tests run by pytest (and a requirements.txt), a
Dockerfile for the training image, and templates/pipeline.yaml: the compiled Kubeflow pipeline,
named after the pipeline (`pipeline_name`), declaring the parameters the training capability's
scheduled run passes, whose components name the training image `__TRAINING_IMAGE__` (the
build puts this commit's image there). The pipeline registers its model in the Vertex AI Model
Registry under the pipeline's name: the deploy build deploys the newest one. With a monitoring
capability, templates/drift.yaml is the compiled drift check, named `drift`: the monitoring
schedule starts its `latest`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Literal

PYTHON = "python:3.11-slim"
CLOUD_SDK = "gcr.io/google.com/cloudsdktool/cloud-sdk:slim"
DOCKER = "gcr.io/cloud-builders/docker"

# Substitutions the triggers define (user-defined ones must start with "_").
REGION = "_REGION"
PIPELINE_ROOT = "_PIPELINE_ROOT"
"""`gs://<bucket>/<path>`, without a trailing slash."""
PIPELINE_NAME = "_PIPELINE_NAME"
SCHEDULER_JOB = "_SCHEDULER_JOB"
"""The training capability's Cloud Scheduler job: its request holds the run's parameters."""
TRAINING_SA = "_TRAINING_SA"
KMS_KEY = "_KMS_KEY"
LABELS = "_LABELS"
"""JSON object of the blueprint's labels, for the pipeline jobs the train build starts."""
IMAGE = "_IMAGE"
"""Training image without its tag: `<region>-docker.pkg.dev/<project>/<repository>/training`."""
TEMPLATE_REPOSITORY = "_TEMPLATE_REPOSITORY"
"""`https://<region>-kfp.pkg.dev/<project>/<repository>`: the KFP template repository."""
ENDPOINT_ID = "_ENDPOINT_ID"
SERVING_SA = "_SERVING_SA"
MACHINE_TYPE = "_MACHINE_TYPE"
MIN_REPLICAS = "_MIN_REPLICAS"
MAX_REPLICAS = "_MAX_REPLICAS"
DEPLOY_SETTINGS = {ENDPOINT_ID: "endpoint", SERVING_SA: "service_account",
                   MACHINE_TYPE: "machine_type", MIN_REPLICAS: "min_replica_count",
                   MAX_REPLICAS: "max_replica_count"}  # fmt: skip
"""Substitution of the deploy build -> key of the serving capability's `deploy_settings`."""
# Substitutions Cloud Build defines for every build started by a trigger.
BUILT_IN = frozenset({"PROJECT_ID", "SHORT_SHA", "COMMIT_SHA", "BRANCH_NAME"})

# Cloud Build allows at most 24 hours per build: the train build waits for the pipeline.
TIMEOUTS = {"test": "1800s", "train": "86400s", "deploy": "3600s"}


@dataclass(frozen=True)
class Step:
    id: str
    image: str
    script: str
    entrypoint: Literal["bash", "python3"] = "bash"
    env: tuple[str, ...] = ()
    """Substitutions the script reads, as environment variables named without the "_"."""

    @property
    def args(self) -> list[str]:
        return ["-c", escape(self.script)]

    @property
    def envs(self) -> list[str]:
        return [f"{name.lstrip('_')}=${{{name}}}" for name in self.env]


def escape(script: str) -> str:
    """Cloud Build reads `$$` as a literal `$`: the script reaches its interpreter unchanged."""
    return script.replace("$", "$$")


def deploy_substitutions(deploy_settings: str) -> dict[str, str]:
    """The deploy build's substitutions, from the serving capability's `deploy_settings` JSON."""
    settings = json.loads(deploy_settings)
    missing = sorted(key for key in DEPLOY_SETTINGS.values() if key not in settings)
    if missing:
        raise ValueError(f"deploy_settings lack {', '.join(missing)}")
    values = {name: str(settings[key]) for name, key in DEPLOY_SETTINGS.items()}
    # The endpoint's resource name ends with its id, which is what gcloud is given.
    values[ENDPOINT_ID] = values[ENDPOINT_ID].rsplit("/", 1)[-1]
    return values


TEST = Step(
    id="test",
    image=PYTHON,
    script="""\
set -euo pipefail
python -m pip install --quiet pytest
if [ -f requirements.txt ]; then python -m pip install --quiet -r requirements.txt; fi
python -m pytest
""",
)

# The repository's tags are immutable: a commit built again (a retried build) reuses its image.
BUILD_IMAGE = Step(
    id="image",
    image=DOCKER,
    env=(IMAGE, "SHORT_SHA"),
    script="""\
set -euo pipefail
if docker manifest inspect "$IMAGE:$SHORT_SHA" > /dev/null 2>&1; then
  echo "$IMAGE:$SHORT_SHA exists: not rebuilt"
else
  docker build --tag "$IMAGE:$SHORT_SHA" . && docker push "$IMAGE:$SHORT_SHA"
fi
""",
)

# The template names the image __TRAINING_IMAGE__: it gets this commit's image. The pipeline
# root keeps each commit's templates/; the KFP repository gets the templates (the pipeline and,
# when the repository has one, the drift check) tagged with the commit and `latest`, which the
# scheduled runs start from (Vertex takes templates from Artifact Registry only). The
# repository names each package after the pipeline it holds.
UPLOAD_TEMPLATES = Step(
    id="templates",
    image=CLOUD_SDK,
    env=(IMAGE, PIPELINE_ROOT, TEMPLATE_REPOSITORY, "SHORT_SHA"),
    script="""\
set -euo pipefail
if [ ! -f templates/pipeline.yaml ]; then
  echo "the repository needs templates/pipeline.yaml (a compiled Kubeflow pipeline)"; exit 1
fi
sed -i "s|__TRAINING_IMAGE__|$IMAGE:$SHORT_SHA|g" templates/pipeline.yaml
gcloud storage rsync --recursive templates/ "$PIPELINE_ROOT/templates/$SHORT_SHA/"
for TEMPLATE in templates/pipeline.yaml templates/drift.yaml; do
  if [ -f "$TEMPLATE" ]; then
    curl --fail-with-body --silent --show-error -X POST \\
      -H "Authorization: Bearer $(gcloud auth print-access-token)" \\
      -F "tags=commit-$SHORT_SHA,latest" -F "content=@$TEMPLATE" "$TEMPLATE_REPOSITORY"
  fi
done
""",
)

# The scheduled run of the training capability holds the blueprint's parameters (data, sizes,
# quality gate, network): the build starts that run from this commit's template, as the
# training account, encrypted with the platform key, and waits for it. The build fails when
# the pipeline (and with it the quality gate) fails.
RUN_PIPELINE = Step(
    id="pipeline",
    image=CLOUD_SDK,
    entrypoint="python3",
    env=(
        "PROJECT_ID",
        REGION,
        PIPELINE_NAME,
        SCHEDULER_JOB,
        TRAINING_SA,
        KMS_KEY,
        LABELS,
        TEMPLATE_REPOSITORY,
        "SHORT_SHA",
    ),
    script="""\
import base64, json, os, subprocess, sys, time, urllib.request

env = os.environ
region, commit, account = env["REGION"], env["SHORT_SHA"], env["TRAINING_SA"]


def gcloud(*args):
    return subprocess.run(["gcloud", *args], check=True, capture_output=True,
                          text=True).stdout.strip()


def call(method, path, body=None):
    request = urllib.request.Request(
        f"https://{region}-aiplatform.googleapis.com/v1/{path}", method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": "Bearer " + gcloud("auth", "print-access-token"),
                 "Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return json.load(response)


schedule = json.loads(gcloud("scheduler", "jobs", "describe", env["SCHEDULER_JOB"],
                             f"--location={region}", "--format=json"))
run = json.loads(base64.b64decode(schedule["httpTarget"]["body"]))
run.update({
    "displayName": f"{env['PIPELINE_NAME']}-{commit}",
    "templateUri": f"{env['TEMPLATE_REPOSITORY']}/{env['PIPELINE_NAME']}/commit-{commit}",
    "serviceAccount": account,
    "encryptionSpec": {"kmsKeyName": env["KMS_KEY"]},
    "labels": {**run.get("labels", {}), **json.loads(env["LABELS"])},
})
job = call("POST", f"projects/{env['PROJECT_ID']}/locations/{region}/pipelineJobs", run)
print("pipeline job:", job["name"], flush=True)
done = {"PIPELINE_STATE_SUCCEEDED", "PIPELINE_STATE_FAILED", "PIPELINE_STATE_CANCELLED"}
while job.get("state") not in done:
    time.sleep(60)
    job = call("GET", job["name"])
if job["state"] != "PIPELINE_STATE_SUCCEEDED":
    sys.exit(f"pipeline job {job['name']}: {job['state']}")
""",
)

# Deploys the newest model of the registry on the serving capability's machine type and replica
# bounds, then undeploys the releases it replaces (a deployed model costs while it is deployed).
DEPLOY = Step(
    id="deploy",
    image=CLOUD_SDK,
    env=(
        REGION,
        ENDPOINT_ID,
        PIPELINE_NAME,
        SERVING_SA,
        MACHINE_TYPE,
        MIN_REPLICAS,
        MAX_REPLICAS,
        "SHORT_SHA",
    ),
    script="""\
set -euo pipefail
MODEL=$(gcloud ai models list --region="$REGION" --filter="displayName=$PIPELINE_NAME" \\
  --sort-by=~updateTime --limit=1 --format="value(name)")
if [ -z "$MODEL" ]; then echo "no model named $PIPELINE_NAME in the model registry"; exit 1; fi
RELEASE="$PIPELINE_NAME-$SHORT_SHA-$(date -u +%Y%m%d%H%M%S)"
gcloud ai endpoints deploy-model "$ENDPOINT_ID" --region="$REGION" --model="$MODEL" \\
  --display-name="$RELEASE" --service-account="$SERVING_SA" --machine-type="$MACHINE_TYPE" \\
  --min-replica-count="$MIN_REPLICAS" --max-replica-count="$MAX_REPLICAS" --traffic-split=0=100
gcloud ai endpoints describe "$ENDPOINT_ID" --region="$REGION" --flatten=deployedModels \\
  --format="value(deployedModels.id,deployedModels.displayName)" |
while read -r DEPLOYED NAME; do
  if [ "$NAME" != "$RELEASE" ]; then
    gcloud ai endpoints undeploy-model "$ENDPOINT_ID" --region="$REGION" \\
      --deployed-model-id="$DEPLOYED"
  fi
done
""",
)

# The train build runs the tests first: a commit that fails them is never trained.
BUILDS: dict[str, tuple[Step, ...]] = {
    "test": (TEST,),
    "train": (TEST, BUILD_IMAGE, UPLOAD_TEMPLATES, RUN_PIPELINE),
    "deploy": (DEPLOY,),
}


def substitutions(stage: str) -> list[str]:
    """The user-defined substitutions a stage's build reads: its trigger defines exactly
    these (Cloud Build fails a build whose trigger defines one it does not use)."""
    return sorted({name for step in BUILDS[stage] for name in step.env if name.startswith("_")})
