app_name = "crm_suite"
app_title = "CRM Suite"
app_publisher = "crm_suite contributors"
app_description = "CRM suite for Chinese-style sales teams: public pool, follow-ups, sales, caller ID"
app_email = "dev@crm-suite.invalid"
app_license = "mit"
# Frappe itself is always installed first; naming it in required_apps makes install look it up on GitHub.

export_python_type_annotations = True

app_include_js = "crm_suite.bundle.js"

# Installation
after_install = "crm_suite.install.after_install"
before_uninstall = "crm_suite.install.before_uninstall"
after_migrate = "crm_suite.install.after_migrate"
setup_wizard_complete = "crm_suite.install.setup_wizard_complete"

# Testing
before_tests = "crm_suite.tests.utils.before_tests"

# Row scope (SPEC ORG-03): one frappe.qb criterion per doctype, built in permissions/, gives both its list
# condition and its has_permission (permissions/rows.py); every doctype listed here is in both (linted).
permission_query_conditions = {
	"Customer Account": "crm_suite.permissions.customer.get_permission_query_conditions",
	"Customer Ownership Log": "crm_suite.permissions.customer.get_log_permission_query_conditions",
	"Contact": "crm_suite.customers.contact.get_permission_query_conditions",
	"Sales Lead": "crm_suite.permissions.pool.lead_query_conditions",
	"Follow Up Record": "crm_suite.permissions.pool.follow_up_query_conditions",
	"Follow Up Daily Rollup": "crm_suite.permissions.pool.follow_up_rollup_query_conditions",
	"Claim Application": "crm_suite.permissions.pool.claim_application_query_conditions",
	"Customer Transfer Request": "crm_suite.permissions.pool.transfer_request_query_conditions",
	"Invalid Customer Application": "crm_suite.permissions.pool.invalid_application_query_conditions",
	"Phone Call Record": "crm_suite.permissions.call_center.get_call_permission_query_conditions",
	"Call Daily Rollup": "crm_suite.permissions.call_center.get_call_rollup_query_conditions",
	"SMS Record": "crm_suite.permissions.call_center.get_sms_permission_query_conditions",
	"Dial Command": "crm_suite.permissions.call_center.get_dial_permission_query_conditions",
	"Sales Opportunity": "crm_suite.permissions.sales.opportunity_query_conditions",
	"Opportunity Stage Log": "crm_suite.permissions.sales.stage_log_query_conditions",
	"Sales Target": "crm_suite.permissions.sales.target_query_conditions",
	# History of doctypes with full numbers, for readers without full-number access (SPEC ORG-06).
	"Version": "crm_suite.permissions.versions.version_query_conditions",
	# Quotations, orders and deliveries follow the customer's and the document's salesperson (SALE-04).
	"Sales Quotation": "crm_suite.permissions.sales_orders.quotation_query_conditions",
	"Customer Order": "crm_suite.permissions.sales_orders.order_query_conditions",
	"Order Delivery": "crm_suite.permissions.sales_orders.delivery_query_conditions",
	"Visit Plan": "crm_suite.permissions.visit_plan.visit_plan_query_conditions",
	# Contracts, payment plans, payments received, refunds and receivables (SALE-05, SALE-06).
	"Sales Contract": "crm_suite.permissions.sales_money.contract_query_conditions",
	"Payment Plan": "crm_suite.permissions.sales_money.plan_query_conditions",
	"Customer Payment": "crm_suite.permissions.sales_money.payment_query_conditions",
	"Customer Refund": "crm_suite.permissions.sales_money.refund_query_conditions",
	"Receivable Ledger Entry": "crm_suite.permissions.sales_money.ledger_query_conditions",
	"Receivable Balance": "crm_suite.permissions.sales_money.balance_query_conditions",
	"Collection Daily Rollup": "crm_suite.permissions.sales_money.rollup_query_conditions",
	# Points and redemptions follow the customer, expenses the salesperson and the customer (SALE-08, SALE-11).
	"Customer Points Entry": "crm_suite.permissions.loyalty.points_entry_query_conditions",
	"Customer Points Balance": "crm_suite.permissions.loyalty.points_balance_query_conditions",
	"Gift Redemption": "crm_suite.permissions.loyalty.redemption_query_conditions",
	"Points Edit Log": "crm_suite.permissions.loyalty.edit_log_query_conditions",
	"Sales Expense": "crm_suite.permissions.loyalty.expense_query_conditions",
	# Reminders and their preferences (SPEC FUP-04): own, a manager's subtree, admins all.
	"Follow Up Reminder": "crm_suite.permissions.reminders.reminder_query_conditions",
	"Reminder Preference": "crm_suite.permissions.reminders.preference_query_conditions",
	# CRM Admins customise the suite's doctypes, not the rest of the site (ORG-01; permissions/customization.py).
	"Custom Field": "crm_suite.permissions.customization.custom_field_query_conditions",
	"Property Setter": "crm_suite.permissions.customization.property_setter_query_conditions",
	"Notification": "crm_suite.permissions.customization.notification_query_conditions",
	"Assignment Rule": "crm_suite.permissions.customization.assignment_rule_query_conditions",
	"DocType": "crm_suite.permissions.customization.doctype_query_conditions",
	# a module switched off in CRM Suite Settings closes its doctypes to non-admins (ORG-04)
	"*": "crm_suite.services.modules.query_conditions",
	# Campaigns by their owner, inquiries by the salesperson handling them (SPEC MKT-01, SVC-01).
	"Sales Campaign": "crm_suite.permissions.marketing.campaign_query_conditions",
	"Service Inquiry": "crm_suite.permissions.service.inquiry_query_conditions",
	# Complaints, service requests, work orders (engineers: dispatched to them only), contracts (SVC-02, SVC-03).
	"Customer Complaint": "crm_suite.permissions.service.complaint_query_conditions",
	"Service Request": "crm_suite.permissions.service.request_query_conditions",
	"Service Work Order": "crm_suite.permissions.service.work_order_query_conditions",
	"Service Contract": "crm_suite.permissions.service.contract_query_conditions",
}
has_permission = {
	"Customer Account": "crm_suite.permissions.customer.has_permission",
	"Customer Ownership Log": "crm_suite.permissions.customer.log_has_permission",
	"Contact": "crm_suite.customers.contact.has_permission",
	"Sales Lead": "crm_suite.permissions.pool.lead_has_permission",
	"Follow Up Record": "crm_suite.permissions.pool.follow_up_has_permission",
	"Follow Up Daily Rollup": "crm_suite.permissions.pool.follow_up_rollup_has_permission",
	"Claim Application": "crm_suite.permissions.pool.application_has_permission",
	"Customer Transfer Request": "crm_suite.permissions.pool.application_has_permission",
	"Invalid Customer Application": "crm_suite.permissions.pool.application_has_permission",
	"Phone Call Record": "crm_suite.permissions.call_center.has_call_permission",
	"Call Daily Rollup": "crm_suite.permissions.call_center.has_call_rollup_permission",
	"SMS Record": "crm_suite.permissions.call_center.has_sender_permission",
	"Dial Command": "crm_suite.permissions.call_center.has_sender_permission",
	"Sales Opportunity": "crm_suite.permissions.sales.opportunity_has_permission",
	"Opportunity Stage Log": "crm_suite.permissions.sales.stage_log_has_permission",
	"Sales Target": "crm_suite.permissions.sales.target_has_permission",
	"Version": "crm_suite.permissions.versions.version_has_permission",
	"Sales Quotation": "crm_suite.permissions.sales_orders.selling_has_permission",
	"Customer Order": "crm_suite.permissions.sales_orders.selling_has_permission",
	"Order Delivery": "crm_suite.permissions.sales_orders.selling_has_permission",
	"Visit Plan": "crm_suite.permissions.visit_plan.visit_plan_has_permission",
	"Sales Contract": "crm_suite.permissions.sales_money.money_has_permission",
	"Payment Plan": "crm_suite.permissions.sales_money.money_has_permission",
	"Customer Payment": "crm_suite.permissions.sales_money.money_has_permission",
	"Customer Refund": "crm_suite.permissions.sales_money.money_has_permission",
	"Receivable Ledger Entry": "crm_suite.permissions.sales_money.money_has_permission",
	"Receivable Balance": "crm_suite.permissions.sales_money.money_has_permission",
	"Collection Daily Rollup": "crm_suite.permissions.sales_money.money_has_permission",
	"Customer Points Entry": "crm_suite.permissions.loyalty.loyalty_has_permission",
	"Customer Points Balance": "crm_suite.permissions.loyalty.loyalty_has_permission",
	"Gift Redemption": "crm_suite.permissions.loyalty.loyalty_has_permission",
	"Points Edit Log": "crm_suite.permissions.loyalty.loyalty_has_permission",
	"Sales Expense": "crm_suite.permissions.loyalty.loyalty_has_permission",
	"Follow Up Reminder": "crm_suite.permissions.reminders.reminder_has_permission",
	"Reminder Preference": "crm_suite.permissions.reminders.preference_has_permission",
	"Custom Field": "crm_suite.permissions.customization.has_permission",
	"Property Setter": "crm_suite.permissions.customization.has_permission",
	"Notification": "crm_suite.permissions.customization.has_permission",
	"Assignment Rule": "crm_suite.permissions.customization.has_permission",
	"DocType": "crm_suite.permissions.customization.doctype_has_permission",
	"*": "crm_suite.services.modules.has_permission",
	"Sales Campaign": "crm_suite.permissions.marketing.campaign_has_permission",
	"Service Inquiry": "crm_suite.permissions.service.inquiry_has_permission",
	"Customer Complaint": "crm_suite.permissions.service.service_has_permission",
	"Service Request": "crm_suite.permissions.service.service_has_permission",
	"Service Work Order": "crm_suite.permissions.service.service_has_permission",
	"Service Contract": "crm_suite.permissions.service.service_has_permission",
}

