"""The opsblocks rules as a Pulumi policy pack:

    pulumi preview --stack aws-dev --policy-pack policies

The rules are imported from this repository's `opsblocks/check` (standard library only), so
`opsblocks check` offline and this pack on a real stack run one implementation.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pulumi_policy import EnforcementLevel, PolicyPack

from policies.adapter import policies

PolicyPack(
    name="opsblocks",
    policies=policies(),
    enforcement_level=EnforcementLevel.MANDATORY,
)
