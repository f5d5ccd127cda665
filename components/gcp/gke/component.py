"""Kubernetes capability on GCP: a regional GKE cluster, and its Kubernetes provider.

Standard by default (node pools of the blueprint's machine types, `nodes.py`); with
`autopilot: true` an Autopilot cluster: no node pools, GKE creates nodes for the pods' resource
requests and bills those. Everything below holds for both; Autopilot fixes some of it itself
(Workload Identity, Dataplane V2, shielded nodes, the GKE metadata server).

Secure by default:
- the API server has a private endpoint only in prod (and in dev/staging without
  `public_access_cidrs`); otherwise its public endpoint admits those CIDRs alone, never Google
  Cloud's public IPs; authorized networks are enforced on the private endpoint too, which admits
  the foundation's subnet and the cluster's nodes and pods only (not the rest of the VPC, nor
  networks peered or connected to it); the DNS endpoint admits no user traffic; no client
  certificate;
- Kubernetes secrets are envelope-encrypted with the platform key (application-layer secrets
  encryption): GKE's service agent is granted the key first, and the cluster waits for it;
- Workload Identity (`<project>.svc.id.goog`): a Kubernetes service account acts as a Google
  service account that allows it, and pods never see the node's credentials;
- nodes are private, shielded, in a subnet of the platform's VPC (`network.py`), and run as a
  service account with the one role nodes need (`nodes.py`); that subnet's fixed ranges may
  collide with the foundation's Private Services Access /16, which Google picks: `network.py`
  says how to tell and what to change;
- Dataplane V2 enforces Kubernetes network policies; control-plane and workload logs go to
  Cloud Logging, control-plane metrics to Cloud Monitoring.

Versions and upgrades: the cluster is enrolled in the Regular release channel and
`KUBERNETES_VERSION` is its minimum control-plane version. Within the channel GKE upgrades the
control plane, then the node pools (auto-upgrade; Autopilot upgrades its nodes itself), to new
patches and, when the channel moves on, to the next minor version, in the weekend maintenance
window; `pulumi up` never downgrades (the version is a minimum). To move to a newer minor
version on your own schedule: raise `KUBERNETES_VERSION` to a minor the Regular channel offers,
`pulumi up` (the control plane upgrades first), then the node pools follow it (auto-upgrade, or
at once with `gcloud container clusters upgrade <cluster> --node-pool <pool> --region
<region>`). Nodes may lag the control plane by two minor versions at most, never lead it.

The cluster is protected (and retained) in prod, and GKE's own deletion protection is on
there: deleting it deletes everything that runs on it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_gcp as gcp
import pulumi_kubernetes as k8s

from components.gcp.gke.network import PODS, SERVICES, node_network
from components.gcp.gke.nodes import (
    GPU_TAINT,
    autopilot_mode,
    node_config,
    node_identity,
    node_pool,
    standard_mode,
)
from components.gcp.gke.options import GkeOptions

KUBERNETES_VERSION = "1.36"
"""Minimum control-plane version: in the Regular channel, supported into late 2027."""
RELEASE_CHANNEL = "REGULAR"
ENCRYPTER = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
LOGGED = ["SYSTEM_COMPONENTS", "APISERVER", "CONTROLLER_MANAGER", "SCHEDULER", "WORKLOADS"]
MONITORED = ["SYSTEM_COMPONENTS", "APISERVER", "CONTROLLER_MANAGER", "SCHEDULER"]
# Saturday and Sunday, 01:00-07:00 UTC: when GKE may upgrade or repair the cluster.
MAINTENANCE = ("2026-01-03T01:00:00Z", "2026-01-03T07:00:00Z", "FREQ=WEEKLY;BYDAY=SA,SU")
AUTH_PLUGIN = "gke-gcloud-auth-plugin"


@dataclass(frozen=True, kw_only=True)
class GcpGkeKubernetesArgs:
    labels: Mapping[str, str]
    project: pulumi.Input[str]
    """Project id from the foundation: resolves once the APIs and the key are ready."""
    region: str
    kms_key_id: pulumi.Input[str]
    """The platform key: Kubernetes secrets and the nodes' boot disks."""
    network_id: pulumi.Input[str]
    """The platform's VPC: the cluster's subnet is created in it."""
    cluster_name: str
    """The cluster's name (at most 40 characters, unique per project and region)."""
    node_account_id: str
    """Id of the nodes' service account (6-30 characters)."""
    internal_cidrs: Sequence[str] = ()
    """The platform's other ranges that may reach the API server's private endpoint (the
    foundation's subnet); the cluster's node and pod ranges are always admitted."""
    protect: bool = False
    """Protect and retain the cluster, with GKE's deletion protection on."""
    options: GkeOptions = field(default_factory=GkeOptions)


