"""The GCP foundation every capability shares: APIs, customer-managed key, network.

The first `pulumi up` of a CMEK platform on GCP fails when a resource asks for the key before
the Google service agent that encrypts for it may use it, or before its API is enabled. So
the foundation enables the APIs first, creates the service agents explicitly (service
identities) and grants them the key; its `project` output resolves only after all of that,
and every component sets `project=` from it, so each resource waits for its API and its key.
The storage and BigQuery agents are looked up through their APIs, after enabling them.

Two APIs cannot be enabled by the program that needs them: the project look-up goes through
Cloud Resource Manager and enabling an API through Service Usage (and enabling Resource
Manager with a `Service` reads the project through Resource Manager itself). Both must be on
before the first `up` (README, known limits on GCP); Resource Manager is still declared here,
so the project-level IAM grants, which use it, wait for it and it is never turned off.

The network has Private Services Access (a /16 range peered with Google's service producers):
Vertex AI pipeline runs given the network run inside that peering. Its `network_id` output
resolves only once the peering exists, so nothing starts a run on the network before.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from components.gcp.shared.secure_bucket import GcpSecureBucket, GcpSecureBucketArgs

ENCRYPTER = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
# Service agents that encrypt with the platform key, created explicitly (service identities).
AGENT_SERVICES = ("aiplatform.googleapis.com", "artifactregistry.googleapis.com")
PUBSUB = "pubsub.googleapis.com"
# Agents created only when a tool enables their API (their service then stores data with the key).
OPTIONAL_AGENT_SERVICES = (PUBSUB,)
SERVICE_NETWORKING = "servicenetworking.googleapis.com"
STORAGE = "storage.googleapis.com"
BIGQUERY = "bigquery.googleapis.com"
RESOURCE_MANAGER = "cloudresourcemanager.googleapis.com"
# Enabled whatever the tools: the key, the network and its Private Services Access, the
# access-log bucket (and the storage agent's look-up), and the project-level IAM grants.
BASE_APIS = ("cloudkms.googleapis.com", "compute.googleapis.com", SERVICE_NETWORKING, STORAGE,
             RESOURCE_MANAGER)  # fmt: skip
KEY_ROTATION = "7776000s"  # 90 days
SUBNET_CIDR = "10.10.0.0/20"
"""The private subnet's range: other components' ranges must stay clear of it."""
USAGE_LOG_WRITER = "group:cloud-storage-analytics@google.com"
"""Who delivers Cloud Storage usage logs (Google docs, usage logs: "Set IAM permissions")."""


@dataclass(frozen=True, kw_only=True)
class GcpFoundationArgs:
    labels: Mapping[str, str]
    region: str
    apis: Sequence[str]
    """Services the blueprint's tools need, e.g. aiplatform.googleapis.com."""
    protect: bool = False
    """Protect the key ring and key (a KMS key cannot be recreated under the same name)."""
    subnet_cidr: str = SUBNET_CIDR


