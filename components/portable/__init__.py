"""Tools that run on any cloud's Kubernetes (MLflow, Kubeflow, KServe, Jenkins, ...), written
once against cloud-neutral inputs (`inputs.py`); `adapters.py` turns each cloud's identities
into those inputs. Modules here import Pulumi and pulumi_kubernetes, never a cloud's SDK."""
