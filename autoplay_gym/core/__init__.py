"""What every platform shares: UI snapshots, actions, spaces and the env loop."""

from autoplay_gym.core.actions import ACTION_TYPES, Action, parse_action
from autoplay_gym.core.env import AppEnv, Backend, Snapshot
from autoplay_gym.core.errors import ActionError, AppNotRunning, AutoPlayError, BackendError, MissingDependency
from autoplay_gym.core.ui import Bounds, TreeDiff, UIElement, UITree

__all__ = [
    "ACTION_TYPES",
    "Action",
    "ActionError",
    "AppEnv",
    "AppNotRunning",
    "AutoPlayError",
    "Backend",
    "BackendError",
    "Bounds",
    "MissingDependency",
    "Snapshot",
    "TreeDiff",
    "UIElement",
    "UITree",
    "parse_action",
]
