"""zjkcollect: templates, validation and the weekly roll-up of a “数据要素×” campaign.

Everything about the campaign (city, attachments, tracks, registry, calendar) comes from its campaign file.
"""

__version__ = "0.1.0"
