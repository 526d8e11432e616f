"""The staff portal (R3): one module per page area.

dashboard: the agent's day at a glance; queue: filtered lists and bulk actions;
workspace: one ticket, its history, replies and notes; controls: assignee, status,
priority, department; presence: who else is looking; customers: tickets opened for a
customer on the phone.
"""
