"""The existing tool on Azure: an AKS cluster the user already has."""
