"""The builds of the Cloud Build triggers (test, train, deploy) as plain data.

The steps are made as `step` says; the deploy build's are in
`deploy_steps`. Every step is inline in its trigger:
nothing in the repository changes what a build runs, except the code the test and train
builds are there to run.

What the repository holds, by convention: tests run by pytest (and a requirements.txt), a
Dockerfile for the training image, and templates/pipeline.yaml: the compiled Kubeflow pipeline,
named after the pipeline (`pipeline_name`), declaring the parameters the training capability's
scheduled run passes, whose components name the training image `__TRAINING_IMAGE__` (the
build puts this commit's image there). The pipeline registers its model in the Vertex AI Model
Registry as an output artifact of type `google.VertexModel` (e.g. `ModelUploadOp`), after the
quality gate: the deploy build deploys exactly that model of the run this commit started. With
a monitoring capability, templates/drift.yaml is the compiled drift check, named `drift`: the
monitoring schedule starts its `latest`.
"""

from __future__ import annotations

from components.gcp.cloud_build.deploy_steps import (
    DEPLOY,
    DEPLOY_SETTINGS,
    FIND_MODEL,
    deploy_substitutions,
)
from components.gcp.cloud_build.step import (
    BUILT_IN,
    CLOUD_SDK,
    COMMIT_LABEL,
    DOCKER,
    ENDPOINT_ID,
    IMAGE,
    KMS_KEY,
    LABELS,
    MACHINE_TYPE,
    MAX_REPLICAS,
    MIN_REPLICAS,
    MODEL_ARTIFACT,
    PIPELINE_JOB,
    PIPELINE_NAME,
    PIPELINE_ROOT,
    PYTHON,
    REGION,
    SCHEDULER_JOB,
    SERVING_SA,
    TEMPLATE_REPOSITORY,
    TEST_TRIGGER,
    TRAINING_SA,
    Step,
    ci_job_prefix,
    escape,
)

# What the component and the tests read from here, wherever it is defined.
__all__ = [
    "BUILDS",
    "BUILD_IMAGE",
    "BUILT_IN",
    "CLOUD_SDK",
    "COMMIT_LABEL",
    "DEPLOY",
    "DEPLOY_SETTINGS",
    "DOCKER",
    "ENDPOINT_ID",
    "FIND_MODEL",
    "IMAGE",
    "KMS_KEY",
    "LABELS",
    "MACHINE_TYPE",
    "MAX_REPLICAS",
    "MIN_REPLICAS",
    "MODEL_ARTIFACT",
    "PIPELINE_JOB",
    "PIPELINE_NAME",
    "PIPELINE_ROOT",
    "PYTHON",
    "REGION",
    "SCHEDULER_JOB",
    "SERVING_SA",
    "START_PIPELINE",
    "TEMPLATE_REPOSITORY",
    "TEST",
    "TEST_TRIGGER",
    "TIMEOUTS",
    "TRAINING_SA",
    "UPLOAD_TEMPLATES",
    "Step",
    "ci_job_prefix",
    "deploy_substitutions",
    "escape",
    "substitutions",
]

# No build waits for a pipeline run (build minutes are billed): the train build starts the run
# and ends; the run's completion event starts the deploy build.
TIMEOUTS = {"test": "1800s", "train": "3600s", "deploy": "1800s"}

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
# training account, encrypted with the platform key, under an id that names the pipeline and
# the commit, and ends: the run's completion event starts the deploy build.
START_PIPELINE = Step(
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
    script=f"""\
import base64, json, os, subprocess, time, urllib.request

env = os.environ
region, commit, account = env["REGION"], env["SHORT_SHA"], env["TRAINING_SA"]


def gcloud(*args):
    return subprocess.run(["gcloud", *args], check=True, capture_output=True,
                          text=True).stdout.strip()


schedule = json.loads(gcloud("scheduler", "jobs", "describe", env["SCHEDULER_JOB"],
                             f"--location={{region}}", "--format=json"))
run = json.loads(base64.b64decode(schedule["httpTarget"]["body"]))
run.update({{
    "displayName": f"{{env['PIPELINE_NAME']}}-{{commit}}",
    "templateUri": f"{{env['TEMPLATE_REPOSITORY']}}/{{env['PIPELINE_NAME']}}/commit-{{commit}}",
    "serviceAccount": account,
    "encryptionSpec": {{"kmsKeyName": env["KMS_KEY"]}},
    "labels": {{**run.get("labels", {{}}), **json.loads(env["LABELS"]),
               "{COMMIT_LABEL}": commit}},
}})
job_id = env["PIPELINE_NAME"] + "-ci-" + commit + time.strftime("-%Y%m%d%H%M%S", time.gmtime())
request = urllib.request.Request(
    f"https://{{region}}-aiplatform.googleapis.com/v1/projects/{{env['PROJECT_ID']}}/locations/"
    f"{{region}}/pipelineJobs?pipelineJobId={{job_id}}", method="POST",
    data=json.dumps(run).encode(),
    headers={{"Authorization": "Bearer " + gcloud("auth", "print-access-token"),
             "Content-Type": "application/json"}})
with urllib.request.urlopen(request) as response:
    print("pipeline job started:", json.load(response)["name"], flush=True)
""",
)

# The test build runs the repository's tests as an account that may do nothing else; the train
# build runs no tests (they would run with its rights).
BUILDS: dict[str, tuple[Step, ...]] = {
    "test": (TEST,),
    "train": (BUILD_IMAGE, UPLOAD_TEMPLATES, START_PIPELINE),
    "deploy": (FIND_MODEL, DEPLOY),
}


def substitutions(stage: str) -> list[str]:
    """The user-defined substitutions a stage's build reads: its trigger defines exactly
    these (Cloud Build fails a build whose trigger defines one it does not use)."""
    return sorted({name for step in BUILDS[stage] for name in step.env if name.startswith("_")})
