"""The asset registry (网络执行查控) client and its simulator over real HTTP.

What the law cares about here: a court acts only on assets of the debtor himself — a registry
that matched on the name alone must hand back the other person's ID number so jiefen can refuse
it; a freeze takes no more than the balance, a deduction no more than what was frozen (法释
〔2013〕20号, 民诉法 Arts. 253-254); an order sent twice (a retry) must not freeze or take twice.
"""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from jiefen.enforcement.registry import (
    MAX_SUBJECTS,
    Answer,
    DeductOrder,
    FreezeOrder,
    Hit,
    HttpRegistry,
    RegistryUnavailable,
    Subject,
)
from jiefen.enforcement.registry import registry as configured_registry
from jiefen.enforcement.registry_simulator import RegistryServer

from .conftest import REGISTRY_TEST_TOKEN

ZHANG_ID = "110101198001011234"
OTHER_ZHANG_ID = "310101197505054321"
LI_ID = "440301199002023456"
COMPANY_ID = "91310000MA1FL0000X"
AS_OF = date(2026, 3, 1)
UNTIL = date(2027, 3, 1)


def zhang(**asset: Any) -> dict[str, Any]:
    return {"id_number": ZHANG_ID, "name": "张三", "assets": [asset]}


DEPOSIT = {
    "kind": "deposit",
    "registry": "中国工商银行",
    "identifier": "6222020200001234567",
    "description": "活期储蓄",
    "value": "8000.00",
}


def ask(subjects: list[Subject], as_of: date = AS_OF) -> Answer:
    client = configured_registry()
    answer = client.answer(client.submit(subjects, as_of=as_of))
    assert answer.ready
    return answer


def one_hit(server: RegistryServer, **asset: Any) -> Hit:
    server.add_holders([zhang(**(asset or DEPOSIT))])
    (hit,) = ask([Subject("inq:1", "张三", ZHANG_ID)]).hits
    return hit


def test_inquiry_returns_id_hits_and_name_only_hits_with_the_other_id_number(
    registry: RegistryServer,
) -> None:
    registry.add_holders(
        [
            zhang(**DEPOSIT),
            {
                "id_number": OTHER_ZHANG_ID,  # another 张三
                "name": "张三",
                "assets": [
                    {
                        "kind": "vehicle",
                        "registry": "上海市公安局交通警察总队",
                        "identifier": "沪A12345",
                        "description": "小型轿车",
                        "value": "150000",
                    }
                ],
            },
            {
                "id_number": LI_ID,
                "name": "李四",
                "assets": [
                    {
                        "kind": "real_estate",
                        "registry": "深圳市不动产登记中心",
                        "identifier": "粤(2020)深圳市不动产权第0001234号",
                        "value": "2600000",
                    }
                ],
            },
            {"id_number": "110101196601019999", "name": "王五", "assets": [DEPOSIT]},
        ]
    )
    answer = ask([Subject("inq:7", "张三", ZHANG_ID), Subject("inq:8", "李四", LI_ID)])

    by_subject = {(h.subject_reference, h.identifier): h for h in answer.hits}
    assert set(by_subject) == {
        ("inq:7", "6222020200001234567"),
        ("inq:7", "沪A12345"),
        ("inq:8", "粤(2020)深圳市不动产权第0001234号"),
    }
    own = by_subject["inq:7", "6222020200001234567"]
    assert (own.kind, own.registry, own.value) == ("deposit", "中国工商银行", Decimal("8000.00"))
    assert (own.holder_name, own.holder_id_number) == ("张三", ZHANG_ID)
    name_only = by_subject["inq:7", "沪A12345"]
    assert name_only.holder_name == "张三"
    assert name_only.holder_id_number == OTHER_ZHANG_ID  # jiefen must refuse this one
    assert name_only.value == Decimal("150000.00")
    assert by_subject["inq:8", "粤(2020)深圳市不动产权第0001234号"].holder_id_number == LI_ID
    assert len({h.hit_reference for h in answer.hits}) == 3


def test_a_subject_without_assets_gets_no_hits(registry: RegistryServer) -> None:
    registry.add_holders([zhang(**DEPOSIT)])
    assert ask([Subject("inq:1", "赵六", "110101199912120000")]).hits == ()


