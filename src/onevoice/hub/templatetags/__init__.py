"""Template tags of the hub."""
