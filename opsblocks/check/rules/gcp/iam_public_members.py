"""No project, service account, registry, topic, secret or Vertex AI resource is public."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, as_list
from opsblocks.check.rule import Flag, Rule, Severity

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
)  # fmt: skip
PUBLIC = ("allUsers", "allAuthenticatedUsers")


def check(stack: Stack) -> Iterator[Flag]:
    for grant in stack.of_type(*GRANTS):
        members = as_list(grant.get("member")) + as_list(grant.get("members"))
        public = [m for m in members if m in PUBLIC]
        if public:
            yield Flag(grant, f"{grant.get('role')} granted to {', '.join(public)}")


RULE = Rule(
    id="OB-GCP-IAM-004",
    severity=Severity.critical,
    title="No IAM grant names allUsers or allAuthenticatedUsers",
    protects="anyone pulling images, reading secrets, publishing events or acting as an account",
    fix="grant the role to the workload's own service account or group, never a public principal",
    source="Organization Policy constraint iam.allowedPolicyMemberDomains",
    check=check,
)