# The Desk boots without the modules switched off (ORG-04), with the customer categories' colours (CUS-01).
boot_session = ["crm_suite.services.modules.boot_session", "crm_suite.customers.boot.boot_session"]
# The module switches are written to the cache when saved and survive Frappe's clear_cache: a cache left empty is
# filled by whichever request comes first, also one still reading the old switches in its transaction (ORG-04).
persistent_cache_keys = ["crm_suite:modules_on"]

# Customize Form opens only the suite's doctypes for a CRM Admin (ORG-01).
override_doctype_class = {"Customize Form": "crm_suite.crm_core.customize_form.SuiteCustomizeForm"}

# Awesome-bar global search covers customers and contacts (results are scope-filtered, see api/overrides.py).
global_search_doctypes = {"Default": [{"doctype": "Customer Account", "index": 0}]}

# Print formats write amounts in capital numerals (大写金额, SPEC SALE-04).
jinja = {"methods": ["crm_suite.policies.amount_words.amount_in_words"]}

standard_queries = {"Customer Account": "crm_suite.customers.search.customer_query"}

override_whitelisted_methods = {
	"frappe.client.get_count": "crm_suite.api.overrides.get_count",
	# the opportunity Kanban board asks for every card: bounded per stage column (SALE-02)
	"frappe.desk.reportview.get": "crm_suite.api.overrides.reportview_get",
	# a drag on the opportunity board is a stage move under the process's rules, with its dialog's input
	"frappe.desk.doctype.kanban_board.kanban_board.update_order_for_single_card": "crm_suite.api.sales.kanban_move",
	# the board's save of every card's place on each load: on the opportunity board, nothing to save (issue 19)
	"frappe.desk.doctype.kanban_board.kanban_board.update_order": "crm_suite.api.sales.kanban_order",
	"frappe.utils.global_search.search": "crm_suite.api.overrides.global_search",
	# the customer form's 360° connection counts in one query, not one per doctype (CUS-05, issue 19)
	"frappe.desk.notifications.get_open_count": "crm_suite.api.overrides.get_open_count",
	# spreadsheet injection (CUS-07): formulas neutralised in Report View exports
	"frappe.desk.reportview.export_query": "crm_suite.api.overrides.export_query",
	"frappe.contacts.doctype.contact.contact.get_contact_details": "crm_suite.api.overrides.get_contact_details",
	"frappe.contacts.doctype.contact.contact.download_vcard": "crm_suite.api.overrides.download_vcard",
	"frappe.contacts.doctype.contact.contact.download_vcards": "crm_suite.api.overrides.download_vcards",
	# document history in a form's docinfo without full numbers for readers without access (ORG-06)
	"frappe.desk.form.load.getdoc": "crm_suite.api.overrides.getdoc",
	"frappe.desk.form.load.get_docinfo": "crm_suite.api.overrides.get_docinfo",
	"frappe.desk.form.save.savedocs": "crm_suite.api.overrides.savedocs",
	"frappe.desk.form.save.cancel": "crm_suite.api.overrides.cancel",
	# script report export (the follow-up query, FUP-05) formula-safe like the Report View's (CUS-07)
	"frappe.desk.query_report.export_query": "crm_suite.api.overrides.export_report",
	# Save As on the app's reports for CRM Managers / Admins, without Script Manager (RPT-12)
	"frappe.desk.query_report.save_report": "crm_suite.api.overrides.save_report",
	# the sidebar leaves out the workspaces of modules switched off in CRM Suite Settings (ORG-04)
	"frappe.desk.desktop.get_workspace_sidebar_items": "crm_suite.api.overrides.get_workspace_sidebar_items",
	# dashboard charts cached per chart, not per viewer, would show one user's figures to the next (ORG-03):
	# computed per viewer, on the read replica when the site has one (issue 17)
	"frappe.desk.doctype.dashboard_chart.dashboard_chart.get": "crm_suite.api.overrides.dashboard_chart",
	# the Decision Centre's number cards and charts read from the read replica when the site has one (issue 17)
	"frappe.desk.doctype.number_card.number_card.get_result": "crm_suite.api.replica.number_card_result",
	"frappe.desk.doctype.number_card.number_card.get_percentage_difference": "crm_suite.api.replica.number_card_percentage_difference",
}

