"""The deploy build's steps: choose the model a train run registered, then deploy it.

What the deploy build deploys comes from the completion event that started it, which names a
pipeline job, and from the serving capability's `deploy_settings` (endpoint, machine type,
replica bounds, service account), as substitutions.
"""

from __future__ import annotations

import json

from components.gcp.cloud_build.step import (
    CLOUD_SDK,
    COMMIT_LABEL,
    ENDPOINT_ID,
    KMS_KEY,
    MACHINE_TYPE,
    MAX_REPLICAS,
    MIN_REPLICAS,
    MODEL_ARTIFACT,
    PIPELINE_JOB,
    PIPELINE_NAME,
    REGION,
    SCHEDULER_JOB,
    SERVING_SA,
    TEMPLATE_REPOSITORY,
    TEST_TRIGGER,
    TRAINING_SA,
    Step,
)

DEPLOY_SETTINGS = {ENDPOINT_ID: "endpoint", SERVING_SA: "service_account",
                   MACHINE_TYPE: "machine_type", MIN_REPLICAS: "min_replica_count",
                   MAX_REPLICAS: "max_replica_count"}  # fmt: skip
"""Substitution of the deploy build -> key of the serving capability's `deploy_settings`."""


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


# The deploy build starts from a pipeline job's completion event, which names the job only: it
# deploys nothing unless the job is one the train build started (its id and commit label),
# it succeeded (the quality gate runs inside it), the test build of its commit succeeded, and
# it registered exactly one model, which
# it then deploys (never "the newest model of that name", which may be another run's).
FIND_MODEL = Step(
    id="model",
    image=CLOUD_SDK,
    entrypoint="python3",
    env=(
        "PROJECT_ID",
        REGION,
        PIPELINE_NAME,
        PIPELINE_JOB,
        TEST_TRIGGER,
        TRAINING_SA,
        TEMPLATE_REPOSITORY,
        SCHEDULER_JOB,
        KMS_KEY,
    ),
    script=f"""\
import base64, json, os, subprocess, sys, urllib.parse, urllib.request

env = os.environ
region, job_id = env["REGION"], env["PIPELINE_JOB"]
if not job_id.startswith(env["PIPELINE_NAME"] + "-ci-"):
    sys.exit(f"pipeline job '{{job_id}}' was not started by the train build")


def gcloud(*args):
    return subprocess.run(["gcloud", *args], check=True, capture_output=True,
                          text=True).stdout.strip()


token = gcloud("auth", "print-access-token")
request = urllib.request.Request(
    f"https://{{region}}-aiplatform.googleapis.com/v1/projects/{{env['PROJECT_ID']}}/locations/"
    f"{{region}}/pipelineJobs/{{job_id}}", headers={{"Authorization": "Bearer " + token}})
with urllib.request.urlopen(request) as response:
    job = json.load(response)
if job.get("state") != "PIPELINE_STATE_SUCCEEDED":
    sys.exit(f"pipeline job {{job_id}}: {{job.get('state')}}, nothing to deploy")
commit = job.get("labels", {{}}).get("{COMMIT_LABEL}")
if not commit:
    sys.exit(f"pipeline job {{job_id}} has no {COMMIT_LABEL} label")
# Id and label are chosen by whoever creates the job (the pipeline and drift accounts may): the
# run must also be the train build's, as the training account, from the template the train
# build published for that commit (only the CI train account writes the template repository).
if job.get("serviceAccount") != env["TRAINING_SA"]:
    sys.exit(f"pipeline job {{job_id}} did not run as the training account")
template = f"{{env['TEMPLATE_REPOSITORY']}}/{{env['PIPELINE_NAME']}}/commit-{{commit}}"
if job.get("templateUri") != template:
    sys.exit(f"pipeline job {{job_id}} did not run the template the train build published")
# ... and with the scheduled run's parameters (the quality gate's threshold, the data), output
# directory and network: code that may start runs must not pass its own look-alike run.
schedule = json.loads(gcloud("scheduler", "jobs", "describe", env["SCHEDULER_JOB"],
                             f"--location={{region}}", "--format=json"))
scheduled = json.loads(base64.b64decode(schedule["httpTarget"]["body"]))
for field in ("parameterValues", "gcsOutputDirectory"):
    if job.get("runtimeConfig", {{}}).get(field) != scheduled.get("runtimeConfig", {{}}).get(field):
        sys.exit(f"pipeline job {{job_id}} did not run with the schedule's {{field}}")
if job.get("network") != scheduled.get("network"):
    sys.exit(f"pipeline job {{job_id}} did not run in the schedule's network")
if job.get("encryptionSpec", {{}}).get("kmsKeyName") != env["KMS_KEY"]:
    sys.exit(f"pipeline job {{job_id}} did not run on the platform key")
# The train build does not wait for the tests: an untested commit is never deployed.
tested = gcloud("builds", "list", f"--region={{region}}", "--limit=1", "--format=value(id)",
                f"--filter=buildTriggerId={{env['TEST_TRIGGER']}} AND status=SUCCESS "
                f"AND substitutions.SHORT_SHA={{commit}}")
if not tested:
    sys.exit(f"commit {{commit}} has no successful test build, nothing to deploy")
# A replayed completion entry (any build account may write logs) names an old release: only the
# newest succeeded run the train build started may deploy.
newer = urllib.request.Request(
    f"https://{{region}}-aiplatform.googleapis.com/v1/projects/{{env['PROJECT_ID']}}/locations/"
    f"{{region}}/pipelineJobs?pageSize=100&filter=" + urllib.parse.quote(
        f'state="PIPELINE_STATE_SUCCEEDED" AND create_time>"{{job["createTime"]}}"'),
    headers={{"Authorization": "Bearer " + token}})
with urllib.request.urlopen(newer) as response:
    later = json.load(response).get("pipelineJobs", [])
if any(other["name"].rsplit("/", 1)[-1].startswith(env["PIPELINE_NAME"] + "-ci-")
       and other.get("serviceAccount") == env["TRAINING_SA"] for other in later):
    sys.exit(f"pipeline job {{job_id}} is not the newest succeeded train run, nothing to deploy")
models = {{
    artifact["metadata"]["resourceName"]
    for task in job.get("jobDetail", {{}}).get("taskDetails", [])
    for output in task.get("outputs", {{}}).values()
    for artifact in output.get("artifacts", [])
    if artifact.get("schemaTitle") == "{MODEL_ARTIFACT}"
    and artifact.get("metadata", {{}}).get("resourceName")
}}
if len(models) != 1:
    sys.exit(f"pipeline job {{job_id}} registered {{len(models)}} models, expected one")
with open(".opsblocks-release", "w") as release:
    release.write(f"{{models.pop()}} {{commit}}\\n")
""",
)

# Deploys the model FIND_MODEL chose on the serving capability's machine type and replica
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
    ),
    script="""\
set -euo pipefail
read -r MODEL COMMIT < .opsblocks-release
RELEASE="$PIPELINE_NAME-$COMMIT-$(date -u +%Y%m%d%H%M%S)"
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
