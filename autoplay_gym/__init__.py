"""autoplay_gym: real Android and Ubuntu apps as Gymnasium environments, and AutoPlay task generation on them.

`import autoplay_gym` registers every `AutoPlay-Android-<App>` and `AutoPlay-Ubuntu-<App>` id and re-exports the
core types (UIElement, UITree, Action, parse_action, AppEnv, the errors).
"""

from autoplay_gym import core
from autoplay_gym.core import *  # noqa: F401,F403  (the public names listed in core.__all__)
from autoplay_gym.envs.registration import register_all

__version__ = "0.1.0"

register_all()

__all__ = [*core.__all__, "__version__"]