class GcpFoundation(pulumi.ComponentResource):
    project: pulumi.Output[str]
    """The project id, once its APIs are enabled and its service agents may use the key."""
    project_number: pulumi.Output[str]
    kms_key_id: pulumi.Output[str]
    """Customer-managed key (rotated every 90 days) for every store of the platform."""
    network_id: pulumi.Output[str]
    """The VPC, once Private Services Access is connected (Vertex AI runs may be peered to it)."""
    subnet_id: pulumi.Output[str]
    """Subnet with Private Google Access: workloads reach Google APIs without public IPs."""
    access_log_bucket: pulumi.Output[str]
    """Bucket receiving the usage logs of every other bucket."""

    def __init__(
        self, name: str, args: GcpFoundationArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("opsblocks:index:GcpFoundation", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        stateful = pulumi.ResourceOptions(
            parent=self, protect=args.protect, retain_on_delete=args.protect
        )
        labels = dict(args.labels)
        project = gcp.organizations.get_project_output(opts=pulumi.InvokeOutputOptions(parent=self))

        enabled = {
            api: gcp.projects.Service(
                f"{name}-api-{api.split('.')[0]}",
                project=project.project_id,
                service=api,
                # Other workloads of the project may use the API too: never turn it off.
                disable_on_destroy=False,
                opts=child,
            )
            for api in sorted({*args.apis, *BASE_APIS})
        }
        services = list(enabled.values())
        after_apis = pulumi.ResourceOptions(parent=self, depends_on=services)

        key_ring = gcp.kms.KeyRing(
            f"{name}-keys",
            project=project.project_id,
            location=args.region,
            opts=pulumi.ResourceOptions.merge(stateful, after_apis),
        )
        key = gcp.kms.CryptoKey(
            f"{name}-key",
            key_ring=key_ring.id,
            rotation_period=KEY_ROTATION,
            purpose="ENCRYPT_DECRYPT",
            labels=labels,
            opts=stateful,
        )
        agents = self._service_agents(name, project.project_id, project.number, after_apis,
                                      enabled)  # fmt: skip
        grants = [
            gcp.kms.CryptoKeyIAMMember(
                f"{name}-key-{agent}",
                crypto_key_id=key.id,
                role=ENCRYPTER,
                member=pulumi.Output.concat("serviceAccount:", email),
                opts=child,
            )
            for agent, email in agents.items()
        ]

        network = gcp.compute.Network(f"{name}-vpc", project=project.project_id,
                                      auto_create_subnetworks=False, opts=after_apis)  # fmt: skip
        subnet = gcp.compute.Subnetwork(
            f"{name}-private",
            project=project.project_id,
            network=network.id,
            region=args.region,
            ip_cidr_range=args.subnet_cidr,
            private_ip_google_access=True,
            log_config=gcp.compute.SubnetworkLogConfigArgs(
                aggregation_interval="INTERVAL_5_SEC", flow_sampling=0.5,
                metadata="INCLUDE_ALL_METADATA"),
            opts=child,
        )  # fmt: skip
        # Private Services Access: Google picks a free /16 for the services peered to the VPC.
        peering_range = gcp.compute.GlobalAddress(
            f"{name}-psa-range",
            project=project.project_id,
            network=network.id,
            purpose="VPC_PEERING",
            address_type="INTERNAL",
            prefix_length=16,
            description=f"opsblocks {name}: Private Services Access (Vertex AI runs)",
            labels=labels,
            opts=child,
        )
        peering = gcp.servicenetworking.Connection(
            f"{name}-psa",
            network=network.id,
            service=SERVICE_NETWORKING,
            reserved_peering_ranges=[peering_range.name],
            opts=after_apis,
        )

        gates = [s.id for s in services] + [g.etag for g in grants]
        self.project = pulumi.Output.all(project.project_id, *gates).apply(lambda v: v[0])
        self.kms_key_id = pulumi.Output.all(key.id, *gates).apply(lambda v: v[0])
        # On the platform key too: Cloud Storage encrypts every object written to a bucket
        # with its default key through the project's storage agent, whoever writes it (here
        # Google's usage-log delivery), so the bucket waits for the agent's grant on the key.
        access_logs = GcpSecureBucket(
            f"{name}-access-logs",
            GcpSecureBucketArgs(labels=labels, project=project.project_id, region=args.region,
                                kms_key_id=self.kms_key_id, protect=args.protect),
            opts=after_apis,
        )  # fmt: skip
        # Cloud Storage writes the usage logs as this Google group: it must be allowed to create
        # objects in the log bucket, or no log is ever delivered (uniform access: IAM, no ACL).
        gcp.storage.BucketIAMMember(
            f"{name}-access-logs-writer",
            bucket=access_logs.bucket,
            role="roles/storage.objectCreator",
            member=USAGE_LOG_WRITER,
            opts=child,
        )

        self.project_number = project.number
        self.network_id = pulumi.Output.all(network.id, peering.id).apply(lambda v: v[0])
        self.subnet_id = subnet.id
        self.access_log_bucket = access_logs.bucket
        self.register_outputs(
            {"project": self.project, "kms_key_id": self.kms_key_id,
             "network_id": self.network_id, "subnet_id": self.subnet_id}
        )  # fmt: skip

    def _service_agents(
        self,
        name: str,
        project: pulumi.Output[str],
        project_number: pulumi.Output[str],
        after_apis: pulumi.ResourceOptions,
        enabled: Mapping[str, gcp.projects.Service],
    ) -> dict[str, pulumi.Output[str]]:
        """Role name -> e-mail of each Google service agent that encrypts with the key.

        Pub/Sub's agent (which encrypts CMEK topics) is created only when a tool enables Pub/Sub.

        The storage and BigQuery agents are looked up through their own APIs (the look-up also
        creates the agent), so each look-up waits for its API; BigQuery's only when a tool
        enables BigQuery (a dataset is then encrypted with the key).
        """

        def after(api: str) -> pulumi.InvokeOutputOptions:
            return pulumi.InvokeOutputOptions(parent=self, depends_on=[enabled[api]])

        agents = {
            service.split(".")[0]: gcp.projects.ServiceIdentity(
                f"{name}-agent-{service.split('.')[0]}",
                project=project,
                service=service,
                opts=after_apis,
            ).email
            for service in (*AGENT_SERVICES, *(s for s in OPTIONAL_AGENT_SERVICES if s in enabled))
        }
        agents["storage"] = gcp.storage.get_project_service_account_output(
            project=project, opts=after(STORAGE)
        ).email_address
        if BIGQUERY in enabled:
            agents["bigquery"] = gcp.bigquery.get_default_service_account_output(
                project=project, opts=after(BIGQUERY)
            ).email
        # Compute Engine's agent is no service identity to create: it exists once the API is
        # enabled, named after the project number. It encrypts the CMEK disks (Workbench).
        agents["compute"] = pulumi.Output.concat(
            "service-", project_number, "@compute-system.iam.gserviceaccount.com"
        )
        return agents