def test_answer_pends_until_the_delay_has_passed(registry: RegistryServer) -> None:
    registry.add_holders([zhang(**DEPOSIT)])
    registry.delay = 0.3
    client = registry_client()
    request = client.submit([Subject("inq:1", "张三", ZHANG_ID)], as_of=AS_OF)
    pending = client.answer(request)
    assert pending == Answer(request, ready=False, hits=())
    deadline = time.monotonic() + 5
    while not (answer := client.answer(request)).ready:
        assert time.monotonic() < deadline, "answer never became ready"
        time.sleep(0.05)
    assert [h.identifier for h in answer.hits] == ["6222020200001234567"]


def registry_client() -> HttpRegistry:
    client = configured_registry()
    assert isinstance(client, HttpRegistry)
    return client


def test_freeze_caps_at_the_balance(registry: RegistryServer) -> None:
    hit = one_hit(registry)
    (result,) = registry_client().freeze(
        [FreezeOrder("frz-1", hit.hit_reference, Decimal("12345.67"), UNTIL)]
    )
    assert result.frozen == Decimal("8000.00")  # balance 8,000.00 < ordered 12,345.67
    assert result.error == ""
    assert result.registry_reference


def test_a_second_freeze_takes_only_what_is_still_available(registry: RegistryServer) -> None:
    hit = one_hit(registry)
    client = registry_client()
    first, second, third = client.freeze(
        [
            FreezeOrder("frz-1", hit.hit_reference, Decimal("5000.00"), UNTIL),
            FreezeOrder("frz-2", hit.hit_reference, Decimal("5000.00"), UNTIL),
            FreezeOrder("frz-3", hit.hit_reference, Decimal("1.00"), UNTIL),
        ]
    )
    assert first.frozen == Decimal("5000.00")
    assert second.frozen == Decimal("3000.00")  # 8,000.00 − 5,000.00
    assert (third.frozen, third.error) == (Decimal("0.00"), "无可冻结余额")


def test_deduction_takes_at_most_the_frozen_amount_and_lowers_the_balance(
    registry: RegistryServer,
) -> None:
    hit = one_hit(registry)
    client = registry_client()
    client.freeze([FreezeOrder("frz-1", hit.hit_reference, Decimal("3000.50"), UNTIL)])

    (result,) = client.deduct([DeductOrder("ded-1", hit.hit_reference, Decimal("5000.00"))])
    assert (result.deducted, result.error) == (Decimal("3000.50"), "")

    # the account now holds 8,000.00 − 3,000.50 = 4,999.50, and nothing of it is frozen
    (again,) = ask([Subject("inq:2", "张三", ZHANG_ID)]).hits
    assert again.value == Decimal("4999.50")
    (nothing,) = client.deduct([DeductOrder("ded-2", hit.hit_reference, Decimal("1.00"))])
    assert (nothing.deducted, nothing.error) == (Decimal("0.00"), "未冻结")


def test_deduction_without_a_freeze_is_refused(registry: RegistryServer) -> None:
    hit = one_hit(registry)
    (result,) = registry_client().deduct(
        [DeductOrder("ded-1", hit.hit_reference, Decimal("100.00"))]
    )
    assert (result.deducted, result.error) == (Decimal("0.00"), "未冻结")


def test_a_partial_deduction_leaves_the_rest_frozen(registry: RegistryServer) -> None:
    hit = one_hit(registry)
    client = registry_client()
    client.freeze([FreezeOrder("frz-1", hit.hit_reference, Decimal("6000.00"), UNTIL)])
    (first,) = client.deduct([DeductOrder("ded-1", hit.hit_reference, Decimal("2500.25"))])
    (second,) = client.deduct([DeductOrder("ded-2", hit.hit_reference, Decimal("9999.00"))])
    assert first.deducted == Decimal("2500.25")
    assert second.deducted == Decimal("3499.75")  # 6,000.00 − 2,500.25 still frozen
    (again,) = ask([Subject("inq:2", "张三", ZHANG_ID)]).hits
    assert again.value == Decimal("2000.00")  # 8,000.00 − 6,000.00


