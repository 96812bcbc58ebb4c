"""Settings for the processes of the Redis task test: the base with the RQ backend on the test's own
queue (a unique name on Redis database 9), so that nothing else's jobs are touched."""

from __future__ import annotations

import os

from vangnet.settings.base import *  # noqa: F403
from vangnet.settings.base import RQ_QUEUES, TASKS_REDIS_URL

RQ_QUEUES = {**RQ_QUEUES, os.environ["VANGNET_PROBE_QUEUE"]: {"URL": TASKS_REDIS_URL, "DEFAULT_TIMEOUT": 60}}
