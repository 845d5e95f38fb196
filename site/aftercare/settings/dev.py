"""Local development: debug on, everything local, mail on the console."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
SEARCH_ENGINE_KIND = env.str("SEARCH_ENGINE_KIND", default="osmem")

# Serve static files from the apps and site/ directly, without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
