"""adls: the data lake on ADLS Gen2 (raw, curated): TLS 1.2, no shared keys, soft delete, and the
platform key in prod."""

from __future__ import annotations

from typing import TYPE_CHECKING

from components.azure.adls.options import AdlsOptions
from opsblocks.contracts.azure import AzureLake
from opsblocks.model import Capability, Cloud
from opsblocks.tools import Tool

if TYPE_CHECKING:
    from opsblocks.wiring.azure import AzureSite


def build(site: AzureSite, options: AdlsOptions) -> AzureLake:
    from components.azure.adls.component import CONTAINERS, AzureAdlsData, AzureAdlsDataArgs

    foundation = site.foundation
    data = AzureAdlsData(
        site.name,
        AzureAdlsDataArgs(
            tags=site.tags,
            **site.unique,
            **site.key,
            **site.private,
            # The workspace identity reads the key and the lake; the workload identity writes.
            identity_id=foundation.identity_id,
            identity_principal_id=foundation.workload_identity_principal_id,
            reader_principal_id=foundation.identity_principal_id,
            account_prefix=f"{site.compact}dl",
            protect=site.env.protect_data,
            options=options,
        ),
        site.opts,
    )
    return AzureLake(data_uri=data.data_uri, account_name=data.account_name,
                     account_id=data.account_id, containers=CONTAINERS)  # fmt: skip


TOOL = Tool(
    cloud=Cloud.azure,
    capability=Capability.data,
    name="adls",
    description="ADLS Gen2 data lake (raw, curated): TLS 1.2, no shared keys, soft delete, CMK "
    "in prod",
    options=AdlsOptions,
    component="components.azure.adls.component:AzureAdlsData",
    build=build,
    gives=AzureLake,
    main_types=("azure_native.storage.StorageAccount",),
)
