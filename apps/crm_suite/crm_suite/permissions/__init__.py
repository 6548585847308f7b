# Every permission hook of this app lives in this package, and Frappe calls those hooks (building a list
# query's conditions) before it applies field-level read permission: installing the fix here puts it in
# place before the first list query that needs it, in web workers, background jobs and tests alike.
from crm_suite.permissions.fieldlevel import install as _install_fieldlevel_fix

_install_fieldlevel_fix()
