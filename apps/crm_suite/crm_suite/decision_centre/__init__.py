"""Decision Centre (决策中心, SPEC RPT): the app's reports in one workspace.

Every Report of the app's modules is linked from workspace/decision_centre/decision_centre.json, under the
card of its area. The money reports (RPT-05 rankings, RPT-08 payment collection) come with the contracts and
payments work: append them to that workspace's links under a new "Money Reports" Card Break (and count them
in its link_count). tests/test_decision_centre.py fails while any app report is left out."""