def test_order_references_are_idempotent(registry: RegistryServer) -> None:
    hit = one_hit(registry)
    client = registry_client()
    order = FreezeOrder("frz-1", hit.hit_reference, Decimal("3000.00"), UNTIL)
    first = client.freeze([order])
    assert client.freeze([order]) == first  # a retry: same answer, not a second freeze
    (other,) = client.freeze([FreezeOrder("frz-2", hit.hit_reference, Decimal("9000"), UNTIL)])
    assert other.frozen == Decimal("5000.00")  # 8,000.00 − 3,000.00 (frz-1 counted once)

    deduction = DeductOrder("ded-1", hit.hit_reference, Decimal("1000.00"))
    taken = client.deduct([deduction])
    assert client.deduct([deduction]) == taken
    (again,) = ask([Subject("inq:2", "张三", ZHANG_ID)]).hits
    assert again.value == Decimal("7000.00")  # 1,000.00 taken once


def test_unfreeze_releases_the_freeze(registry: RegistryServer) -> None:
    hit = one_hit(registry)
    client = registry_client()
    (frozen,) = client.freeze([FreezeOrder("frz-1", hit.hit_reference, Decimal("500"), UNTIL)])
    client.unfreeze([frozen.registry_reference])
    (result,) = client.deduct([DeductOrder("ded-1", hit.hit_reference, Decimal("500"))])
    assert result.error == "未冻结"
    # released twice: nothing more to release, no error
    assert post(registry, "/api/unfreezes", {"references": [frozen.registry_reference]}) == (
        200,
        {"released": 0},
    )
    # the whole balance can be frozen again
    (refrozen,) = client.freeze([FreezeOrder("frz-2", hit.hit_reference, Decimal("9000"), UNTIL)])
    assert refrozen.frozen == Decimal("8000.00")


def test_a_vehicle_is_seized_whole_and_never_deducted(registry: RegistryServer) -> None:
    hit = one_hit(
        registry, kind="vehicle", registry="北京市公安局公安交通管理局", identifier="京N8P8F8",
        value="98000.00",
    )  # fmt: skip
    client = registry_client()
    (seized,) = client.freeze([FreezeOrder("sz-1", hit.hit_reference, Decimal("98000"), UNTIL)])
    assert (seized.frozen, seized.error) == (Decimal("98000.00"), "")
    (twice,) = client.freeze([FreezeOrder("sz-2", hit.hit_reference, Decimal("98000"), UNTIL)])
    assert (twice.frozen, twice.error) == (Decimal("0.00"), "该财产已被查封、扣押")
    (deducted,) = client.deduct([DeductOrder("ded-1", hit.hit_reference, Decimal("1000"))])
    assert deducted.deducted == Decimal("0.00")
    assert "不能扣划" in deducted.error


def test_an_unknown_hit_is_refused_per_order(registry: RegistryServer) -> None:
    (result,) = registry_client().freeze([FreezeOrder("frz-1", "q-999-1", Decimal("1"), UNTIL)])
    assert (result.frozen, result.error) == (Decimal("0.00"), "查无此反馈编号")


def test_assets_appear_only_for_inquiries_as_of_their_date(registry: RegistryServer) -> None:
    registry.add_holders(
        [
            {
                "id_number": ZHANG_ID,
                "name": "张三",
                "assets": [
                    DEPOSIT,
                    {
                        "kind": "wages",
                        "registry": "某科技有限公司",
                        "identifier": "工资账户-001",
                        "value": "12000",
                        "appears_on": "2027-01-01",
                    },
                ],
            }
        ]
    )
    subject = [Subject("inq:1", "张三", ZHANG_ID)]
    assert [h.kind for h in ask(subject, as_of=date(2026, 12, 31)).hits] == ["deposit"]
    assert sorted(h.kind for h in ask(subject, as_of=date(2027, 1, 1)).hits) == [
        "deposit",
        "wages",
    ]


def test_requests_without_the_token_are_refused(registry: RegistryServer) -> None:
    wrong = HttpRegistry(registry.url, "not-the-token", timeout=5)
    with pytest.raises(RegistryUnavailable) as caught:
        wrong.submit([Subject("inq:1", "张三", ZHANG_ID)], as_of=AS_OF)
    assert caught.value.status == 401
    assert str(caught.value).startswith("查控系统不可用")
    status, _ = post(registry, "/api/inquiries", {"as_of": "2026-03-01", "subjects": []}, token="")
    assert status == 401


