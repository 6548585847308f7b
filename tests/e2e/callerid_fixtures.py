"""Shared e2e fixtures of the caller-ID tests: a device user with a token, a phone line bound to
salesperson A, a customer of A's and one of B's."""

import time

import pytest
from conftest import Client


def make_device(admin: Client, suffix: str, roles=("Caller ID Device",)) -> dict:
	email = f"bridge-{suffix}@crm-suite.test"
	admin.insert(
		"User",
		{
			"email": email,
			"first_name": f"Bridge {suffix}",
			"send_welcome_email": 0,
			"user_type": "System User" if "Caller ID Device" not in roles else "Website User",
			"roles": [{"role": r} for r in roles],
		},
	)
	secret = admin.call("frappe.core.doctype.user.user.generate_keys", user=email).json()["message"][
		"api_secret"
	]
	key = admin.resource("User", email).json()["data"]["api_key"]
	return {"user": email, "token": f"{key}:{secret}", "key": key, "secret": secret}


@pytest.fixture(scope="module")
def line(stack, admin, team):
	suffix = str(int(time.time() * 1000))[-9:]
	device = make_device(admin, suffix)
	line_id = f"e2e-line-{suffix}"
	admin.insert(
		"Phone Line",
		{
			"line_id": line_id,
			"line_name": line_id,
			"device_user": device["user"],
			"outside_line_prefix": "9",
			"users": [{"user": team["a"]["user"]}],
		},
	)
	mobile = "139" + suffix[-8:].rjust(8, "0")
	customer = admin.insert(
		"Customer Account",
		{
			"customer_name": f"来电测试{suffix}有限公司",
			"website": "https://call.cn",
			"mobile_no": mobile,
			"salesperson": team["a"]["user"],
		},
	)
	theirs_mobile = "137" + suffix[-8:].rjust(8, "0")
	theirs = admin.insert(
		"Customer Account",
		{
			"customer_name": f"他人客户{suffix}有限公司",
			"website": "https://other.cn",
			"mobile_no": theirs_mobile,
			"salesperson": team["b"]["user"],
		},
	)
	return {
		"id": line_id,
		"device": device,
		"customer": customer,
		"mobile": mobile,
		"theirs": theirs,
		"theirs_mobile": theirs_mobile,
		"suffix": suffix,
	}
