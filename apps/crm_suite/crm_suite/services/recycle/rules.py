"""Pool rules as recycling reads them (SPEC POOL-05): each enabled rule of a pool becomes one sargable
condition on the indexed (customer_pool, lifecycle_state, claimed_on, last_contact_on) columns, against a
cutoff computed once from the run's `now` — ranges on datetime columns, never a function on a column."""

from dataclasses import asdict, dataclass, field
from datetime import datetime

import frappe
from frappe import _
from frappe.query_builder import Criterion
from frappe.utils import add_days

from crm_suite.services.pool.kinds import Pooled

NOT_CONTACTED = "Not Contacted After Claim"
NO_FOLLOW_UP = "No Follow Up"
NO_DEAL = "No Deal"
REASONS = {
	NOT_CONTACTED: "Not contacted within {0} days of claim",
	NO_FOLLOW_UP: "No follow-up for {0} days",
	NO_DEAL: "No deal within {0} days of claim",
}


@dataclass
class Rule:
	pool: str
	rule_type: str
	days: int
	customer_category: str | None = None
	warn_days: int = 0
	exempt_deal: bool = True
	exempt_protected: bool = True
	exempt_locked: bool = True
	overridden: list[str] = field(default_factory=list)

	def reason(self) -> str:
		return _(REASONS[self.rule_type]).format(self.days)

	def as_dict(self) -> dict:
		"""What a job on another connection needs to rebuild the rule (`Rule(**rule.as_dict())`)."""
		return asdict(self)


def load_rules(kind: Pooled) -> list[Rule]:
	"""Enabled rules of the kind's pools; a general row learns which categories override it."""
	pool_table, rule_table = frappe.qb.DocType("Customer Pool"), frappe.qb.DocType("Pool Rule")
	rows = (
		frappe.qb.from_(rule_table)
		.join(pool_table)
		.on(pool_table.name == rule_table.parent)
		.select(
			rule_table.parent.as_("pool"),
			rule_table.rule_type,
			rule_table.days,
			rule_table.customer_category,
			rule_table.warn_days,
			rule_table.exempt_deal,
			rule_table.exempt_protected,
			rule_table.exempt_locked,
		)
		.where(
			(rule_table.parenttype == "Customer Pool")
			& (rule_table.enabled == 1)
			& (rule_table.days > 0)
			& (pool_table.pool_type == kind.pool_type)
		)
		.orderby(rule_table.parent)
		.orderby(rule_table.idx)
		.run(as_dict=True)
	)
	rules = [
		Rule(
			r.pool,
			r.rule_type,
			r.days,
			r.customer_category or None,
			r.warn_days or 0,
			bool(r.exempt_deal),
			bool(r.exempt_protected),
			bool(r.exempt_locked),
		)
		for r in rows
	]
	for rule in rules:
		if not rule.customer_category:
			rule.overridden = sorted(
				{
					o.customer_category
					for o in rules
					if o.pool == rule.pool and o.rule_type == rule.rule_type and o.customer_category
				}
			)
	return rules


def due_states(kind: Pooled, rule: Rule) -> list[str]:
	"""The lifecycle states a row may be in to fall under `rule`."""
	states = list(kind.active_states)
	if not rule.exempt_deal and rule.rule_type != NO_DEAL and kind.deal_state:
		states.append(kind.deal_state)
	return states


def due_criterion(kind: Pooled, rule: Rule, now: datetime, home_pool: str | None):
	"""Rows overdue under `rule` at `now`."""
	t = frappe.qb.DocType(kind.doctype)
	cutoff = add_days(now, -rule.days)
	in_pool = t.customer_pool == rule.pool
	if rule.pool == home_pool:  # owned rows created without a pool belong to the default pool
		in_pool = in_pool | t.customer_pool.isnull()
	conditions = [in_pool, t.lifecycle_state.isin(due_states(kind, rule)), t.claimed_on < cutoff]
	if rule.rule_type == NOT_CONTACTED:
		conditions.append(t.last_contact_on.isnull() | (t.last_contact_on <= t.claimed_on))
	elif rule.rule_type == NO_FOLLOW_UP:
		conditions.append(t.last_contact_on < cutoff)
	if rule.customer_category:
		conditions.append(t.customer_category == rule.customer_category)
	elif rule.overridden:
		conditions.append(t.customer_category.isnull() | t.customer_category.notin(rule.overridden))
	if rule.exempt_locked:
		conditions.append(t.locked == 0)
	if rule.exempt_protected:
		conditions.append(t.protected_until.isnull() | (t.protected_until <= now))
	return Criterion.all(conditions)


def spread(rules: list[Rule]) -> list[Rule]:
	"""Round-robin over pools (each pool's rules keep their order), so jobs working at the same time are
	mostly on different pools."""
	by_pool: dict[str, list[Rule]] = {}
	for rule in rules:
		by_pool.setdefault(rule.pool, []).append(rule)
	order, rounds = [], [iter(r) for r in by_pool.values()]
	while rounds:
		for it in list(rounds):
			rule = next(it, None)
			if rule is None:
				rounds.remove(it)
			else:
				order.append(rule)
	return order
