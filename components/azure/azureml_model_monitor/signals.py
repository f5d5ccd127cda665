"""The Azure ML model monitor definition: what the scheduled drift job compares, and where.

Production data is what the deployment's data collector registered: the data assets
`<endpoint>-<deployment>-model_inputs:1` and `-model_outputs:1` (uri_folder). The signals:

- data drift: the last 7 days of model inputs against the training data (`reference_data_uri`),
  read as an MLTable (see below);
- prediction drift: the last 7 days of model outputs against the 7 days before. A training-data
  baseline for predictions would need the name of the label column (the monitor's
  `columns.target_column`), which the platform does not know.

Both alert when the Jensen-Shannon distance of any numerical or categorical feature exceeds
`drift_threshold`. The job runs on serverless Spark as a user-assigned managed identity, not
with the AML token of whoever created the schedule, so it keeps working after that person
leaves. The monitoring target is the deployment's ARM id: the form the Azure ML SDK sends after
resolving `azureml:<endpoint>:<deployment>` (ScheduleOperations.
_process_and_get_endpoint_deployment_names_from_id).

Training data convention: model monitoring reads reference data as MLTable, so the baseline is
always sent as `mltable`. `reference_data_uri` is either a datastore folder
(`azureml://datastores/<d>/paths/<p>/`) that holds an `MLTable` file next to the data it
describes (e.g. `paths: [{pattern: ./*.parquet}]` and `transformations: [read_parquet]`), or
a data asset of type mltable (`azureml:<name>:<version>`). Training must write that `MLTable`
file into the folder; without it the drift job fails.
"""

from __future__ import annotations

from typing import Literal

import pulumi
import pulumi_azure_native as azure_native

SPARK_INSTANCE_TYPE = "standard_e4s_v3"
SPARK_RUNTIME = "3.4"
WINDOW = "P7D"
"""Production data window: a week of traffic, enough samples for a daily or weekly schedule."""
TASK_TYPES = {"classification": "Classification", "regression": "Regression"}

ml = azure_native.machinelearningservices


def _collected(
    endpoint_name: pulumi.Input[str], deployment_name: str, collection: str, offset: str
) -> azure_native.machinelearningservices.RollingInputDataArgs:
    """A week of what the data collector stored for `collection`, ending `offset` ago."""
    return ml.RollingInputDataArgs(
        input_data_type="Rolling",
        job_input_type=ml.JobInputType.URI_FOLDER,
        uri=pulumi.Output.concat("azureml:", endpoint_name, f"-{deployment_name}-{collection}:1"),
        data_context=collection,
        window_size=WINDOW,
        window_offset=offset,
    )


def _training(uri: str) -> azure_native.machinelearningservices.FixedInputDataArgs:
    """The whole training data set, as an MLTable: a folder holding an `MLTable` file, or an
    mltable data asset."""
    return ml.FixedInputDataArgs(
        input_data_type="Fixed",
        job_input_type=ml.JobInputType.MLTABLE,
        uri=uri,
        data_context="training",
    )


def monitor_definition(
    *,
    endpoint_name: pulumi.Input[str],
    deployment_name: str,
    deployment_id: pulumi.Input[str],
    compute_identity_id: pulumi.Input[str],
    reference_data_uri: str,
    task: Literal["classification", "regression"],
    drift_threshold: float,
    alert_email: str | None,
) -> azure_native.machinelearningservices.MonitorDefinitionArgs:
    threshold = ml.MonitoringThresholdArgs(value=drift_threshold)
    jsd = "JensenShannonDistance"
    data_drift = ml.DataDriftMonitoringSignalArgs(
        signal_type="DataDrift",
        production_data=_collected(endpoint_name, deployment_name, "model_inputs", "P0D"),
        reference_data=_training(reference_data_uri),
        features=ml.AllFeaturesArgs(filter_type="AllFeatures"),
        metric_thresholds=[
            ml.NumericalDataDriftMetricThresholdArgs(
                data_type="Numerical", metric=jsd, threshold=threshold
            ),
            ml.CategoricalDataDriftMetricThresholdArgs(
                data_type="Categorical", metric=jsd, threshold=threshold
            ),
        ],
        notification_types=[ml.MonitoringNotificationType.AML_NOTIFICATION],
    )
    prediction_drift = ml.PredictionDriftMonitoringSignalArgs(
        signal_type="PredictionDrift",
        production_data=_collected(endpoint_name, deployment_name, "model_outputs", "P0D"),
        reference_data=_collected(endpoint_name, deployment_name, "model_outputs", WINDOW),
        metric_thresholds=[
            ml.NumericalPredictionDriftMetricThresholdArgs(
                data_type="Numerical", metric=jsd, threshold=threshold
            ),
            ml.CategoricalPredictionDriftMetricThresholdArgs(
                data_type="Categorical", metric=jsd, threshold=threshold
            ),
        ],
        notification_types=[ml.MonitoringNotificationType.AML_NOTIFICATION],
    )
    identity = ml.ManagedServiceIdentityArgs(
        type=ml.ManagedServiceIdentityType.USER_ASSIGNED,
        user_assigned_identities=[compute_identity_id],
    )
    return ml.MonitorDefinitionArgs(
        monitoring_target=ml.MonitoringTargetArgs(
            task_type=TASK_TYPES[task],
            deployment_id=deployment_id,
        ),
        compute_configuration=ml.MonitorServerlessSparkComputeArgs(
            compute_type="ServerlessSpark",
            instance_type=SPARK_INSTANCE_TYPE,
            runtime_version=SPARK_RUNTIME,
            compute_identity=ml.ManagedComputeIdentityArgs(
                compute_identity_type="ManagedIdentity", identity=identity
            ),
        ),
        signals={"data-drift": data_drift, "prediction-drift": prediction_drift},
        alert_notification_settings=(
            ml.MonitorNotificationSettingsArgs(
                email_notification_settings=ml.MonitorEmailNotificationSettingsArgs(
                    emails=[alert_email]
                )
            )
            if alert_email
            else None
        ),
    )
