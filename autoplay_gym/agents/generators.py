"""Task generators: from exploration to tasks. The model-free one lives here; the LLM one is added beside it."""

from autoplay_gym.agents.graph_generator import GraphTaskGenerator, task_id
from autoplay_gym.agents.replay import ReplayExecutor, ReplayResult, replay_witness

__all__ = ["GraphTaskGenerator", "ReplayExecutor", "ReplayResult", "replay_witness", "task_id"]
