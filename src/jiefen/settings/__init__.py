"""Settings, split by topic. Every value that differs between machines comes from the environment."""

from jiefen.settings.base import *  # noqa: F403
from jiefen.settings.database import *  # noqa: F403
from jiefen.settings.enforcement import *  # noqa: F403
from jiefen.settings.hearings import *  # noqa: F403
from jiefen.settings.privacy import *  # noqa: F403
from jiefen.settings.security import *  # noqa: F403
from jiefen.settings.serving import *  # noqa: F403
from jiefen.settings.storage import *  # noqa: F403
from jiefen.settings.tasks import *  # noqa: F403
