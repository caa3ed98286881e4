"""Android platform: the adbutils client side and the simulated device (sim/)."""
