"""The azure-devops tool on azure."""
