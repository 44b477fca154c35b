"""Enforcement: the asset registries' inquiry service (网络查控) and the re-inquiry sweep.

JIEFEN_REGISTRY_URL is the base address of the registries' inquiry service. Here it is the local
simulator (`jiefen registry_simulator`, http://127.0.0.1:8028/); a court points it at the
network-inquiry gateway it is connected to. JIEFEN_REGISTRY_TOKEN authenticates jiefen to it.
"""

from jiefen.settings.env import env

JIEFEN_REGISTRY_URL = env("JIEFEN_REGISTRY_URL", "http://127.0.0.1:8028")
JIEFEN_REGISTRY_TOKEN = env("JIEFEN_REGISTRY_TOKEN", "registry-demo-token")
JIEFEN_REGISTRY_TIMEOUT = float(env("JIEFEN_REGISTRY_TIMEOUT", "30"))
