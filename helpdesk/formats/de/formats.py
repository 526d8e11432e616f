# Dates in the interface are never ambiguous (issue 12, P8): short forms in ISO order
# (2026-12-03 14:05), which every language reads the same way, instead of Django's
# 12/03/2026 (English) or 03.12.2026; the long forms keep the language's month names.
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
