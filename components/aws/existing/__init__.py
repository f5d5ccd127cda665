"""The existing tool on aws: an EKS cluster the user already has."""
