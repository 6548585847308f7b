import sys
from pathlib import Path

# Pure tests import the app's frappe-free modules straight from the source tree
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "apps" / "crm_suite"))
