"""A small mksh-compatible shell with toybox-style utilities for the simulated device."""
