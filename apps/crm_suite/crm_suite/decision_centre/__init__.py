"""Decision Centre (决策中心, SPEC RPT): the app's reports in one workspace.

Every Report of the app's modules is linked from workspace/decision_centre/decision_centre.json, under the
card of its area; the money reports (RPT-05, RPT-08) under "Money Reports". tests/test_decision_centre.py fails while any app report is left out."""
