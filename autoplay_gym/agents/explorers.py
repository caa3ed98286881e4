"""Explorers: agents that uncover an app's screens for `recording.explore`. Model-free ones live here; the
LLM explorer is added beside them."""

from autoplay_gym.agents.graph_explorer import GraphExplorer
from autoplay_gym.agents.random_explorer import RandomExplorer
from autoplay_gym.agents.recording import RESET_REQUEST, explore
from autoplay_gym.agents.ui_graph import ExplorationGraph

__all__ = ["RESET_REQUEST", "ExplorationGraph", "GraphExplorer", "RandomExplorer", "explore"]
