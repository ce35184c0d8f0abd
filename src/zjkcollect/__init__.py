"""zjkcollect: templates, validation and the weekly roll-up for the 张家口 “数据要素×” campaign."""

__version__ = "0.1.0"
