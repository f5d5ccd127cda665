"""The codepipeline tool on aws."""
