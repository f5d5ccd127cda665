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
"""SSM parameter the serving capability publishes: how Pulumi would serve (JSON)."""
MONITORING_PARAMETER_NAME = "MONITORING_PARAMETER_NAME"
"""SSM parameter the monitoring capability publishes: the Model Monitor job definition and
schedule, as the CreateDataQualityJobDefinition and CreateMonitoringSchedule requests."""

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
# One block under `set -euo pipefail`: CodeBuild keeps no bash array (PARAMETERS) from one
# command to the next, and a block without it reports only its last line's status, so a
# training run that failed to start would pass the stage.
TRAIN = """\
version: 0.2
env:
  shell: bash
phases:
  build:
    commands:
      - |
        set -euo pipefail
        IMAGE_TAG="${CODEBUILD_RESOLVED_SOURCE_VERSION:0:12}"
        IMAGE_URI="$IMAGE_REPOSITORY_URL:$IMAGE_TAG"
        CODE_URI="${MODEL_ARTIFACT_URI%/}/code/$IMAGE_TAG/"
        if [ ! -f pipeline/preprocess.py ] || [ ! -f pipeline/evaluate.py ]; then
          echo "the repository needs pipeline/preprocess.py and pipeline/evaluate.py"; exit 1
        fi
        aws s3 sync pipeline/ "$CODE_URI"
        aws s3 sync --delete pipeline/ "${MODEL_ARTIFACT_URI%/}/code/latest/"
        PARAMETERS=("Name=CodeUri,Value=$CODE_URI")
        if [ -f Dockerfile ]; then
          if aws ecr describe-images --repository-name "${IMAGE_REPOSITORY_URL#*/}" --image-ids imageTag="$IMAGE_TAG" > /dev/null 2>&1; then
            echo "$IMAGE_URI exists: not rebuilt"
          else
            aws ecr get-login-password | docker login --username AWS --password-stdin "${IMAGE_REPOSITORY_URL%%/*}"
            docker build --tag "$IMAGE_URI" .
            docker push "$IMAGE_URI"
          fi
          PARAMETERS+=("Name=TrainingImage,Value=$IMAGE_URI")
        fi
        EXECUTION_ARN=$(aws sagemaker start-pipeline-execution --pipeline-name "$TRAINING_PIPELINE_NAME" --pipeline-execution-display-name "commit-$IMAGE_TAG" --pipeline-parameters "${PARAMETERS[@]}" --query PipelineExecutionArn --output text)
        echo "training pipeline execution started: $EXECUTION_ARN"
        echo "an Approved model package of this run starts the release pipeline"
"""  # noqa: E501

