"""SLA targets, business-hours calendars and escalation (issue 10, R17, W3, W4)."""
