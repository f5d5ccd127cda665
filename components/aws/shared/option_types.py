"""Option types several aws tools accept. Pure pydantic: no cloud SDK here."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

SageMakerInstanceType = Annotated[
    str,
    Field(
        pattern=r"^ml\.[a-z0-9]+\.[a-z0-9]+$",
        description="SageMaker instance type, e.g. ml.m5.xlarge.",
    ),
]


S3Uri = Annotated[str, Field(pattern=r"^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?$")]


def _check_model_archive(uri: str) -> str:
    # CreateModel: ModelDataUrl "must point to a single gzip compressed tar archive (.tar.gz
    # suffix)"; the serving role is granted read on exactly that object.
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    if not key.endswith(".tar.gz") or key.endswith("/.tar.gz"):
        folder = f"s3://{bucket}/{key.rstrip('/') + '/' if key else ''}"
        raise ValueError(
            f"'{uri}' does not name a model archive: SageMaker serves one .tar.gz object "
            f"(e.g. {folder}model.tar.gz)"
        )
    return uri


ModelArchiveUri = Annotated[S3Uri, AfterValidator(_check_model_archive)]


ImageUri = Annotated[
    str,
    Field(
        pattern=r"^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/[a-z0-9._/-]+[:@][\w.:-]+$",
        description="ECR image URI with a tag or digest.",
    ),
]