def test_more_than_10000_subjects_are_refused(registry: RegistryServer) -> None:
    subjects = [Subject(f"inq:{i}", "张三", ZHANG_ID) for i in range(MAX_SUBJECTS + 1)]
    with pytest.raises(ValueError, match="最多 10000"):
        registry_client().submit(subjects, as_of=AS_OF)
    status, body = post(
        registry,
        "/api/inquiries",
        {
            "as_of": "2026-03-01",
            "subjects": [{"reference": s.reference, "name": s.name, "id_number": s.id_number}
                         for s in subjects],
        },
    )  # fmt: skip
    assert status == 413
    assert "10000" in body["error"]


def test_unknown_request_is_404(registry: RegistryServer) -> None:
    with pytest.raises(RegistryUnavailable) as caught:
        registry_client().answer("q-424242")
    assert caught.value.status == 404


def test_malformed_request_is_400_with_a_reason(registry: RegistryServer) -> None:
    status, body = post(registry, "/api/inquiries", {"as_of": "2026-02-30", "subjects": []})
    assert status == 400
    assert "as_of" in body["error"]


def test_an_unreachable_registry_raises_registry_unavailable() -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = HttpRegistry(f"http://127.0.0.1:{port}", "token", timeout=2)
    with pytest.raises(RegistryUnavailable, match=r"^查控系统不可用"):
        client.submit([Subject("inq:1", "张三", ZHANG_ID)], as_of=AS_OF)
    with pytest.raises(RegistryUnavailable):
        client.freeze([FreezeOrder("frz-1", "q-1-1", Decimal("1"), UNTIL)])


def test_5000_subjects_round_trip_in_one_request(registry: RegistryServer) -> None:
    holders = [
        {
            "id_number": f"11010119800101{i:04d}",
            "name": f"债务人{i}",
            "assets": [{"kind": "deposit", "identifier": f"6222{i:012d}", "value": f"{i}.01"}],
        }
        for i in range(5000)
    ]
    registry.add_holders(holders)
    subjects = [Subject(f"inq:{i}", f"债务人{i}", f"11010119800101{i:04d}") for i in range(5000)]
    answer = ask(subjects)
    assert len(answer.hits) == 5000
    by_subject = {h.subject_reference: h for h in answer.hits}
    assert by_subject["inq:0"].value == Decimal("0.01")
    assert by_subject["inq:4999"].value == Decimal("4999.01")
    assert by_subject["inq:1234"].identifier == "6222000000001234"
    assert all(h.holder_id_number == f"11010119800101{h.subject_reference[4:]:0>4}"
               for h in answer.hits)  # fmt: skip


def test_holders_can_be_added_and_cleared_over_http(registry: RegistryServer) -> None:
    assert post(registry, "/api/holders", {"holders": [zhang(**DEPOSIT)]}) == (200, {"added": 1})
    assert len(ask([Subject("inq:1", "张三", ZHANG_ID)]).hits) == 1
    status, body = post(registry, "/api/holders", {"holders": [zhang(kind="boat", value="1")]})
    assert status == 400
    assert "财产类型" in body["error"]
    request = urllib.request.Request(
        registry.url + "/api/holders",
        method="DELETE",
        headers={"Authorization": f"Bearer {REGISTRY_TEST_TOKEN}"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        assert json.loads(response.read()) == {"cleared": True}
    assert ask([Subject("inq:2", "张三", ZHANG_ID)]).hits == ()


def test_the_page_lists_seeded_assets_with_masked_id_numbers(registry: RegistryServer) -> None:
    registry.add_holders([zhang(**DEPOSIT)])
    with urllib.request.urlopen(registry.url + "/", timeout=5) as response:
        page = response.read().decode()
    assert "网络执行查控模拟器" in page
    assert "张三" in page and "6222020200001234567" in page and "8000.00" in page
    assert "110101********1234" in page and ZHANG_ID not in page


def test_the_command_reports_an_unreadable_seed(tmp_path: Any) -> None:
    with pytest.raises(CommandError, match="种子文件"):
        call_command("registry_simulator", seed=str(tmp_path / "missing.json"), port=0)


def post(
    server: RegistryServer, path: str, body: dict[str, Any], token: str = REGISTRY_TEST_TOKEN
) -> tuple[int, dict[str, Any]]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(
        server.url + path, data=json.dumps(body).encode(), headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())
