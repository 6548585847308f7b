"""What the pool mechanics need to know about a pooled doctype (customers and leads, SPEC POOL-01,
POOL-12), and the lifecycle states they move between."""

from dataclasses import dataclass

import frappe
from frappe import _

from crm_suite.services.pool.errors import PoolOperationError

POOL_STATE = "Pool"
FOLLOWING = "Following"
PENDING = "Pending"  # CUS-10: owned, imported or assigned, never contacted yet
SHELVED = "Shelved"
INVALID = "Invalid"
CLAIM_ACTION = "Claim"


@dataclass(frozen=True)
class Pooled:
	doctype: str
	log_field: str
	pool_type: str
	owned_states: tuple[str, ...]
	deal_state: str
	label: str
	# owned and still to be worked: what the recycle rules (POOL-05) look at
	active_states: tuple[str, ...] = (FOLLOWING,)


CUSTOMER = Pooled(
	"Customer Account",
	"customer",
	"Customer",
	(FOLLOWING, PENDING, SHELVED, "Deal"),
	"Deal",
	"customers",
	(FOLLOWING, PENDING),
)
LEAD = Pooled("Sales Lead", "sales_lead", "Lead", ("Following", "Qualified"), "Qualified", "leads")
KINDS = {k.doctype: k for k in (CUSTOMER, LEAD)}


def kind_of(doctype: str) -> Pooled:
	if doctype not in KINDS:
		frappe.throw(_("{0} has no pool").format(_(doctype)), PoolOperationError)
	return KINDS[doctype]