# Frappe 15 skips the field-level check of the field after one it removes from a list query (ORG-03, ORG-06):
# the fix, backported from frappe/frappe#32192, is put in place before each request and job, and before tests
# (permissions/fieldlevel.py; a test proves the bench's Frappe still needs it).
before_request = ["crm_suite.permissions.fieldlevel.apply_backport"]
before_job = ["crm_suite.permissions.fieldlevel.apply_backport"]

doc_events = {
	# follow-ups and call logs are counted into their daily rollups in the same transaction (RPT-02, RPT-07;
	# services/activity_rollup.py): the stored row out before a save, the saved row in after it, out on delete
	**{
		doctype: {
			"before_save": "crm_suite.services.activity_rollup.before_save",
			"on_update": "crm_suite.services.activity_rollup.on_update",
			"on_trash": "crm_suite.services.activity_rollup.on_trash",
		}
		for doctype in ("Follow Up Record", "Phone Call Record")
	},
	# customers held per salesperson, category and kind, kept in the same transaction (RPT-11;
	# services/holding_rollup.py): the stored row out before a save, the saved row in after it, out on delete
	"Customer Account": {
		"before_save": "crm_suite.services.holding_rollup.before_save",
		"on_update": "crm_suite.services.holding_rollup.on_update",
		"on_trash": "crm_suite.services.holding_rollup.on_trash",
	},
	# open opportunities per process, stage and salesperson, kept in the same transaction (SALE-01, RPT-04;
	# services/pipeline_rollup.py): a stage move is a save too (services/sales/stages.save_move)
	"Sales Opportunity": {
		"before_save": "crm_suite.services.pipeline_rollup.before_save",
		"on_update": "crm_suite.services.pipeline_rollup.on_update",
		"on_trash": "crm_suite.services.pipeline_rollup.on_trash",
	},
	# the first-run setup's steps are marked done from the data (issue 19; services/onboarding.py)
	**{
		doctype: {"on_update": "crm_suite.services.onboarding.sync_steps"}
		for doctype in (
			"Pool Strategy",
			"Customer Pool",
			"Sales Process",
			"Phone Line",
			"Customer Import Batch",
		)
	},
	# CRM Admins customise with no code, and cannot open data or code that way (ORG-01, ORG-02, ORG-06).
	"Custom Field": {"validate": "crm_suite.permissions.customization.validate_custom_field"},
	"Property Setter": {"validate": "crm_suite.permissions.customization.validate_property_setter"},
	# before Frappe's own validate, which evaluates the condition
	"Notification": {"before_validate": "crm_suite.permissions.customization.validate_notification"},
	"Assignment Rule": {"before_validate": "crm_suite.permissions.customization.validate_assignment_rule"},
	"Workspace": {"validate": "crm_suite.permissions.customization.validate_workspace"},
	"User": {"validate": "crm_suite.permissions.customization.sync_user_roles"},
	# company announcements at login (Frappe's Note) are the managers' (ORG-01)
	"Note": {"validate": "crm_suite.permissions.customization.validate_note"},
	# integrators' webhooks fire from their first commit on (services/ownership.py)
	"Webhook": {
		"on_update": "crm_suite.services.ownership.clear_webhook_cache_after_commit",
		"on_trash": "crm_suite.services.ownership.clear_webhook_cache_after_commit",
	},
	"Contact": {
		"validate": "crm_suite.customers.contact.validate",
		"on_update": "crm_suite.customers.contact.on_update",
		"on_trash": "crm_suite.customers.contact.on_trash",
	},
	"Sales Staff": {
		"on_update": [
			"crm_suite.permissions.scope.clear_scope_cache",
			"crm_suite.services.onboarding.sync_steps",
		],
		"on_trash": "crm_suite.permissions.scope.clear_scope_cache",
	},
	"Sales Position": {
		"on_update": [
			"crm_suite.permissions.scope.clear_scope_cache",
			"crm_suite.services.onboarding.sync_steps",
		],
		"on_trash": "crm_suite.permissions.scope.clear_scope_cache",
	},
	"Sales Department": {
		"on_update": [
			"crm_suite.permissions.scope.clear_scope_cache",
			"crm_suite.services.onboarding.sync_steps",
		],
		"on_trash": "crm_suite.permissions.scope.clear_scope_cache",
	},
	# Supervisors' comments (批注) on follow-ups notify the salesperson (SPEC FUP-02).
	"Comment": {"after_insert": "crm_suite.services.follow_up.notify_comment"},
	# Area codes feed the caller-ID suffix fallback (SPEC CALL-02).
	"Customer Region": {
		"on_update": "crm_suite.services.call_center.clear_settings_cache",
		"on_trash": "crm_suite.services.call_center.clear_settings_cache",
	},
	# Loyalty points (SPEC SALE-08): line points on every draft save (hand edits audited), accrual on confirm,
	# reversal on cancel; refunds (SALE-06's Customer Refund) take back points in proportion.
	"Customer Order": {
		"validate": "crm_suite.services.loyalty.set_order_points",
		"on_update": "crm_suite.services.loyalty.write_edit_logs",
		"on_submit": "crm_suite.services.loyalty.accrue_order",
		"before_cancel": "crm_suite.services.loyalty.refresh_order_points",
		"before_update_after_submit": "crm_suite.services.loyalty.refresh_order_points",
		"on_cancel": "crm_suite.services.loyalty.reverse_order",
	},
	"Customer Refund": {
		"on_submit": "crm_suite.services.loyalty.refund_submitted",
		"on_cancel": "crm_suite.services.loyalty.refund_cancelled",
	},
}

