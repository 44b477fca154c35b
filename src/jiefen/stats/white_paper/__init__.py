"""The financial-trial white paper (金融审判白皮书) of a court, or of the platform, for a period."""

from jiefen.stats.white_paper.document import render_white_paper

__all__ = ["render_white_paper"]
