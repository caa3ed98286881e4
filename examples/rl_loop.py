"""Generated tasks as rewards in a plain Gymnasium RL loop.

1. Explore the Calculator with the model-free GraphExplorer and turn the exploration graph into tasks whose
   witnesses replay (GraphTaskGenerator); or load tasks from an `autoplay run` directory with --tasks.
2. Make a TaskEnv (`gym.make(id, tasks=...)`): each reset draws a task and shows its instruction in
   `obs["instruction"]`; the reward is the verifier's score when the episode ends, 0 before.
3. Run episodes with a policy. This toy policy is epsilon-greedy over the task's witness (it follows the known
   solution with probability 1 - epsilon and acts randomly otherwise), so the rewards you see vary with epsilon;
   plug your own policy in its place.

    python examples/rl_loop.py [--episodes 6] [--epsilon 0.3] [--tasks DIR/tasks.jsonl]
"""

from __future__ import annotations

import argparse
import tempfile

import gymnasium as gym
import numpy as np

import autoplay_gym  # noqa: F401
from autoplay_gym.agents.graph_explorer import GraphExplorer
from autoplay_gym.agents.graph_generator import GraphTaskGenerator
from autoplay_gym.agents.recording import explore
from autoplay_gym.tasks import Task, TaskSet

ENV_ID = "AutoPlay-Ubuntu-Calculator"


def make_tasks(limit: int) -> list[Task]:
    env = gym.make(ENV_ID)
    try:
        trajectories = explore(env, GraphExplorer(seed=0), turns=2, steps=12,
                               out_dir=tempfile.mkdtemp(prefix="rl-explore-"), env_id=ENV_ID, progress=False)
        generator = GraphTaskGenerator(env.unwrapped, env_id=ENV_ID, computations=4, max_per_category=2)
        tasks = generator.generate(trajectories=trajectories)
    finally:
        env.close()
    print(f"generated {len(tasks)} tasks ({generator.stats.get('proposed')} proposed, rest dropped on replay)")
    return tasks[:limit]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--episodes", type=int, default=6)
    parser.add_argument("--epsilon", type=float, default=0.3)
    parser.add_argument("--tasks", default=None, help="a tasks.jsonl from `autoplay run` (default: generate some)")
    args = parser.parse_args()
    tasks = list(TaskSet.load(args.tasks)) if args.tasks else make_tasks(limit=6)
    tasks = [t for t in tasks if t.env_id == ENV_ID and t.witness]
    env = gym.make(ENV_ID, tasks=tasks, task_seed=0, task_max_steps=12)
    rng = np.random.default_rng(0)
    returns = []
    try:
        for episode in range(args.episodes):
            obs, info = env.reset(seed=episode)
            task = env.get_wrapper_attr("task")  # the TaskEnv's task for this episode
            plan = list(task.witness or [])
            total, done = 0.0, False
            while not done:
                if plan and rng.random() > args.epsilon:
                    action = plan.pop(0)
                elif plan:
                    plan.pop(0)
                    action = env.action_space.sample()  # a random exploratory action instead
                else:
                    action = {"type": "done", "status": "success"}
                obs, reward, terminated, truncated, info = env.step(action)
                total += reward
                done = terminated or truncated
            verdict = info.get("verdict") or {}
            returns.append(total)
            print(f"episode {episode}: {obs['instruction']!r} -> reward {total:.1f} ({verdict.get('reason', '')[:60]})")
    finally:
        env.close()
    print(f"mean return over {len(returns)} episodes: {np.mean(returns):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
