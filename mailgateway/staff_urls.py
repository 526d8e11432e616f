"""The rejected-mail and spam pages of the staff portal. helpdesk/urls.py mounts them under /staff/
beside tickets.urls.staff, in the same `staff` namespace, so their addresses and names
(`staff:rejected_mail_list`, ...) stayed the same when they moved here (issue 16)."""

from django.urls import path

from mailgateway.views import rejected_mail, spam_mail

urlpatterns = [
    path("mail/rejected/", rejected_mail.rejected_mail_list, name="rejected_mail_list"),
    path("mail/rejected/<int:pk>/", rejected_mail.rejected_mail_detail, name="rejected_mail"),
    path(
        "mail/rejected/<int:pk>/accept/",
        rejected_mail.rejected_mail_accept,
        name="rejected_mail_accept",
    ),
    path("mail/spam/", spam_mail.spam_mail_list, name="spam_mail_list"),
    path("mail/spam/<int:pk>/", spam_mail.spam_mail_detail, name="spam_mail"),
    path("mail/spam/<int:pk>/not-spam/", spam_mail.spam_mail_not_spam, name="spam_mail_not_spam"),
    path("mail/spam/<int:pk>/delete/", spam_mail.spam_mail_delete, name="spam_mail_delete"),
]
