"""The kubeconfig of the cluster's Kubernetes provider: the API server and its certificate
authority, from the cluster's user credentials, and no token. Local accounts are disabled, so
every caller signs in with Entra ID through kubelogin (the exec credential plugin, "Using
kubelogin with AKS"), as the Azure CLI session that runs `pulumi up` (`az login`; in CI
`az login --service-principal` or with a federated token first)."""

from __future__ import annotations

import base64
import json
import re

AKS_SERVER_ID = "6dae42f8-4368-4678-94ff-3960e28e3630"
"""The application id of the Azure Kubernetes Service AAD Server, the same in every tenant:
the audience of the tokens AKS accepts."""
SERVER = re.compile(r"^\s*server:\s*(\S+)\s*$", re.M)
AUTHORITY = re.compile(r"^\s*certificate-authority-data:\s*(\S+)\s*$", re.M)


def exec_kubeconfig(cluster: str, server: str, authority: str) -> str:
    """A kubeconfig (JSON) for `cluster` at `server` whose user runs `kubelogin get-token`."""
    user = {"exec": {"apiVersion": "client.authentication.k8s.io/v1beta1",
                     "command": "kubelogin",
                     "args": ["get-token", "--login", "azurecli", "--server-id", AKS_SERVER_ID],
                     "interactiveMode": "Never"}}  # fmt: skip
    return json.dumps({
        "apiVersion": "v1", "kind": "Config", "current-context": cluster,
        "clusters": [{"name": cluster,
                      "cluster": {"server": server, "certificate-authority-data": authority}}],
        "contexts": [{"name": cluster, "context": {"cluster": cluster, "user": "entra-id"}}],
        "users": [{"name": "entra-id", "user": user}],
    })  # fmt: skip


def from_user_credentials(cluster: str, encoded: str) -> str:
    """The exec kubeconfig of `cluster`, from the base64 kubeconfig AKS lists as its user
    credentials (only its server and certificate authority are kept)."""
    text = base64.b64decode(encoded).decode()
    server, authority = SERVER.search(text), AUTHORITY.search(text)
    if server is None or authority is None:
        raise ValueError(f"the user credentials of {cluster} name no server or certificate")
    return exec_kubeconfig(cluster, server.group(1), authority.group(1))
