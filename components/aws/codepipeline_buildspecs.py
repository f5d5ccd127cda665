"""The CodeBuild buildspecs of the CI/CD pipeline, one per stage, as plain YAML text.

Each stage reads its targets from environment variables set on its CodeBuild project (see
the names below), so the buildspecs do not depend on any resource name and are tested as text.
Builds run bash: the scripts use bash parameter expansion.
"""

from __future__ import annotations

# Names of the environment variables the CodeBuild projects set for the buildspecs.
IMAGE_REPOSITORY_URL = "IMAGE_REPOSITORY_URL"
TRAINING_PIPELINE_NAME = "TRAINING_PIPELINE_NAME"
MODEL_PACKAGE_GROUP = "MODEL_PACKAGE_GROUP"
MODEL_ARTIFACT_URI = "MODEL_ARTIFACT_URI"
ENDPOINT_NAME = "ENDPOINT_NAME"
SERVING_PARAMETER_NAME = "SERVING_PARAMETER_NAME"
RESOURCE_TAGS = "RESOURCE_TAGS"
"""JSON object of the blueprint's tags, for the SageMaker resources the deploy stage creates."""

TEST = """\
version: 0.2
env:
  shell: bash
phases:
  install:
    commands:
      - python3 -m pip install --quiet pytest
      - if [ -f requirements.txt ]; then python3 -m pip install --quiet -r requirements.txt; fi
  build:
    commands:
      - python3 -m pytest
"""

# The repository holds the pipeline's scripts in pipeline/ (preprocess.py, evaluate.py) and,
# optionally, a Dockerfile for the training image. Both are pinned to the commit: the scripts
# go to <artifact uri>/code/<commit>/, the image is tagged with the commit. The image
# repository's tags are immutable, so a commit built again (a retried pipeline) reuses its image.
# The same scripts are published to code/latest/, the pipeline's default CodeUri, so a run
# started without parameters (console, schedule) runs the last trained commit's code.
# The stage starts the training run and ends: a run may take longer than a CodePipeline build
# action may (8 hours), and waiting is billed by the minute. The run's registered model
# package, once Approved, starts the release pipeline (an EventBridge rule).
TRAIN = """\
version: 0.2
env:
  shell: bash
phases:
  pre_build:
    commands:
      - IMAGE_TAG="${CODEBUILD_RESOLVED_SOURCE_VERSION:0:12}"
      - IMAGE_URI="$IMAGE_REPOSITORY_URL:$IMAGE_TAG"
      - CODE_URI="${MODEL_ARTIFACT_URI%/}/code/$IMAGE_TAG/"
      - aws ecr get-login-password | docker login --username AWS --password-stdin "${IMAGE_REPOSITORY_URL%%/*}"
  build:
    commands:
      - |
        if [ ! -f pipeline/preprocess.py ] || [ ! -f pipeline/evaluate.py ]; then
          echo "the repository needs pipeline/preprocess.py and pipeline/evaluate.py"; exit 1
        fi
        aws s3 sync pipeline/ "$CODE_URI"
        aws s3 sync --delete pipeline/ "${MODEL_ARTIFACT_URI%/}/code/latest/"
        PARAMETERS=("Name=CodeUri,Value=$CODE_URI")
      - |
        if [ -f Dockerfile ]; then
          if aws ecr describe-images --repository-name "${IMAGE_REPOSITORY_URL#*/}" --image-ids imageTag="$IMAGE_TAG" > /dev/null 2>&1; then
            echo "$IMAGE_URI exists: not rebuilt"
          else
            docker build --tag "$IMAGE_URI" . && docker push "$IMAGE_URI"
          fi
          PARAMETERS+=("Name=TrainingImage,Value=$IMAGE_URI")
        fi
      - |
        EXECUTION_ARN=$(aws sagemaker start-pipeline-execution --pipeline-name "$TRAINING_PIPELINE_NAME" --pipeline-execution-display-name "commit-$IMAGE_TAG" --pipeline-parameters "${PARAMETERS[@]}" --query PipelineExecutionArn --output text)
        echo "training pipeline execution started: $EXECUTION_ARN"
        echo "an Approved model package of this run starts the release pipeline"
"""  # noqa: E501

# Model and endpoint configuration are named after the endpoint plus a timestamp: the deploy
# role may only create SageMaker resources under that prefix.
DEPLOY = """\
version: 0.2
env:
  shell: bash
phases:
  build:
    commands:
      - |
        set -euo pipefail
        PACKAGE_ARN=$(aws sagemaker list-model-packages --model-package-group-name "$MODEL_PACKAGE_GROUP" --model-approval-status Approved --sort-by CreationTime --sort-order Descending --max-items 1 --query 'ModelPackageSummaryList[0].ModelPackageArn' --output text)
        if [ "$PACKAGE_ARN" = "None" ]; then echo "no approved model package in $MODEL_PACKAGE_GROUP"; exit 1; fi
        RELEASE="$ENDPOINT_NAME-$(date -u +%Y%m%d%H%M%S)"
        aws ssm get-parameter --name "$SERVING_PARAMETER_NAME" --query Parameter.Value --output text > settings.json
        python3 - "$PACKAGE_ARN" "$RELEASE" <<'PY'
        import json, os, sys
        package_arn, release = sys.argv[1], sys.argv[2]
        settings = json.load(open("settings.json"))
        tags = [{"Key": k, "Value": v} for k, v in json.loads(os.environ["RESOURCE_TAGS"]).items()]
        json.dump({"ModelName": release, "ExecutionRoleArn": settings["role_arn"],
                   "Containers": [{"ModelPackageName": package_arn}],
                   "VpcConfig": {"Subnets": settings["subnet_ids"],
                                 "SecurityGroupIds": [settings["security_group_id"]]},
                   "EnableNetworkIsolation": True, "Tags": tags}, open("model.json", "w"))
        json.dump({"EndpointConfigName": release, "KmsKeyId": settings["kms_key_arn"],
                   "ProductionVariants": [{"VariantName": settings["variant_name"],
                                           "ModelName": release,
                                           "InstanceType": settings["instance_type"],
                                           "InitialInstanceCount": settings["min_instances"]}],
                   "DataCaptureConfig": {"EnableCapture": settings["capture_percent"] > 0,
                                         "InitialSamplingPercentage": settings["capture_percent"],
                                         "DestinationS3Uri": settings["capture_uri"],
                                         "KmsKeyId": settings["kms_key_arn"],
                                         "CaptureOptions": [{"CaptureMode": "Input"},
                                                            {"CaptureMode": "Output"}]},
                   "Tags": tags}, open("config.json", "w"))
        json.dump(tags, open("tags.json", "w"))
        PY
        aws sagemaker create-model --cli-input-json file://model.json
        aws sagemaker create-endpoint-config --cli-input-json file://config.json
        if aws sagemaker describe-endpoint --endpoint-name "$ENDPOINT_NAME" > /dev/null 2>&1; then
          aws sagemaker update-endpoint --endpoint-name "$ENDPOINT_NAME" --endpoint-config-name "$RELEASE"
        else
          aws sagemaker create-endpoint --endpoint-name "$ENDPOINT_NAME" --endpoint-config-name "$RELEASE" --tags file://tags.json
        fi
        aws sagemaker wait endpoint-in-service --endpoint-name "$ENDPOINT_NAME"
"""  # noqa: E501

BUILDSPECS = {"test": TEST, "train": TRAIN, "deploy": DEPLOY}
