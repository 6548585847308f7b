"""Service inquiries (SPEC SVC-01) and the knowledge base (SVC-04): who handles an inquiry, the caller's
number (full in the permission-level-1 field, masked copy for the rest, ORG-06), the answer's who/when, the
one-action conversion to an opportunity, and article search by title, keywords and pinyin."""

import frappe
from frappe import _
from frappe.utils import cint, now_datetime, strip_html

from crm_suite.permissions.scope import visible_users
from crm_suite.policies.pinyin import pinyin_keys
from crm_suite.services.masking import sync_masked_copies

INQUIRY = "Service Inquiry"
OPPORTUNITY = "Sales Opportunity"
ARTICLE = "Knowledge Article"


class InquiryWithoutCaller(frappe.ValidationError):
	pass


class InquiryWithoutCustomer(frappe.ValidationError):
	pass


class InquiryClosed(frappe.ValidationError):
	pass


class InquiryHandlerRefused(frappe.PermissionError):
	pass


# ------------------------------------------------------------------------------------------------ validate


def set_handler(doc) -> None:
	"""The salesperson handling the inquiry: the creator unless given; managers may hand it to their team."""
	doc.salesperson = doc.salesperson or frappe.session.user
	if doc.is_new() or doc.has_value_changed("salesperson"):
		users = visible_users()
		if doc.salesperson != frappe.session.user and users is not None and doc.salesperson not in users:
			frappe.throw(
				_(
					"You may hand inquiries only to yourself or to salespeople of your department: {0} is not."
				).format(doc.salesperson),
				InquiryHandlerRefused,
				title=_("Not Permitted"),
			)
		doc.sales_department = frappe.db.get_value("Sales Staff", doc.salesperson, "sales_department")


def check_customer(doc) -> None:
	if doc.customer and (doc.is_new() or doc.has_value_changed("customer")):
		frappe.has_permission("Customer Account", "read", doc.customer, throw=True)


def take_call_number(doc) -> None:
	"""An inquiry opened from the screen pop names its call: the caller's number and, when the user sees
	them, the customer come from the call log, never from what the browser sends."""
	if not doc.phone_call_record or not (doc.is_new() or doc.has_value_changed("phone_call_record")):
		return
	frappe.has_permission("Phone Call Record", "read", doc.phone_call_record, throw=True)
	call = frappe.db.get_value(
		"Phone Call Record", doc.phone_call_record, ["phone_number", "customer", "caller_name"], as_dict=True
	)
	doc.phone = call.phone_number or doc.phone
	doc.phone_masked = None  # the copy is derived again from the call's number below
	doc.caller_name = doc.caller_name or call.caller_name
	if (
		not doc.customer
		and call.customer
		and frappe.has_permission("Customer Account", "read", call.customer)
	):
		doc.customer = call.customer
		doc.customer_name = frappe.db.get_value("Customer Account", call.customer, "customer_name")


def sync_phone(doc) -> None:
	"""The masked copy follows the full number; users without full-number access type into the copy."""
	sync_masked_copies(doc)


def require_customer_or_caller(doc) -> None:
	if not (doc.customer or doc.phone or doc.caller_name):
		frappe.throw(
			_("Name the customer, or the caller's name or phone number."),
			InquiryWithoutCaller,
			title=_("Who Is Asking?"),
		)


def set_answer_fields(doc) -> None:
	"""Who answered and when, set once the answer is written; an answered open inquiry becomes Answered."""
	answered = bool(strip_html(doc.answer or "").strip())
	if answered and (doc.is_new() or doc.has_value_changed("answer")):
		doc.answered_by = frappe.session.user
		doc.answered_on = now_datetime()
		if doc.status == "Open":
			doc.status = "Answered"
	if doc.opportunity:
		doc.status = "Converted"


# ------------------------------------------------------------------------------------------------ convert


def convert_to_opportunity(inquiry: str) -> dict:
	"""The inquiry becomes an opportunity of its customer, in one action, once: a second call (a double
	click, a retry) returns the opportunity made the first time. The inquiry's row is locked while deciding,
	so two concurrent calls cannot make two."""
	if not frappe.db.exists(INQUIRY, inquiry):
		frappe.throw(_("{0} {1} not found").format(_(INQUIRY), inquiry), frappe.DoesNotExistError)
	frappe.has_permission(INQUIRY, "write", inquiry, throw=True)
	row = frappe.db.get_value(
		INQUIRY,
		inquiry,
		["name", "opportunity", "customer", "subject", "question", "salesperson", "status"],
		as_dict=True,
		for_update=True,
	)
	if row.opportunity:
		return {"opportunity": row.opportunity, "created": False}
	if row.status == "Closed":
		frappe.throw(
			_("{0} is closed: reopen it to convert it.").format(inquiry), InquiryClosed, title=_("Closed")
		)
	if not row.customer:
		frappe.throw(
			_("Link {0} to a customer before converting it to an opportunity.").format(inquiry),
			InquiryWithoutCustomer,
			title=_("No Customer"),
		)
	frappe.has_permission(OPPORTUNITY, "create", throw=True)
	opportunity = frappe.get_doc(
		{
			"doctype": OPPORTUNITY,
			"opportunity_title": row.subject,
			"customer": row.customer,
			"needs": strip_html(row.question or "").strip(),
			"salesperson": row.salesperson or frappe.session.user,
		}
	).insert()
	inquiry_doc = frappe.get_doc(INQUIRY, inquiry)
	inquiry_doc.opportunity = opportunity.name
	inquiry_doc.converted_on = now_datetime()
	inquiry_doc.status = "Converted"
	inquiry_doc.save()
	return {"opportunity": opportunity.name, "created": True}


# ------------------------------------------------------------------------------------------------ search


def search_articles(text: str, category: str | None = None, limit: int = 20) -> list[dict]:
	"""Published articles whose title, keywords, question or content hold `text`, or whose title's pinyin
	(full or initials) starts with it ('thh' and 'tuihuo' find 退货政策). The knowledge base is small
	next to the customer table: a LIKE over it is cheap."""
	text = (text or "").strip()
	article = frappe.qb.DocType(ARTICLE)
	query = (
		frappe.qb.from_(article)
		.select(article.name, article.title, article.category, article.keywords, article.modified)
		.where(article.published == 1)
		.orderby(article.modified, order=frappe.qb.desc)
		.limit(max(1, min(cint(limit) or 20, 100)))
	)
	if category:
		query = query.where(article.category == category)
	if text:
		like = f"%{text}%"
		letters = "".join(ch for ch in pinyin_keys(text).split(" ")[0] if ch.isalnum())
		conditions = (
			article.title.like(like)
			| article.keywords.like(like)
			| article.question.like(like)
			| article.content.like(like)
		)
		if letters:
			# pinyin keys are 'full initials': match the start of either word
			conditions = (
				conditions
				| article.title_pinyin.like(f"{letters}%")
				| article.title_pinyin.like(f"% {letters}%")
			)
		query = query.where(conditions)
	return query.run(as_dict=True)
