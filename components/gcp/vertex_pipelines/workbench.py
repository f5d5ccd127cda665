"""The optional Workbench of the training capability: a notebook instance for the team.

Private IP only (users reach JupyterLab through the Workbench proxy), no root, shielded VM,
boot and data disks encrypted with the platform key, in the platform's private subnet, running
as its own service account (the training component grants it read access to the data).
"""

from __future__ import annotations

import pulumi
import pulumi_gcp as gcp

# Ids GCP requires of a service account: 6 to 30 characters.
SERVICE_ACCOUNT_ID_LENGTH = range(6, 31)


def checked_account_id(account_id: str) -> str:
    """The notebook's account id, refused unless GCP allows its length."""
    if len(account_id) not in SERVICE_ACCOUNT_ID_LENGTH:
        raise ValueError(
            f"service account id '{account_id}' has {len(account_id)} characters "
            "(GCP allows 6 to 30)"
        )
    return account_id


def workbench_zone(region: str) -> str:
    """Workbench instances are zonal. Every GCP region has a zone `b`; some (us-east1,
    europe-west1) have no zone `a`."""
    return f"{region}-b"


def workbench(
    parent: pulumi.Resource,
    name: str,
    *,
    project: pulumi.Input[str],
    region: str,
    kms_key_id: pulumi.Input[str],
    network_id: pulumi.Input[str],
    subnet_id: pulumi.Input[str],
    account_id: str,
    machine_type: str,
    protect: bool,
    labels: dict[str, str],
) -> pulumi.Output[str]:
    """Create the notebook and its identity (`account_id`) under `parent`; return the identity
    as a member."""
    account = gcp.serviceaccount.Account(
        f"{name}-workbench",
        account_id=checked_account_id(account_id),
        display_name=f"opsblocks {name}: Workbench notebook",
        project=project,
        opts=pulumi.ResourceOptions(parent=parent),
    )
    cmek = {"disk_encryption": "CMEK", "kms_key": kms_key_id}
    gcp.workbench.Instance(
        f"{name}-notebook",
        location=workbench_zone(region),
        gce_setup=gcp.workbench.InstanceGceSetupArgs(
            machine_type=machine_type,
            disable_public_ip=True,
            network_interfaces=[
                gcp.workbench.InstanceGceSetupNetworkInterfaceArgs(
                    network=network_id, subnet=subnet_id
                )
            ],
            service_accounts=[
                gcp.workbench.InstanceGceSetupServiceAccountArgs(email=account.email)
            ],
            boot_disk=gcp.workbench.InstanceGceSetupBootDiskArgs(**cmek),
            data_disks=gcp.workbench.InstanceGceSetupDataDisksArgs(**cmek),
            shielded_instance_config=gcp.workbench.InstanceGceSetupShieldedInstanceConfigArgs(
                enable_secure_boot=True, enable_vtpm=True, enable_integrity_monitoring=True
            ),
            metadata={"notebook-disable-root": "true"},
        ),
        labels=labels,
        project=project,
        # The data disk holds the team's notebooks.
        opts=pulumi.ResourceOptions(parent=parent, protect=protect, retain_on_delete=protect),
    )
    return pulumi.Output.concat("serviceAccount:", account.email)
