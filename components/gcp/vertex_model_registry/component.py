"""Registry capability on GCP: Artifact Registry for images, Vertex ML Metadata, model artifacts.

Vertex AI Model Registry itself needs no resource: models are uploaded into it by the training
pipeline. What the platform provisions is where their parts live: the container images
(a CMEK Docker repository with immutable tags), the lineage of every run (the region's
Vertex ML Metadata store, created with the key before anything writes to it) and the model
files (a secure bucket). Nobody is granted anything here: training, serving and CI/CD grant
their own service accounts on this repository and this bucket.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_gcp as gcp

from components.gcp.shared.secure_bucket import GcpSecureBucket, GcpSecureBucketArgs
from components.gcp.vertex_model_registry.options import VertexModelRegistryOptions

# Vertex AI Pipelines and Experiments record lineage in the store called "default" only; Vertex
# creates it with a Google-managed key on first use unless it exists already. So the platform
# creates *that* store, with the key: a store of another name would stay empty.
METADATA_STORE = "default"


@dataclass(frozen=True, kw_only=True)
class GcpVertexModelRegistryArgs:
    labels: Mapping[str, str]
    project: pulumi.Input[str]
    """Project id from the foundation: resolves once the APIs and the key are ready."""
    region: str
    kms_key_id: pulumi.Input[str]
    """Customer-managed key of the repository, the metadata store and the artifact bucket."""
    access_log_bucket: pulumi.Input[str]
    protect: bool = False
    """Protect and retain the repository, the metadata store and the artifact bucket (prod)."""
    repository_id: str
    """Docker repository id: unique per project and region, so it names the environment."""
    options: VertexModelRegistryOptions = field(default_factory=VertexModelRegistryOptions)
    """The tool's options, as the blueprint gave them (validated)."""


class GcpVertexModelRegistry(pulumi.ComponentResource):
    repository_id: pulumi.Output[str]
    """Docker repository id (without project and location), for repository-level grants."""
    repository_url: pulumi.Output[str]
    """`<region>-docker.pkg.dev/<project>/<repository>`: where images are pushed and pulled."""
    metadata_store_id: pulumi.Output[str]
    """Full resource name of the CMEK Vertex ML Metadata store."""
    artifact_bucket: pulumi.Output[str]
    """Bucket holding the model files."""
    artifact_uri: pulumi.Output[str]
    """`gs://<artifact bucket>/`"""

    def __init__(
        self,
        name: str,
        args: GcpVertexModelRegistryArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("opsblocks:index:GcpVertexModelRegistry", name, {}, opts)
        stateful = pulumi.ResourceOptions(
            parent=self, protect=args.protect, retain_on_delete=args.protect
        )
        labels = dict(args.labels)

        repository = gcp.artifactregistry.Repository(
            f"{name}-images",
            project=args.project,
            location=args.region,
            repository_id=args.repository_id,
            format="DOCKER",
            description=f"opsblocks {name}: training and serving images",
            kms_key_name=args.kms_key_id,
            # A released tag always names the same image: no silent replacement under a model.
            docker_config=gcp.artifactregistry.RepositoryDockerConfigArgs(immutable_tags=True),
            cleanup_policies=cleanup_policies(args.options.keep_images),
            cleanup_policy_dry_run=False,
            labels=labels,
            opts=stateful,
        )
        metadata_store = gcp.vertex.AiMetadataStore(
            f"{name}-metadata",
            project=args.project,
            region=args.region,
            name=METADATA_STORE,
            description=f"opsblocks {name}: lineage of pipeline runs and experiments",
            encryption_spec=gcp.vertex.AiMetadataStoreEncryptionSpecArgs(
                kms_key_name=args.kms_key_id
            ),
            opts=stateful,
        )
        artifacts = GcpSecureBucket(
            f"{name}-artifacts",
            GcpSecureBucketArgs(labels=labels, project=args.project, region=args.region,
                                kms_key_id=args.kms_key_id,
                                access_log_bucket=args.access_log_bucket, protect=args.protect),
            opts=pulumi.ResourceOptions(parent=self),
        )  # fmt: skip

        self.repository_id = repository.repository_id
        self.repository_url = pulumi.Output.concat(
            f"{args.region}-docker.pkg.dev/", repository.project, "/", repository.repository_id
        )
        self.metadata_store_id = metadata_store.id
        self.artifact_bucket = artifacts.bucket
        self.artifact_uri = artifacts.uri
        self.register_outputs(
            {
                "repository_id": self.repository_id,
                "repository_url": self.repository_url,
                "metadata_store_id": self.metadata_store_id,
                "artifact_bucket": self.artifact_bucket,
                "artifact_uri": self.artifact_uri,
            }
        )


def cleanup_policies(keep_images: int) -> list[gcp.artifactregistry.RepositoryCleanupPolicyArgs]:
    """Delete untagged versions, except the newest `keep_images` (a keep rule wins over a delete).

    Tagged versions are never deleted: a model deployed on an endpoint may still run them.
    """
    policy = gcp.artifactregistry.RepositoryCleanupPolicyArgs
    return [
        policy(
            id="keep-newest",
            action="KEEP",
            most_recent_versions=gcp.artifactregistry.RepositoryCleanupPolicyMostRecentVersionsArgs(
                keep_count=keep_images
            ),
        ),
        policy(
            id="delete-untagged",
            action="DELETE",
            condition=gcp.artifactregistry.RepositoryCleanupPolicyConditionArgs(
                tag_state="UNTAGGED"
            ),
        ),
    ]
