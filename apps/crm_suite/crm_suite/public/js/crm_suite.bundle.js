// crm_suite Desk glue, included on every Desk page (hooks.app_include_js).
import "./pool_actions";

frappe.provide("crm_suite");

crm_suite.ECHO_EVENT = "crm_suite_echo";

// A realtime self-test an admin can run from the browser console: crm_suite.check_realtime()
crm_suite.check_realtime = function () {
	return new Promise((resolve) => {
		const handler = (data) => {
			frappe.realtime.off(crm_suite.ECHO_EVENT, handler);
			frappe.show_alert({ message: __("Realtime connection works"), indicator: "green" });
			resolve(data);
		};
		frappe.realtime.on(crm_suite.ECHO_EVENT, handler);
		frappe.call({ method: "crm_suite.api.system.realtime_echo", args: { message: "desk" } });
	});
};
