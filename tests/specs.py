"""The shipped campaign's attachments, by id (``Kind.REGISTERED`` → the 附件3 spec), for tests that build workbooks."""

from __future__ import annotations

from zjkcollect.attachments import SINGLETON_ROLES, Attachment
from zjkcollect.campaign import load_campaign

SHIPPED = load_campaign()
ATTACHMENTS: dict[str, Attachment] = {attachment.id: attachment for attachment in SHIPPED.attachments}
# The three attachments of the shipped campaign, in its order (附件2, 附件3, 附件4).
KINDS = list(SINGLETON_ROLES)
