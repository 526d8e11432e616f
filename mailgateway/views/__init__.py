"""The mail gateway's pages: its health for monitoring (health.py) and, in the staff
portal, the mail departments rejected (rejected_mail.py, mounted by staff_urls.py)."""
