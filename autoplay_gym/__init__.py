"""autoplay_gym: real Android and Ubuntu apps as Gymnasium environments, and AutoPlay task generation on them.

`import autoplay_gym` registers every `AutoPlay-Android-<App>` and `AutoPlay-Ubuntu-<App>` id.
"""

from autoplay_gym.core import (  # the public names, re-exported
    ACTION_TYPES,
    Action,
    ActionError,
    AppEnv,
    AppNotRunning,
    AutoPlayError,
    Backend,
    BackendError,
    Bounds,
    MissingDependency,
    Snapshot,
    TreeDiff,
    UIElement,
    UITree,
    parse_action,
)
from autoplay_gym.envs.registration import register_all

__version__ = "0.1.0"

register_all()

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
    "__version__",
    "parse_action",
]