# Overdue customers and leads return to their pools (SPEC POOL-05), warnings first; call centre
# (SPEC CALL-03, CALL-05): missed-call flags every minute, recording cleanup nightly.
scheduler_events = {
	"cron": {
		"* * * * *": ["crm_suite.tasks.mark_missed_calls"],
	},
	# Opportunities past their expected close date (SPEC SALE-01) and visit plans of past days (SPEC FUP-03)
	# are flagged overdue, their owners told once.
	# Overdue payment instalments and contracts due for renewal (SPEC SALE-05, SALE-06): flagged, owners told once.
	"daily": [
		"crm_suite.tasks.flag_overdue_opportunities",
		"crm_suite.tasks.flag_overdue_visit_plans",
		"crm_suite.tasks.flag_overdue_instalments",
		"crm_suite.tasks.remind_contract_renewals",
		"crm_suite.tasks.expire_points",
		# service contracts near their end (SPEC SVC-03), each announced once
		"crm_suite.tasks.remind_expiring_service_contracts",
	],
	"daily_long": ["crm_suite.tasks.recycle_overdue", "crm_suite.tasks.purge_old_recordings"],
	# Reminders (SPEC FUP-04): made set-based every hour (a rerun adds nothing twice), each user's digest
	# delivered from their digest hour on.
	"hourly_long": ["crm_suite.tasks.run_reminders"],
	# overdue complaints escalated to the responsible person's manager, announced once (SPEC SVC-02)
	"hourly": ["crm_suite.tasks.escalate_overdue_complaints"],
}

