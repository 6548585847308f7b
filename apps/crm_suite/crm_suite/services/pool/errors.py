"""The pool operations' refusals, one class each, so that callers and tests tell them apart."""

import frappe


class PoolOperationError(frappe.ValidationError):
	pass


class NotInPool(PoolOperationError):
	pass


class NotPoolMember(PoolOperationError):
	pass


class PullNotAllowed(PoolOperationError):
	pass


class ClaimNeedsApproval(PoolOperationError):
	pass


class TotalLimitExceeded(PoolOperationError):
	pass


class DailyClaimLimitExceeded(PoolOperationError):
	pass


class ReclaimCooldown(PoolOperationError):
	pass


class CustomerProtected(PoolOperationError):
	pass


class ProtectionLimitExceeded(PoolOperationError):
	pass


class CustomerLocked(PoolOperationError):
	pass


class ReasonRequired(PoolOperationError):
	pass


class NotOwner(frappe.PermissionError):
	pass


class NotAllowedToDecide(frappe.PermissionError):
	pass


class InvalidShareTarget(frappe.ValidationError):
	pass
