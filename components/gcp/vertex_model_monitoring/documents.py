"""Pure documents of the GCP monitoring capability: metric filters, dashboard, drift-run request.

Plain functions on plain values (no Pulumi), applied to resolved outputs by the component.

Metric and resource names are those of Cloud Monitoring's `aiplatform` list: online prediction
metrics are written on the monitored resource `aiplatform.googleapis.com/Endpoint`, labelled
with `endpoint_id` (the last part of the endpoint's resource name). `prediction_latencies` is
a distribution in milliseconds, one series per deployed model and latency type (model,
overhead, total): taking the maximum p99 over the series is the p99 of the total latency of
the slowest deployed model, without relying on the latency-type label's values.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from components.gcp.shared.pipeline_job import encoded_body

ENDPOINT_RESOURCE = "aiplatform.googleapis.com/Endpoint"
PREDICTION_COUNT = "aiplatform.googleapis.com/prediction/online/prediction_count"
ERROR_COUNT = "aiplatform.googleapis.com/prediction/online/error_count"
LATENCIES = "aiplatform.googleapis.com/prediction/online/prediction_latencies"
DRIFT_TEMPLATE = "drift"
"""Package of the drift-check template in the training capability's KFP repository."""
DRIFT_OUTPUT = "drift/"


def endpoint_filter(metric_type: str, endpoint_id: str) -> str:
    """Cloud Monitoring filter: one metric of one endpoint."""
    return (
        f'resource.type = "{ENDPOINT_RESOURCE}" AND resource.labels.endpoint_id = "{endpoint_id}" '
        f'AND metric.type = "{metric_type}"'
    )


def dataset_of(table_uri: str) -> str:
    """`bq://<project>.<dataset>.<table>` -> `<dataset>`."""
    parts = table_uri.removeprefix("bq://").split(".")
    if not table_uri.startswith("bq://") or len(parts) != 3 or not all(parts):
        raise ValueError(f"'{table_uri}' is not a BigQuery table URI (bq://project.dataset.table)")
    return parts[1]


def folder(gcs_uri: str) -> str:
    """The URI with exactly one trailing slash, so paths can be appended to it."""
    return gcs_uri.rstrip("/") + "/"


def dashboard_url(project: str, dashboard_id: str) -> str:
    """Console address of a dashboard, from its id (`projects/<n>/dashboards/<id>` or `<id>`)."""
    return (
        "https://console.cloud.google.com/monitoring/dashboards/custom/"
        f"{dashboard_id.rsplit('/', 1)[-1]}?project={project}"
    )


def _chart(title: str, filter_: str, aligner: str, reducer: str, unit: str) -> dict[str, Any]:
    return {
        "title": title,
        "xyChart": {
            "dataSets": [
                {
                    "plotType": "LINE",
                    "timeSeriesQuery": {
                        "timeSeriesFilter": {
                            "filter": filter_,
                            "aggregation": {
                                "alignmentPeriod": "60s",
                                "perSeriesAligner": aligner,
                                "crossSeriesReducer": reducer,
                            },
                        },
                    },
                }
            ],
            "yAxis": {"label": unit, "scale": "LINEAR"},
        },
    }


def dashboard_json(display_name: str, endpoint_id: str, alert_policies: Sequence[str]) -> str:
    """Requests, errors and latency of the endpoint, then the state of each alert policy."""
    widgets = [
        _chart("Predictions per second", endpoint_filter(PREDICTION_COUNT, endpoint_id),
               "ALIGN_RATE", "REDUCE_SUM", "predictions/s"),
        _chart("Prediction errors per second", endpoint_filter(ERROR_COUNT, endpoint_id),
               "ALIGN_RATE", "REDUCE_SUM", "errors/s"),
        _chart("Latency p50 (ms)", endpoint_filter(LATENCIES, endpoint_id),
               "ALIGN_PERCENTILE_50", "REDUCE_MAX", "ms"),
        _chart("Latency p99 (ms)", endpoint_filter(LATENCIES, endpoint_id),
               "ALIGN_PERCENTILE_99", "REDUCE_MAX", "ms"),
        *({"title": "Alert policy", "alertChart": {"name": policy}} for policy in alert_policies),
    ]  # fmt: skip
    tiles = [
        {"xPos": 6 * (i % 2), "yPos": 4 * (i // 2), "width": 6, "height": 4, "widget": widget}
        for i, widget in enumerate(widgets)
    ]
    document = {"displayName": display_name, "mosaicLayout": {"columns": 12, "tiles": tiles}}
    return json.dumps(document, sort_keys=True)


def drift_run_body(
    *,
    template_uri: str,
    pipeline_root_uri: str,
    prediction_table: str,
    drift_threshold: float,
    service_account: str,
    kms_key_id: str,
    labels: Mapping[str, str],
) -> str:
    """Base64 of the pipelineJobs.create request that starts one drift check.

    The run starts from `template_uri` (Artifact Registry: the REST API takes no gs:// template),
    writes under the pipeline root, is encrypted with the platform key and runs as the
    monitoring service account (without `serviceAccount` it would run as the Compute Engine
    default service account).
    """
    root = folder(pipeline_root_uri)
    request = {
        "displayName": "drift-check",
        "templateUri": template_uri,
        "runtimeConfig": {
            "gcsOutputDirectory": root + DRIFT_OUTPUT,
            "parameterValues": {
                "prediction_table": prediction_table,
                "drift_threshold": drift_threshold,
            },
        },
        "serviceAccount": service_account,
        "encryptionSpec": {"kmsKeyName": kms_key_id},
        "labels": dict(labels),
    }
    return encoded_body(request)
