"""View trees, their `uiautomator dump` XML, their rendering, and the widget builders apps use."""
