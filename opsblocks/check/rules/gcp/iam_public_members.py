"""No project, service account, registry, topic, secret or Vertex AI resource is public."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack
from opsblocks.check.rule import Flag, Rule, Severity
from opsblocks.check.rules.gcp._iam import PROJECT_POLICY, SERVICE_ACCOUNT_POLICY, public_grants

# Buckets, datasets and keys have their own rules (GCS-006, BQ-002, KMS-002).
GRANTS = (
    "gcp:projects/iAMMember:IAMMember", "gcp:projects/iAMBinding:IAMBinding",
    "gcp:serviceaccount/iAMMember:IAMMember", "gcp:serviceaccount/iAMBinding:IAMBinding",
    "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember",
    "gcp:artifactregistry/repositoryIamBinding:RepositoryIamBinding",
    "gcp:pubsub/topicIAMMember:TopicIAMMember", "gcp:pubsub/topicIAMBinding:TopicIAMBinding",
    "gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember",
    "gcp:pubsub/subscriptionIAMBinding:SubscriptionIAMBinding",
    "gcp:secretmanager/secretIamMember:SecretIamMember",
    "gcp:secretmanager/secretIamBinding:SecretIamBinding",
    "gcp:vertex/aiEndpointIamMember:AiEndpointIamMember",
    "gcp:vertex/aiEndpointIamBinding:AiEndpointIamBinding",
    "gcp:workbench/instanceIamMember:InstanceIamMember",
    "gcp:workbench/instanceIamBinding:InstanceIamBinding",
    "gcp:cloudbuildv2/connectionIAMMember:ConnectionIAMMember",
    "gcp:cloudbuildv2/connectionIAMBinding:ConnectionIAMBinding",
    PROJECT_POLICY, SERVICE_ACCOUNT_POLICY,
    "gcp:artifactregistry/repositoryIamPolicy:RepositoryIamPolicy",
    "gcp:pubsub/topicIAMPolicy:TopicIAMPolicy",
    "gcp:pubsub/subscriptionIAMPolicy:SubscriptionIAMPolicy",
    "gcp:secretmanager/secretIamPolicy:SecretIamPolicy",
    "gcp:vertex/aiEndpointIamPolicy:AiEndpointIamPolicy",
    "gcp:workbench/instanceIamPolicy:InstanceIamPolicy",
    "gcp:cloudbuildv2/connectionIAMPolicy:ConnectionIAMPolicy",
)  # fmt: skip


def check(stack: Stack) -> Iterator[Flag]:
    for grant in stack.of_type(*GRANTS):
        for role, public in public_grants(grant):
            yield Flag(grant, f"{role} granted to {', '.join(public)}")


RULE = Rule(
    id="OB-GCP-IAM-004",
    severity=Severity.critical,
    title="No IAM grant names allUsers or allAuthenticatedUsers",
    protects="anyone pulling images, reading secrets, publishing events or acting as an account",
    fix="grant the role to the workload's own service account or group, never a public principal",
    source="Organization Policy constraint iam.allowedPolicyMemberDomains",
    check=check,
)
