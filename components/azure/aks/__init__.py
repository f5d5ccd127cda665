"""The aks tool: an AKS cluster the blueprint creates."""
