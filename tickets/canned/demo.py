"""Demo canned responses for `seed_demo` (R15): global, per department and personal,
in English with Russian variants, written through the services like the rest of the demo."""

from __future__ import annotations

from accounts.models import Role, User
from tickets.canned.models import Scope
from tickets.canned.services import CannedContent, canned_response_create
from tickets.models import Department
from tickets.uploads import NewAttachment

# (title, folder, scope, department slug or owner e-mail, English text, Russian text)
DEMO_RESPONSES = [
    (
        "Greeting",
        "General",
        Scope.GLOBAL,
        "",
        "Hello {customer_name},\n\nthank you for writing to us.\n\n",
        "Здравствуйте, {customer_name}!\n\nСпасибо, что написали нам.\n\n",
    ),
    (
        "We are looking into it",
        "General",
        Scope.GLOBAL,
        "",
        "Hello {customer_name},\n\nwe have received your request #{ticket_number} and are "
        "looking into it. You can follow it here: {ticket_link}\n\n{agent_name}, {department}",
        "Здравствуйте, {customer_name}!\n\nМы получили ваше обращение №{ticket_number} и уже "
        "разбираемся. Следить за ним можно здесь: {ticket_link}\n\n{agent_name}, {department}",
    ),
    (
        "Restarted the web server",
        "Hosting",
        Scope.DEPARTMENT,
        "technical-support",
        "Hello {customer_name},\n\nwe restarted the web server and the site answers again. "
        "Please check and tell us if the problem comes back.\n\n{agent_name}",
        "Здравствуйте, {customer_name}!\n\nМы перезапустили веб-сервер, сайт снова отвечает. "
        "Проверьте, пожалуйста, и напишите, если проблема повторится.\n\n{agent_name}",
    ),
    (
        "How to reach the server by SSH",
        "Hosting",
        Scope.DEPARTMENT,
        "technical-support",
        "To connect: ssh root@<your server's address>. The instructions are attached.",
        "Подключение: ssh root@<адрес вашего сервера>. Инструкция во вложении.",
    ),
    (
        "Invoice paid, thank you",
        "Payments",
        Scope.DEPARTMENT,
        "billing",
        "Hello {customer_name},\n\nyour payment has arrived; the invoice is marked as paid.",
        "Здравствуйте, {customer_name}!\n\nОплата поступила, счёт отмечен как оплаченный.",
    ),
    (
        "My sign-off",
        "",
        Scope.PERSONAL,
        "boris@hosting.example",
        "Best regards,\nBoris, {department}",
        "С уважением,\nБорис, {department}",
    ),
]


def seed_canned_responses(ssh_guide: NewAttachment) -> None:
    """Adds the demo's canned responses; `ssh_guide` goes with the SSH instructions."""
    admin = User.objects.get(role=Role.ADMIN, email="admin@hosting.example")
    departments = {department.slug: department for department in Department.objects.all()}
    for title, folder, scope, where, english, russian in DEMO_RESPONSES:
        author = admin if scope != Scope.PERSONAL else User.objects.get(email=where)
        canned_response_create(
            actor=author,
            content=CannedContent(
                title=title,
                folder=folder,
                scope=scope,
                department=departments.get(where),
                body=english,
                variants={"ru": russian},
            ),
            attachments=[ssh_guide] if "SSH" in title else [],
        )
