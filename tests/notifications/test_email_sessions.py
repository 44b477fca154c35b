"""A large e-mail send is split over several SMTP sessions in threads; results keep the order."""

from typing import Any

from jiefen.notifications import EmailAdapter, Message
from jiefen.notifications.config import load


def test_many_mails_go_over_parallel_sessions_with_results_in_order(smtp: Any) -> None:
    messages = [Message("email", f"b{i}@example.cn", f"正文{i}") for i in range(400)]
    results = EmailAdapter(load(), sessions=4).send_many(messages)
    assert all(r.ok for r in results)
    to_by_id = {m["Message-ID"]: m["To"] for m in smtp.received}
    assert [to_by_id[r.provider_id] for r in results] == [m.to for m in messages]
    assert len({m["X-Peer"] for m in smtp.received}) == 4  # four SMTP sessions