# The audit trail and the phone index outlive a deleted customer (SPEC ORG-05, CUS-11).
ignore_links_on_delete = ["Customer Ownership Log", "Phone Number Index"]

# Approvals (SPEC POOL-02a, POOL-07, POOL-08): the app owns these workflows, their states and actions.
# Contracts (SPEC SALE-05): approved by a manager up to the amount threshold, by a CRM Admin above it.
WORKFLOWS = [
	"Claim Application Approval",
	"Customer Transfer Approval",
	"Invalid Customer Approval",
	"Sales Contract Approval",
	"Sales Expense Approval",  # SPEC SALE-11
	"Customer Complaint Handling",  # SPEC SVC-02
	"Service Work Order Dispatch",  # SPEC SVC-03
]
# States and actions of the service workflows (SPEC SVC-02, SVC-03)
SERVICE_STATES = ["Open", "In Progress", "Resolved", "Closed", "Draft", "Dispatched", "Completed"]
SERVICE_ACTIONS = [
	"Start Handling",
	"Resolve",
	"Close",
	"Reopen",
	"Dispatch",
	"Start Work",
	"Complete",
	"Cancel",
]
fixtures = [
	{
		"dt": "Workflow State",
		"filters": [["name", "in", ["Pending", "Approved", "Rejected", "Cancelled", *SERVICE_STATES]]],
	},
	{"dt": "Workflow Action Master", "filters": [["name", "in", ["Approve", "Reject", *SERVICE_ACTIONS]]]},
	{"dt": "Workflow", "filters": [["name", "in", WORKFLOWS]]},
]
