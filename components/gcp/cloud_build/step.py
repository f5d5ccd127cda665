"""What every Cloud Build step is made of: the step, its images and the substitutions it reads.

Each step reads what it works on from environment variables that its trigger fills from
substitutions (`REGION=${_REGION}`), so the scripts depend on no resource name and are tested
as text. Cloud Build substitutes `$NAME` in step arguments: `escape()` doubles every `$` of a
script, so the scripts are ordinary bash or Python.
"""

from __future__ import annotations

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
TEST_TRIGGER = "_TEST_TRIGGER"
"""Id of the test trigger: the deploy build deploys only commits whose test build succeeded."""
PIPELINE_JOB = "_PIPELINE_JOB"
"""The deploy build's pipeline job id, bound from the completion event that starts it."""
ENDPOINT_ID = "_ENDPOINT_ID"
SERVING_SA = "_SERVING_SA"
MACHINE_TYPE = "_MACHINE_TYPE"
MIN_REPLICAS = "_MIN_REPLICAS"
MAX_REPLICAS = "_MAX_REPLICAS"
# Substitutions Cloud Build defines for every build started by a trigger.
BUILT_IN = frozenset({"PROJECT_ID", "SHORT_SHA", "COMMIT_SHA", "BRANCH_NAME"})

COMMIT_LABEL = "opsblocks-commit"
"""Label of the pipeline jobs the train build starts: the commit they were started from."""
MODEL_ARTIFACT = "google.VertexModel"
"""Schema of the pipeline output artifact that names a model of the Vertex AI Model Registry."""


def ci_job_prefix(pipeline_name: str) -> str:
    """What the ids of the pipeline jobs the train build starts begin with (scheduled: not)."""
    return f"{pipeline_name}-ci-"


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
