"""Serving capability on GCP: a Vertex AI endpoint that logs its predictions to BigQuery.

The platform creates the endpoint empty. Models are deployed to it by the CI/CD deploy step:
pulumi-gcp has no resource that uploads a model or deploys one to an endpoint, and a model
version exists only once training has registered it. The deploy step reads `deploy_settings`
(machine type, replica bounds, the serving service account) and deploys the approved model
with them, running it as the serving service account.

Request-response logging writes to the table `predictions` of a CMEK BigQuery dataset. The
platform creates the dataset, not the table: Vertex AI's BigQuery destination takes a full
table reference only for a table that does not exist yet (BigQueryDestination.output_uri:
"the Dataset must exist and table must not exist") and creates the table itself, with the
logging schema, under the dataset's default key. The dataset is protected and keeps its
tables when destroyed, so the logged predictions outlive the stack.

A private endpoint (prod by default) accepts Private Service Connect traffic only, from this
project: clients reach it through a PSC forwarding rule in their network, which this
component does not create yet (PSC automation needs a service connection policy and the
Network Connectivity API, which the foundation does not enable).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_gcp as gcp

from components.gcp.shared.dataset import kept_dataset
from components.gcp.vertex_endpoint.options import VertexEndpointOptions

PREDICTION_TABLE = "predictions"
LOG_SAMPLING_RATE = 1.0
"""Fraction of requests logged to BigQuery: all of them, the drift checks need the traffic."""


@dataclass(frozen=True, kw_only=True)
class GcpVertexEndpointServingArgs:
    labels: Mapping[str, str]
    project: pulumi.Input[str]
    """Project id from the foundation: resolves once the APIs and the key are ready."""
    region: str
    kms_key_id: pulumi.Input[str]
    """Customer-managed key of the endpoint and of the prediction-log dataset."""
    protect: bool = False
    """Protect and retain the prediction-log dataset (prod)."""
    endpoint_name: str
    """Endpoint id and display name: `[a-z0-9-]`, starting with a letter, at most 63."""
    service_account_id: str
    """Account id of the identity the deployed models run as (6-30 characters)."""
    private_default: bool
    """Whether the endpoint is private when the blueprint does not say (prod: private)."""
    artifact_bucket: pulumi.Input[str]
    """Registry bucket the model files are read from."""
    repository_id: pulumi.Input[str]
    """Registry Docker repository (id without project and location) the serving images are
    pulled from."""
    prediction_dataset_id: str
    """BigQuery dataset of the prediction logs (letters, digits, `_`)."""
    options: VertexEndpointOptions = field(default_factory=VertexEndpointOptions)
    """The tool's options, as the blueprint gave them (validated)."""


class GcpVertexEndpointServing(pulumi.ComponentResource):
    endpoint_id: pulumi.Output[str]
    """The endpoint id (last part of its resource name): monitoring filters its metrics on it."""
    endpoint_name: pulumi.Output[str]
    """Full resource name, `projects/<project>/locations/<region>/endpoints/<id>`."""
    prediction_log_table: pulumi.Output[str]
    """`bq://<project>.<dataset>.predictions`: the request-response log."""
    service_account_email: pulumi.Output[str]
    """Identity the deployed models run as: the deploy step needs `actAs` on it."""
    private: bool
    """Whether the endpoint accepts Private Service Connect traffic only."""
    deploy_settings: pulumi.Output[str]
    """JSON: what the CI/CD deploy step passes to deployModel."""

    def __init__(
        self,
        name: str,
        args: GcpVertexEndpointServingArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("opsblocks:index:GcpVertexEndpointServing", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        labels = dict(args.labels)
        options = args.options
        private = options.private if options.private is not None else args.private_default

        account = gcp.serviceaccount.Account(
            f"{name}-identity",
            project=args.project,
            account_id=args.service_account_id,
            display_name=f"opsblocks {name}: deployed models",
            opts=child,
        )
        member = pulumi.Output.concat("serviceAccount:", account.email)
        # Read the model files and pull the serving images: on this bucket and repository only.
        gcp.storage.BucketIAMMember(f"{name}-read-artifacts", bucket=args.artifact_bucket,
                                    role="roles/storage.objectViewer", member=member,
                                    opts=child)  # fmt: skip
        gcp.artifactregistry.RepositoryIamMember(
            f"{name}-pull-images",
            project=args.project,
            location=args.region,
            repository=args.repository_id,
            role="roles/artifactregistry.reader",
            member=member,
            opts=child,
        )

        dataset = kept_dataset(
            f"{name}-predictions",
            dataset_id=args.prediction_dataset_id,
            description=f"opsblocks {name}: request-response log of the endpoint",
            project=args.project,
            region=args.region,
            kms_key_id=args.kms_key_id,
            labels=labels,
            protect=args.protect,
            parent=self,
        )
        table = pulumi.Output.concat(
            "bq://", args.project, ".", dataset.dataset_id, f".{PREDICTION_TABLE}"
        )

        vertex = gcp.vertex
        request_log = vertex.AiEndpointPredictRequestResponseLoggingConfigArgs(
            enabled=True,
            sampling_rate=LOG_SAMPLING_RATE,
            bigquery_destination=vertex.AiEndpointPredictRequestResponseLoggingConfigBigqueryDestinationArgs(
                output_uri=table
            ),
        )
        endpoint = vertex.AiEndpoint(
            f"{name}-endpoint",
            project=args.project,
            location=args.region,
            # Explicit, so monitoring and the deploy step know it before `up`. The field doc
            # (and Terraform's) says "numeric, at most 10 digits"; the API's endpointId also
            # takes `[a-z0-9-]` up to 63 characters starting with a letter, which the blueprint
            # name and environment satisfy. Without it Pulumi would auto-name it randomly.
            name=args.endpoint_name,
            display_name=args.endpoint_name,
            description=f"opsblocks {name}: models are deployed by the CI/CD deploy step",
            encryption_spec=vertex.AiEndpointEncryptionSpecArgs(kms_key_name=args.kms_key_id),
            predict_request_response_logging_config=request_log,
            private_service_connect_config=(
                vertex.AiEndpointPrivateServiceConnectConfigArgs(
                    enable_private_service_connect=True, project_allowlists=[args.project]
                )
                if private
                else None
            ),
            labels=labels,
            opts=child,
        )

        self.endpoint_id = endpoint.name
        self.endpoint_name = endpoint.id
        self.prediction_log_table = table
        self.service_account_email = account.email
        self.private = private
        self.deploy_settings = pulumi.Output.all(endpoint.id, account.email).apply(
            lambda found: json.dumps(
                {
                    "endpoint": found[0],
                    "region": args.region,
                    "machine_type": options.machine_type,
                    "min_replica_count": options.min_replicas,
                    "max_replica_count": options.max_replicas,
                    "service_account": found[1],
                },
                sort_keys=True,
            )
        )
        self.register_outputs(
            {
                "endpoint_id": self.endpoint_id,
                "endpoint_name": self.endpoint_name,
                "prediction_log_table": self.prediction_log_table,
                "service_account_email": self.service_account_email,
                "private": self.private,
                "deploy_settings": self.deploy_settings,
            }
        )
