"""The optional Workbench of the training capability: a notebook instance for the team.

Private IP only (users reach JupyterLab through the Workbench proxy), no root, shielded VM,
boot and data disks encrypted with the platform key, in the platform's private subnet, running
as its own service account (the training component grants it read access to the data).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pulumi
import pulumi_gcp as gcp

from components.gcp.shared import pipeline_job as job

if TYPE_CHECKING:
    from components.gcp.vertex_pipelines.component import GcpVertexPipelinesTrainingArgs


def workbench(
    parent: pulumi.Resource,
    name: str,
    args: GcpVertexPipelinesTrainingArgs,
    labels: dict[str, str],
) -> pulumi.Output[str]:
    """Create the notebook and its identity under `parent`; return the identity as a member."""
    account = gcp.serviceaccount.Account(
        f"{name}-workbench",
        account_id=job.workbench_account_id(args.service_account_id),
        display_name=f"opsblocks {name}: Workbench notebook",
        project=args.project,
        opts=pulumi.ResourceOptions(parent=parent),
    )
    cmek = {"disk_encryption": "CMEK", "kms_key": args.kms_key_id}
    gcp.workbench.Instance(
        f"{name}-notebook",
        location=job.workbench_zone(args.region),
        gce_setup=gcp.workbench.InstanceGceSetupArgs(
            machine_type=args.workbench_machine_type,
            disable_public_ip=True,
            network_interfaces=[
                gcp.workbench.InstanceGceSetupNetworkInterfaceArgs(
                    network=args.network_id, subnet=args.subnet_id
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
        project=args.project,
        # The data disk holds the team's notebooks.
        opts=pulumi.ResourceOptions(
            parent=parent, protect=args.protect, retain_on_delete=args.protect
        ),
    )
    return pulumi.Output.concat("serviceAccount:", account.email)