class GcpGkeKubernetes(pulumi.ComponentResource):
    cluster_name: pulumi.Output[str]
    workload_pool: pulumi.Output[str]
    """`<project>.svc.id.goog`: where Google service accounts grant Kubernetes ones."""
    provider: k8s.Provider
    """The Kubernetes provider of the cluster: everything installed on it uses this one."""

    def __init__(
        self, name: str, args: GcpGkeKubernetesArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("opsblocks:index:GcpGkeKubernetes", name, {}, opts)
        options = args.options
        labels = dict(args.labels)
        private = args.protect or not options.public_access_cidrs
        internal = [*args.internal_cidrs, options.node_range, options.pod_range]
        authorized = [(cidr, f"opsblocks internal {index}") for index, cidr in enumerate(internal)]
        if not private:
            authorized += [(cidr, f"opsblocks public access {index}")
                           for index, cidr in enumerate(options.public_access_cidrs)]  # fmt: skip

        project = gcp.organizations.get_project_output(
            project_id=args.project, opts=pulumi.InvokeOutputOptions(parent=self)
        )
        # GKE's service agent encrypts and decrypts the secrets with the key: granted before
        # the cluster exists, or its creation fails.
        secrets_key_grant = gcp.kms.CryptoKeyIAMMember(
            f"{name}-key-container",
            crypto_key_id=args.kms_key_id,
            role=ENCRYPTER,
            member=pulumi.Output.concat(
                "serviceAccount:service-", project.number,
                "@container-engine-robot.iam.gserviceaccount.com"),
            opts=pulumi.ResourceOptions(parent=self),
        )  # fmt: skip
        account, node_grants = node_identity(
            self, name, project=args.project, account_id=args.node_account_id
        )
        network = node_network(
            self, name, project=args.project, region=args.region, network_id=args.network_id,
            node_range=options.node_range, pod_range=options.pod_range,
            service_range=options.service_range, internet_egress=options.internet_egress,
        )  # fmt: skip
        self.workload_pool = pulumi.Output.concat(args.project, ".svc.id.goog")
        config = {"service_account": account.email, "kms_key_id": args.kms_key_id,
                  "disk_size_gb": options.disk_size_gb, "labels": labels}  # fmt: skip
        mode = (
            autopilot_mode(service_account=account.email, kms_key_id=args.kms_key_id)
            if options.autopilot
            else standard_mode(machine_type=options.system_machine_type, **config)
        )

        cluster = gcp.container.Cluster(
            f"{name}-cluster",
            name=args.cluster_name,
            project=args.project,
            location=args.region,
            network=args.network_id,
            subnetwork=network.subnet.id,
            networking_mode="VPC_NATIVE",
            ip_allocation_policy=gcp.container.ClusterIpAllocationPolicyArgs(
                cluster_secondary_range_name=PODS, services_secondary_range_name=SERVICES
            ),
            enable_autopilot=mode.enable_autopilot,
            remove_default_node_pool=mode.remove_default_node_pool,
            initial_node_count=mode.initial_node_count,
            node_config=mode.node_config,
            cluster_autoscaling=mode.cluster_autoscaling,
            enable_shielded_nodes=mode.enable_shielded_nodes,
            datapath_provider=mode.datapath_provider,
            private_cluster_config=gcp.container.ClusterPrivateClusterConfigArgs(
                enable_private_nodes=True, enable_private_endpoint=private
            ),
            # Authorized networks hold on the private endpoint too: only the platform's own
            # ranges (the foundation's subnet, the cluster's nodes and pods) reach it, not the
            # rest of the VPC nor the networks peered or connected to it.
            master_authorized_networks_config=gcp.container.ClusterMasterAuthorizedNetworksConfigArgs(
                cidr_blocks=[
                    gcp.container.ClusterMasterAuthorizedNetworksConfigCidrBlockArgs(
                        cidr_block=cidr, display_name=display
                    )
                    for cidr, display in authorized
                ],
                gcp_public_cidrs_access_enabled=False,
                private_endpoint_enforcement_enabled=True,
            ),
            control_plane_endpoints_config=gcp.container.ClusterControlPlaneEndpointsConfigArgs(
                dns_endpoint_config=gcp.container.ClusterControlPlaneEndpointsConfigDnsEndpointConfigArgs(
                    allow_external_traffic=False
                ),
            ),
            master_auth=gcp.container.ClusterMasterAuthArgs(
                client_certificate_config=gcp.container.ClusterMasterAuthClientCertificateConfigArgs(
                    issue_client_certificate=False
                )
            ),
            enable_legacy_abac=False,
            database_encryption=gcp.container.ClusterDatabaseEncryptionArgs(
                state="ENCRYPTED", key_name=args.kms_key_id
            ),
            workload_identity_config=gcp.container.ClusterWorkloadIdentityConfigArgs(
                workload_pool=self.workload_pool
            ),
            logging_config=gcp.container.ClusterLoggingConfigArgs(enable_components=LOGGED),
            monitoring_config=gcp.container.ClusterMonitoringConfigArgs(
                enable_components=MONITORED,
                managed_prometheus=gcp.container.ClusterMonitoringConfigManagedPrometheusArgs(
                    enabled=True
                ),
            ),
            release_channel=gcp.container.ClusterReleaseChannelArgs(channel=RELEASE_CHANNEL),
            min_master_version=KUBERNETES_VERSION,
            maintenance_policy=gcp.container.ClusterMaintenancePolicyArgs(
                recurring_window=gcp.container.ClusterMaintenancePolicyRecurringWindowArgs(
                    start_time=MAINTENANCE[0], end_time=MAINTENANCE[1], recurrence=MAINTENANCE[2]
                )
            ),
            resource_labels=labels,
            deletion_protection=args.protect,
            opts=pulumi.ResourceOptions(
                parent=self,
                protect=args.protect,
                retain_on_delete=args.protect,
                depends_on=[secrets_key_grant, *node_grants, *network.egress],
            ),
        )

        # Autopilot has no node pools: GKE creates and sizes nodes for the pods it schedules.
        pools: list[gcp.container.NodePool] = [] if options.autopilot else [
            node_pool(self, name, "system", cluster=cluster, project=args.project,
                      region=args.region, nodes_per_zone=options.system_nodes_per_zone,
                      config=node_config(machine_type=options.system_machine_type,
                                         pool="system", **config)),
            node_pool(self, name, "workload", cluster=cluster, project=args.project,
                      region=args.region,
                      total_nodes=(options.workload_min_nodes, options.workload_max_nodes),
                      config=node_config(machine_type=options.workload_machine_type,
                                         pool="workload", **config)),
        ]  # fmt: skip
        if options.gpu is not None and not options.autopilot:
            gpu = options.gpu
            accelerator = gcp.container.NodePoolNodeConfigGuestAcceleratorArgs(
                type=gpu.accelerator,
                count=gpu.accelerator_count,
                # GKE installs the NVIDIA driver of the node's version (no DaemonSet to run).
                gpu_driver_installation_config=gcp.container.NodePoolNodeConfigGuestAcceleratorGpuDriverInstallationConfigArgs(
                    gpu_driver_version="DEFAULT"
                ),
            )
            pools.append(
                node_pool(self, name, "gpu", cluster=cluster, project=args.project,
                          region=args.region, total_nodes=(0, gpu.max_nodes),
                          config=node_config(machine_type=gpu.machine_type, pool="gpu",
                                             accelerators=[accelerator], taints=[GPU_TAINT],
                                             **config))
            )  # fmt: skip

        # Everything installed on the cluster goes through this provider: it waits for the
        # node pools (Standard), so nothing is scheduled on a cluster without nodes; Autopilot
        # adds nodes for pending pods itself.
        self.provider = k8s.Provider(
            f"{name}-kubernetes",
            kubeconfig=pulumi.Output.all(
                cluster.name, cluster.endpoint, cluster.master_auth.cluster_ca_certificate
            ).apply(lambda v: kubeconfig(v[0], v[1], v[2])),
            opts=pulumi.ResourceOptions(parent=self, depends_on=pools),
        )
        self.cluster_name = cluster.name
        self.register_outputs(
            {"cluster_name": self.cluster_name, "workload_pool": self.workload_pool}
        )


def kubeconfig(cluster: str, endpoint: str, ca_certificate: str) -> str:
    """A kubeconfig (JSON, which is YAML) that signs in through `gke-gcloud-auth-plugin`: the
    deployer's own Google credentials, a short-lived token per call, no token stored."""
    user = {
        "exec": {
            "apiVersion": "client.authentication.k8s.io/v1beta1",
            "command": AUTH_PLUGIN,
            "installHint": "Install gke-gcloud-auth-plugin: gcloud components install "
            "gke-gcloud-auth-plugin (cloud.google.com/kubernetes-engine/docs/how-to/"
            "cluster-access-for-kubectl)",
            "provideClusterInfo": True,
            "interactiveMode": "Never",
        }
    }
    return json.dumps({
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": cluster, "cluster": {
            "server": f"https://{endpoint}", "certificate-authority-data": ca_certificate}}],
        "users": [{"name": cluster, "user": user}],
        "contexts": [{"name": cluster, "context": {"cluster": cluster, "user": cluster}}],
        "current-context": cluster,
    })  # fmt: skip