# Model and endpoint configuration are named after the endpoint plus a timestamp: the deploy
# role may only create SageMaker resources under that prefix. Everything else (instance type
# and count, capture, network, key, tags, auto-scaling, monitoring) comes from the settings
# Pulumi published, so an endpoint created here equals one `pulumi up` creates. The stage's
# input is the release trigger, not the repository, and Python runs isolated (-I): no code
# from the repository runs with these rights.
DEPLOY = """\
version: 0.2
env:
  shell: bash
phases:
  build:
    commands:
      - |
        set -euo pipefail
        cd "$(mktemp -d)"
        setting() { python3 -I -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$@"; }
        PACKAGE_ARN=$(aws sagemaker list-model-packages --model-package-group-name "$MODEL_PACKAGE_GROUP" --model-approval-status Approved --sort-by CreationTime --sort-order Descending --max-items 1 --query 'ModelPackageSummaryList[0].ModelPackageArn' --output text)
        if [ "$PACKAGE_ARN" = "None" ]; then echo "no approved model package in $MODEL_PACKAGE_GROUP"; exit 1; fi
        RELEASE="$ENDPOINT_NAME-$(date -u +%Y%m%d%H%M%S)"
        aws ssm get-parameter --name "$SERVING_PARAMETER_NAME" --query Parameter.Value --output text > settings.json
        python3 -I - "$PACKAGE_ARN" "$RELEASE" <<'PY'
        import json, sys
        package_arn, release = sys.argv[1], sys.argv[2]
        settings = json.load(open("settings.json"))
        tags = [{"Key": k, "Value": v} for k, v in settings["tags"].items()]
        json.dump({"ModelName": release, "ExecutionRoleArn": settings["role_arn"],
                   "Containers": [{"ModelPackageName": package_arn}],
                   "VpcConfig": {"Subnets": settings["subnet_ids"],
                                 "SecurityGroupIds": [settings["security_group_id"]]},
                   "EnableNetworkIsolation": True, "Tags": tags}, open("model.json", "w"))
        config = {"EndpointConfigName": release,
                  "ProductionVariants": [{"VariantName": settings["variant_name"],
                                          "ModelName": release,
                                          "InstanceType": settings["instance_type"],
                                          "InitialInstanceCount": settings["min_instances"],
                                          "InitialVariantWeight": 1.0}],
                  "DataCaptureConfig": {"EnableCapture": settings["capture_percent"] > 0,
                                        "InitialSamplingPercentage": settings["capture_percent"],
                                        "DestinationS3Uri": settings["capture_uri"],
                                        "KmsKeyId": settings["capture_kms_key_arn"],
                                        "CaptureOptions": [{"CaptureMode": "Input"},
                                                           {"CaptureMode": "Output"}]},
                  "Tags": tags}
        if settings["kms_key_arn"]:  # none on local NVMe storage: SageMaker refuses one
            config["KmsKeyId"] = settings["kms_key_arn"]
        json.dump(config, open("config.json", "w"))
        json.dump(tags, open("tags.json", "w"))
        json.dump(settings["tags"], open("scaling-tags.json", "w"))
        json.dump({"TargetValue": float(settings["invocations_per_instance"]),
                   "PredefinedMetricSpecification": {
                       "PredefinedMetricType": "SageMakerVariantInvocationsPerInstance"},
                   "ScaleOutCooldown": settings["scale_out_cooldown"],
                   "ScaleInCooldown": settings["scale_in_cooldown"]}, open("scaling.json", "w"))
        PY
        RESOURCE_ID="endpoint/$ENDPOINT_NAME/variant/$(setting settings.json variant_name)"
        SCALING=(--service-namespace sagemaker --scalable-dimension sagemaker:variant:DesiredInstanceCount)
        aws sagemaker create-model --cli-input-json file://model.json
        aws sagemaker create-endpoint-config --cli-input-json file://config.json
        if aws sagemaker describe-endpoint --endpoint-name "$ENDPOINT_NAME" > /dev/null 2>&1; then
          # AWS refuses to move a variant registered for auto-scaling to another instance
          # type: deregister it (its policy goes with it); it is registered again below.
          REGISTERED=$(aws application-autoscaling describe-scalable-targets "${SCALING[@]}" --resource-ids "$RESOURCE_ID" --query 'length(ScalableTargets)' --output text)
          if [ "$REGISTERED" != "0" ]; then
            aws application-autoscaling deregister-scalable-target "${SCALING[@]}" --resource-id "$RESOURCE_ID"
          fi
          aws sagemaker update-endpoint --endpoint-name "$ENDPOINT_NAME" --endpoint-config-name "$RELEASE"
        else
          aws sagemaker create-endpoint --endpoint-name "$ENDPOINT_NAME" --endpoint-config-name "$RELEASE" --tags file://tags.json
        fi
        aws sagemaker wait endpoint-in-service --endpoint-name "$ENDPOINT_NAME"
        # The same target tracking as an endpoint Pulumi creates (settings of the serving tool).
        aws application-autoscaling register-scalable-target "${SCALING[@]}" --resource-id "$RESOURCE_ID" --min-capacity "$(setting settings.json min_instances)" --max-capacity "$(setting settings.json max_instances)" --tags file://scaling-tags.json
        aws application-autoscaling put-scaling-policy "${SCALING[@]}" --resource-id "$RESOURCE_ID" --policy-name "$(setting settings.json scaling_policy_name)" --policy-type TargetTrackingScaling --target-tracking-scaling-policy-configuration file://scaling.json
        if [ -n "${MONITORING_PARAMETER_NAME:-}" ]; then
          aws ssm get-parameter --name "$MONITORING_PARAMETER_NAME" --query Parameter.Value --output text > monitoring.json
          python3 -I -c 'import json; m = json.load(open("monitoring.json")); json.dump(m["job_definition"], open("job.json", "w")); json.dump(m["schedule"], open("schedule.json", "w"))'
          SCHEDULE=$(setting schedule.json MonitoringScheduleName)
          JOB=$(setting job.json JobDefinitionName)
          # Created once, with the endpoint; Model Monitor needs the endpoint to exist.
          if ! aws sagemaker describe-monitoring-schedule --monitoring-schedule-name "$SCHEDULE" > /dev/null 2>&1; then
            if ! aws sagemaker describe-data-quality-job-definition --job-definition-name "$JOB" > /dev/null 2>&1; then
              aws sagemaker create-data-quality-job-definition --cli-input-json file://job.json
            fi
            aws sagemaker create-monitoring-schedule --cli-input-json file://schedule.json
          fi
        fi
"""  # noqa: E501

BUILDSPECS = {"test": TEST, "train": TRAIN, "deploy": DEPLOY}
