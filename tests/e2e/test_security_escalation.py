"""Issue 12 items 2 and 3 over REST, as the real roles.

Item 2 (SPEC ORG-02): a user holding only CRM Admin cannot become System Manager through a Sales Position
(refused when the position maps the role) nor through a Sales Staff row for a high position a System
Manager made (refused when the row is saved). Item 3 (SPEC ORG-03, ORG-05): an ownership-log row of
another owner's customer is not readable by name."""


def roles_of(admin, user: str) -> set[str]:
	return {row["role"] for row in admin.resource("User", user).json()["data"]["roles"]}


def test_crm_admin_cannot_map_system_manager_to_a_position(admin, role_clients, team):
	crm_admin = role_clients["crm_admin"]["client"]
	department = admin.resource("Sales Staff", team["a"]["user"]).json()["data"]["sales_department"]
	r = crm_admin.http.post(
		f"{crm_admin.base}/api/resource/Sales Position",
		json={
			"position_name": "提权岗",
			"sales_department": department,
			"roles": [{"role": "System Manager"}],
		},
		timeout=30,
	)
	assert r.status_code == 403, r.text[:300]
	ok = crm_admin.insert(
		"Sales Position",
		{"position_name": "代表岗", "sales_department": department, "roles": [{"role": "CRM Salesperson"}]},
	)
	assert [row["role"] for row in ok["roles"]] == ["CRM Salesperson"]


def test_crm_admin_cannot_take_a_system_managers_high_position(admin, role_clients, team):
	crm_admin = role_clients["crm_admin"]
	department = admin.resource("Sales Staff", team["a"]["user"]).json()["data"]["sales_department"]
	high = admin.insert(
		"Sales Position",
		{"position_name": "系统岗", "sales_department": department, "roles": [{"role": "System Manager"}]},
	)
	client = crm_admin["client"]
	r = client.http.post(
		f"{client.base}/api/resource/Sales Staff",
		json={"user": crm_admin["user"], "sales_position": high["name"]},
		timeout=30,
	)
	assert r.status_code == 403, r.text[:300]
	assert "System Manager" not in roles_of(admin, crm_admin["user"])
	assert client.call("frappe.client.get_count", http="GET", doctype="Sales Staff").status_code == 200


def test_ownership_log_of_another_owners_customer_is_not_readable_by_name(admin, role_clients, team):
	customer = admin.insert(
		"Customer Account",
		{
			"customer_name": f"日志{team['b']['user'][6:16]}有限公司",
			"website": "https://log.example.cn",
			"salesperson": team["b"]["user"],
		},
	)["name"]
	logs = admin.rows("Customer Ownership Log", [["customer", "=", customer]])
	assert logs, "creating an owned customer logs its first owner"
	salesperson = role_clients["salesperson"]["client"]
	for log in logs:
		r = salesperson.resource("Customer Ownership Log", log["name"])
		assert r.status_code == 403, (log["name"], r.status_code, r.text[:200])
	listed = salesperson.rows("Customer Ownership Log", [["customer", "=", customer]])
	assert listed == []
	owner = role_clients["manager"]["client"]  # b's manager sees b's customers' logs
	assert owner.resource("Customer Ownership Log", logs[0]["name"]).status_code == 200
