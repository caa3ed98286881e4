"""Platform backends and the env-id registry."""
