"""Which resources hold data under a customer-managed key, and where they name it: the lists the
CMEK rules share, so a type one rule learns is a type the others check."""

from __future__ import annotations

VERTEX_KEY = "encryptionSpec.kmsKeyName"
"""Where every Vertex AI resource names its key (`encryption_spec.kms_key_name`)."""

VERTEX_KEEPS_DATA = (
    "gcp:vertex/aiEndpoint:AiEndpoint",
    "gcp:vertex/aiDataset:AiDataset",
    "gcp:vertex/aiMetadataStore:AiMetadataStore",
    "gcp:vertex/aiTensorboard:AiTensorboard",
    "gcp:vertex/aiFeatureStore:AiFeatureStore",
    "gcp:vertex/aiFeatureOnlineStore:AiFeatureOnlineStore",
    "gcp:vertex/aiIndexEndpoint:AiIndexEndpoint",
)
"""Vertex AI resources that keep data (training data, lineage, features, predictions): they use
the platform key (OB-GCP-VERTEX-001), so the Vertex AI agent must hold it (OB-GCP-KMS-003)."""
