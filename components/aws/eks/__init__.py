"""The eks tool: an EKS cluster the blueprint creates."""
