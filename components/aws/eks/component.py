"""Kubernetes capability on AWS: an EKS cluster the platform's Kubernetes tools install onto.

Secure by default: the API endpoint is private (in dev and staging, public only for the CIDR
blocks the options list); Kubernetes secrets are envelope-encrypted with the platform key;
the control plane's five log types go to a log group encrypted with that key and kept as long
as the platform's logs; nodes run in the foundation's private subnets, without public
addresses, IMDSv2 with one hop, root volumes encrypted with the platform key; the VPC CNI
enforces Kubernetes network policies; pods get AWS roles through EKS Pod Identity.

Upgrades: the Kubernetes version is the one constant `KUBERNETES_VERSION`. To upgrade, raise
it by one minor version (EKS upgrades one at a time) and `pulumi up`: the control plane is
updated first, then every node group rolls to the new version (they follow the cluster's
version, one node at a time), then the managed add-ons, which take the default version for
the new Kubernetes version. The upgrade policy is standard support: a cluster left on a
version past its end of standard support is upgraded by AWS rather than billed for extended
support.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from components.aws.eks import autoscaler, nodes
from components.aws.eks.options import EksKubernetesOptions
from components.aws.foundation import public_subnet_cidr
from components.aws.shared import iam

KUBERNETES_VERSION = "1.36"
"""EKS standard support lasts 14 months from the EKS release (1.36: upstream April 2026)."""
LOG_TYPES = ("api", "audit", "authenticator", "controllerManager", "scheduler")
ENDPOINTS = ("ec2", "eks-auth", "autoscaling")
"""Interface endpoints nodes need besides the foundation's (ECR, STS, logs, S3): the VPC CNI
calls EC2 to give pods addresses; the Pod Identity Agent calls EKS Auth for pod credentials;
the Cluster Autoscaler calls EC2 Auto Scaling to resize the node groups."""
AUTOSCALING_ROLE = "aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"


@dataclass(frozen=True, kw_only=True)
class AwsEksKubernetesArgs:
    tags: Mapping[str, str]
    region: str
    kms_key_arn: pulumi.Input[str]
    vpc_id: pulumi.Input[str]
    subnet_ids: pulumi.Input[Sequence[str]]
    """The foundation's private subnets: the cluster's network interfaces and every node."""
    security_group_id: pulumi.Input[str]
    """The foundation's group, which its VPC endpoints admit: nodes carry it too."""
    route_table_ids: pulumi.Input[Sequence[str]]
    """The private subnets' route tables, one per zone in the subnets' order: with
    `internet_egress`, each gets a default route to a NAT gateway."""
    vpc_cidr: str = "10.0.0.0/16"
    """The VPC's range: public subnets take /24s of its last /20."""
    availability_zones: int = 2
    """How many zones the private subnets span, one subnet each (and one public subnet each
    with `internet_egress`)."""
    nat_per_zone: bool = False
    """A NAT gateway in every zone (prod), so one zone's outage leaves the others online;
    else one, which every zone routes to."""
    cluster_name: str
    """Unique per account and region, so it names the environment; the log group's name
    follows from it, and must exist before the cluster."""
    log_retention_days: int = 30
    protect: bool = False
    """Protect and retain the cluster and its logs (prod); the cluster refuses deletion."""
    aws_profile: str | None = None
    """The AWS profile `aws eks get-token` signs with (the stack's `aws:profile`)."""
    role_arn: str | None = None
    """The role `aws eks get-token` assumes first (the stack's last `aws:assumeRoles` role,
    which the AWS provider creates the cluster as, so it is the cluster's administrator)."""
    options: EksKubernetesOptions = field(default_factory=EksKubernetesOptions)


