# Every permission hook of this app lives in this package, and Frappe calls those hooks (building a list
# query's conditions, checking a document) before it applies field-level read permission or builds a
# form's docinfo: installing the fixes here puts them in place before the first query or form that needs
# them, in web workers, background jobs and tests alike.
from crm_suite.permissions.fieldlevel import install as _install_fieldlevel_fix
from crm_suite.permissions.versions import install as _install_version_filter

_install_fieldlevel_fix()
_install_version_filter()
