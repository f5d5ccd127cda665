"""Option types several aws tools accept. Pure pydantic: no cloud SDK here."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

SageMakerInstanceType = Annotated[
    str,
    Field(
        pattern=r"^ml\.[a-z0-9]+\.[a-z0-9]+$",
        description="SageMaker instance type, e.g. ml.m5.xlarge.",
    ),
]


S3Uri = Annotated[str, Field(pattern=r"^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?$")]


ImageUri = Annotated[
    str,
    Field(
        pattern=r"^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/[a-z0-9._/-]+[:@][\w.:-]+$",
        description="ECR image URI with a tag or digest.",
    ),
]