class AwsEksKubernetes(pulumi.ComponentResource):
    provider: k8s.Provider
    """The Kubernetes provider that reaches the cluster (through `aws eks get-token`)."""
    cluster_name: pulumi.Output[str]
    cluster_arn: pulumi.Output[str]
    node_security_group_id: pulumi.Output[str]
    """The cluster security group every node (and so every pod) carries."""

    def __init__(
        self, name: str, args: AwsEksKubernetesArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("opsblocks:index:AwsEksKubernetes", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        stateful = pulumi.ResourceOptions(
            parent=self, protect=args.protect, retain_on_delete=args.protect
        )
        tags = dict(args.tags)
        partition = iam.aws_partition(args.region)
        account_id = aws.get_caller_identity_output(
            opts=pulumi.InvokeOutputOptions(parent=self)
        ).account_id

        # EKS writes to /aws/eks/<cluster>/cluster, creating it (unencrypted, kept forever)
        # unless it exists: so it is created first, with the key and a retention.
        logs = aws.cloudwatch.LogGroup(
            f"{name}-control-plane",
            name=f"/aws/eks/{args.cluster_name}/cluster",
            retention_in_days=args.log_retention_days,
            kms_key_id=args.kms_key_arn,
            tags=tags,
            opts=stateful,
        )
        cluster_role, cluster_policy = iam.service_role(
            f"{name}-cluster-role",
            "eks.amazonaws.com",
            # Envelope encryption of secrets: what EKS does with the key as the cluster role.
            iam.document(
                iam.allow(
                    ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"],
                    [args.kms_key_arn],
                )
            ),
            tags,
            parent=self,
            description=f"opsblocks {name}: the EKS control plane",
        )
        cluster_managed = aws.iam.RolePolicyAttachment(
            f"{name}-cluster-eks",
            role=cluster_role.name,
            policy_arn=f"arn:{partition}:iam::aws:policy/AmazonEKSClusterPolicy",
            opts=child,
        )
        public = list(args.options.public_access_cidrs)
        cluster = aws.eks.Cluster(
            f"{name}-cluster",
            name=args.cluster_name,
            version=KUBERNETES_VERSION,
            role_arn=cluster_role.arn,
            vpc_config=aws.eks.ClusterVpcConfigArgs(
                subnet_ids=args.subnet_ids,
                endpoint_private_access=True,
                endpoint_public_access=bool(public),
                public_access_cidrs=public or None,
            ),
            access_config=aws.eks.ClusterAccessConfigArgs(
                # Access entries only (no aws-auth ConfigMap); whoever runs `pulumi up` is the
                # cluster's first administrator, so the program can install onto it.
                authentication_mode="API",
                bootstrap_cluster_creator_admin_permissions=True,
            ),
            # Every add-on is an EKS managed add-on below, not an unmanaged copy.
            bootstrap_self_managed_addons=False,
            encryption_config=aws.eks.ClusterEncryptionConfigArgs(
                provider=aws.eks.ClusterEncryptionConfigProviderArgs(key_arn=args.kms_key_arn),
                resources=["secrets"],
            ),
            enabled_cluster_log_types=list(LOG_TYPES),
            upgrade_policy=aws.eks.ClusterUpgradePolicyArgs(support_type="STANDARD"),
            deletion_protection=args.protect,
            tags=tags,
            opts=pulumi.ResourceOptions.merge(
                stateful,
                pulumi.ResourceOptions(depends_on=[logs, cluster_policy, cluster_managed]),
            ),
        )
        cluster_group = cluster.vpc_config.apply(lambda c: c.cluster_security_group_id or "")

        # One entry per zone, known before `up`: the endpoints' price is per zone.
        subnets = pulumi.Output.from_input(args.subnet_ids)
        zonal = [_nth(subnets, index) for index in range(args.availability_zones)]
        endpoints = [
            aws.ec2.VpcEndpoint(
                f"{name}-{service}",
                vpc_id=args.vpc_id,
                service_name=f"com.amazonaws.{args.region}.{service}",
                vpc_endpoint_type="Interface",
                private_dns_enabled=True,
                subnet_ids=zonal,
                security_group_ids=[args.security_group_id],
                tags=tags,
                opts=child,
            )
            for service in ENDPOINTS
        ]
        egress = self._internet_egress(name, args, tags) if args.options.internet_egress else []
        # Before nodes start: networking, and the agent pods get their credentials from.
        early = [
            self._addon(name, cluster, "vpc-cni", tags,
                        # VPC CNI enforces Kubernetes NetworkPolicy objects.
                        configuration=json.dumps({"enableNetworkPolicy": "true"})),
            self._addon(name, cluster, "kube-proxy", tags),
            self._addon(name, cluster, "eks-pod-identity-agent", tags),
        ]  # fmt: skip

        node_role, node_policies = nodes.node_role(name, partition, tags, self)
        # Node volumes are encrypted with the platform key by EC2 Auto Scaling's
        # service-linked role, which key policies name only through a grant.
        volumes = aws.kms.Grant(
            f"{name}-node-volumes",
            key_id=args.kms_key_arn,
            grantee_principal=pulumi.Output.concat(
                f"arn:{partition}:iam::", account_id, f":role/{AUTOSCALING_ROLE}"
            ),
            operations=["Encrypt", "Decrypt", "ReEncryptFrom", "ReEncryptTo", "GenerateDataKey",
                        "GenerateDataKeyWithoutPlaintext", "DescribeKey", "CreateGrant"],
            opts=child,
        )  # fmt: skip
        template = nodes.launch_template(
            name,
            kms_key_arn=args.kms_key_arn,
            security_group_ids=[cluster_group, args.security_group_id],
            disk_size_gb=args.options.disk_size_gb,
            tags=tags,
            parent=self,
        )
        groups = nodes.node_groups(
            name,
            cluster=cluster,
            role=node_role,
            template=template,
            subnet_ids=args.subnet_ids,
            options=args.options,
            tags=tags,
            parent=self,
            after=[*node_policies, *early, *endpoints, *egress, volumes],
        )
        # CoreDNS is scheduled on nodes: created before any, it would never become ready.
        coredns = self._addon(name, cluster, "coredns", tags, after=groups)

        self.provider = k8s.Provider(
            f"{name}-kubernetes",
            kubeconfig=kubeconfig(
                cluster.name,
                cluster.endpoint,
                cluster.certificate_authority.apply(lambda authority: authority.data or ""),
                args.region,
                args.aws_profile,
                role_arn=args.role_arn,
            ),
            opts=pulumi.ResourceOptions(parent=self, depends_on=groups),
        )
        # Scales the workload and GPU groups between their min and max.
        autoscaler.install(
            name,
            cluster=cluster.name,
            cluster_name=args.cluster_name,
            region=args.region,
            account_id=account_id,
            tags=tags,
            provider=self.provider,
            after=[*groups, coredns],
            parent=self,
        )
        self.cluster_name = cluster.name
        self.cluster_arn = cluster.arn
        self.node_security_group_id = cluster_group
        self.register_outputs(
            {
                "cluster_name": self.cluster_name,
                "cluster_arn": self.cluster_arn,
                "node_security_group_id": self.node_security_group_id,
            }
        )

    def _internet_egress(
        self, name: str, args: AwsEksKubernetesArgs, tags: Mapping[str, str]
    ) -> list[pulumi.Resource]:
        """Public subnets (one per zone, nothing but NAT gateways in them), an internet gateway,
        NAT gateways with their addresses, and each private route table's default route to
        its zone's gateway (or the only one). Inbound, nothing reaches the private subnets."""
        child = pulumi.ResourceOptions(parent=self)
        zones = aws.get_availability_zones_output(
            state="available", opts=pulumi.InvokeOutputOptions(parent=self)
        ).names
        tables = pulumi.Output.from_input(args.route_table_ids)
        gateway = aws.ec2.InternetGateway(
            f"{name}-internet", vpc_id=args.vpc_id, tags=dict(tags), opts=child
        )
        public = aws.ec2.RouteTable(
            f"{name}-public",
            vpc_id=args.vpc_id,
            routes=[aws.ec2.RouteTableRouteArgs(cidr_block="0.0.0.0/0", gateway_id=gateway.id)],
            tags=dict(tags),
            opts=child,
        )
        nats: list[aws.ec2.NatGateway] = []
        for index in range(args.availability_zones):
            number = index + 1
            # Same zones, same order as the foundation's private subnets.
            subnet = aws.ec2.Subnet(
                f"{name}-public-{number}",
                vpc_id=args.vpc_id,
                cidr_block=public_subnet_cidr(args.vpc_cidr, index),
                availability_zone=zones[index],
                map_public_ip_on_launch=False,
                tags={**tags, "Name": f"{name}-public-{number}"},
                opts=child,
            )
            aws.ec2.RouteTableAssociation(f"{name}-public-{number}", subnet_id=subnet.id,
                                          route_table_id=public.id, opts=child)  # fmt: skip
            if index == 0 or args.nat_per_zone:
                address = aws.ec2.Eip(
                    f"{name}-nat-{number}",
                    domain="vpc",
                    tags=dict(tags),
                    opts=pulumi.ResourceOptions(parent=self, depends_on=[gateway]),
                )
                nats.append(
                    aws.ec2.NatGateway(
                        f"{name}-nat-{number}",
                        allocation_id=address.id,
                        subnet_id=subnet.id,
                        connectivity_type="public",
                        tags=dict(tags),
                        opts=pulumi.ResourceOptions(parent=self, depends_on=[gateway]),
                    )
                )
        routes: list[pulumi.Resource] = [
            aws.ec2.Route(
                f"{name}-private-{index + 1}-egress",
                route_table_id=_nth(tables, index),
                destination_cidr_block="0.0.0.0/0",
                nat_gateway_id=nats[index if args.nat_per_zone else 0].id,
                opts=child,
            )
            for index in range(args.availability_zones)
        ]
        return routes

    def _addon(
        self,
        name: str,
        cluster: aws.eks.Cluster,
        addon: str,
        tags: Mapping[str, str],
        configuration: str | None = None,
        after: Sequence[pulumi.Resource] = (),
    ) -> aws.eks.Addon:
        # No addon_version: EKS installs the default version for the cluster's Kubernetes
        # version, and moves to the new default when the cluster is upgraded.
        return aws.eks.Addon(
            f"{name}-{addon}",
            cluster_name=cluster.name,
            addon_name=addon,
            configuration_values=configuration,
            resolve_conflicts_on_update="OVERWRITE",
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self, depends_on=list(after)),
        )


def kubeconfig(
    cluster: pulumi.Input[str],
    endpoint: pulumi.Input[str],
    authority: pulumi.Input[str],
    region: str,
    profile: str | None,
    role_arn: str | None = None,
) -> pulumi.Output[str]:
    """A kubeconfig that asks `aws eks get-token` for a short-lived token at every call: no
    token is stored in it, nor in the stack's state. With `role_arn`, the token is signed as
    that role (assumed from the profile's identity), not as the profile's identity."""
    env = [{"name": "AWS_PROFILE", "value": profile}] if profile else None
    assume = ["--role-arn", role_arn] if role_arn else []
    return pulumi.Output.json_dumps(
        {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [{"name": cluster, "cluster": {
                "server": endpoint, "certificate-authority-data": authority}}],
            "contexts": [{"name": cluster, "context": {"cluster": cluster, "user": cluster}}],
            "current-context": cluster,
            "users": [{"name": cluster, "user": {"exec": {
                "apiVersion": "client.authentication.k8s.io/v1beta1",
                "command": "aws",
                "args": ["eks", "get-token", "--cluster-name", cluster,
                         "--region", region, "--output", "json", *assume],
                "env": env,
            }}}],
        }
    )  # fmt: skip


def _nth(values: pulumi.Output[Sequence[str]], index: int) -> pulumi.Output[str]:
    return values.apply(lambda found: found[index])
