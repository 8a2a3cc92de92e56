"""One private local Ray (2 CPUs, loopback) shared by the in-process scale-out tests: the
executors join it instead of starting their own, which keeps the suite fast."""

from __future__ import annotations

import sys

import pytest


@pytest.fixture(scope="session")
def ray_session():
    ray = pytest.importorskip("ray")
    from ray import cloudpickle

    # Test helpers live in test modules that Ray workers cannot import: ship them by value.
    for name, module in list(sys.modules.items()):
        if name.startswith("test_") and getattr(module, "__file__", "") and "scale_out" in module.__file__:
            cloudpickle.register_pickle_by_value(module)
    if not ray.is_initialized():
        ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False,
                 _node_ip_address="127.0.0.1", configure_logging=False)
    yield ray
    ray.shutdown()
