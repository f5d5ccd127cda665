"""What the MLflow server's pods may reach, and be reached from (a NetworkPolicy spec).

In: port PORT from any pod of the cluster; nothing from outside it (the Service is ClusterIP).
Out: DNS; PostgreSQL (the managed server's private address is known only after `up`, so the
port alone is the bound); HTTPS, for the object store and the token endpoints (STS,
login.microsoftonline.com, oauth2.googleapis.com); and the node-local endpoints that hand the
pods their workload identity:
- EKS Pod Identity Agent: 169.254.170.23:80 (IPv4) and [fd00:ec2::23]:80 (IPv6);
- GKE metadata server: 169.254.169.254:80 (GKE Dataplane V2), 169.254.169.252:988.
AKS workload identity needs no node endpoint: its token is a projected file, exchanged over
HTTPS at login.microsoftonline.com.
"""

from __future__ import annotations

import pulumi_kubernetes as k8s

from components.portable.mlflow.values import PORT, SELECTOR

DNS_PORT = 53
HTTPS_PORT = 443
IDENTITY_ENDPOINTS = (
    ("169.254.170.23/32", 80),  # EKS Pod Identity Agent
    ("fd00:ec2::23/128", 80),  # EKS Pod Identity Agent, IPv6
    ("169.254.169.254/32", 80),  # GKE metadata server (Dataplane V2)
    ("169.254.169.252/32", 988),  # GKE metadata server
)


def _port(port: int, protocol: str = "TCP") -> k8s.networking.v1.NetworkPolicyPortArgs:
    return k8s.networking.v1.NetworkPolicyPortArgs(port=port, protocol=protocol)


def network_policy_spec(database_port: int) -> k8s.networking.v1.NetworkPolicySpecArgs:
    anywhere = [
        k8s.networking.v1.NetworkPolicyEgressRuleArgs(
            ports=[_port(DNS_PORT, "UDP"), _port(DNS_PORT, "TCP")]
        ),
        k8s.networking.v1.NetworkPolicyEgressRuleArgs(ports=[_port(database_port)]),
        k8s.networking.v1.NetworkPolicyEgressRuleArgs(ports=[_port(HTTPS_PORT)]),
    ]
    identity = [
        k8s.networking.v1.NetworkPolicyEgressRuleArgs(
            to=[
                k8s.networking.v1.NetworkPolicyPeerArgs(
                    ip_block=k8s.networking.v1.IPBlockArgs(cidr=cidr)
                )
            ],
            ports=[_port(port)],
        )
        for cidr, port in IDENTITY_ENDPOINTS
    ]
    return k8s.networking.v1.NetworkPolicySpecArgs(
        pod_selector=k8s.meta.v1.LabelSelectorArgs(match_labels=SELECTOR),
        policy_types=["Ingress", "Egress"],
        ingress=[
            k8s.networking.v1.NetworkPolicyIngressRuleArgs(
                # Every pod of every namespace: the cluster, not the network beyond it.
                from_=[
                    k8s.networking.v1.NetworkPolicyPeerArgs(
                        namespace_selector=k8s.meta.v1.LabelSelectorArgs()
                    )
                ],
                ports=[_port(PORT)],
            )
        ],
        egress=[*anywhere, *identity],
    )
