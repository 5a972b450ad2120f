"""Load: 32 concurrent clients mixing queries, uploads, cancels and session churn on the
test run's server for a fixed number of rounds; every result checked by content and no
error the test did not provoke."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pyarrow as pa
import pyarrow.flight as fl

from sparkflight.plans import headers as wire
from sparkflight.plans import sparkflight_pb2 as sf
from tests.flight_server.plan_builder import Plans, leaf, sql

CLIENTS = 32
ROUNDS = 4
SLOW = "select max(id * 2) as m from range(0, 100000000000, 1, 2)"


class Worker:
    """One client with its own connection and session."""

    def __init__(self, url: str, number: int) -> None:
        self.number = number
        self.client = fl.connect(url)
        self.session = self._open()

    def _options(self, session: str, operation: str | None = None) -> fl.FlightCallOptions:
        headers = [(wire.SESSION.encode(), session.encode())]
        if operation is not None:
            headers.append((wire.OPERATION_ID.encode(), operation.encode()))
        return fl.FlightCallOptions(headers=headers)

    def _action(self, kind: str, request, session: str) -> bytes:
        body = request.SerializeToString() if request is not None else b""
        results = list(self.client.do_action(fl.Action(kind, body), self._options(session)))
        return results[0].body.to_pybytes() if results else b""

    def _open(self) -> str:
        return sf.SessionInfo.FromString(self._action("session.open", None, "")).session_id

    def _get(self, plan: bytes, session: str, operation: str | None = None) -> pa.Table:
        options = self._options(session, operation)
        return self.client.do_get(fl.Ticket(plan), options).read_all()

    def query(self, round_: int) -> None:
        n = 1000 + 97 * self.number + round_
        table = self._get(
            Plans().plan(sql(f"select sum(id) as s, count(*) as c from range({n})")), self.session
        )
        assert table.to_pylist() == [{"s": n * (n - 1) // 2, "c": n}]

    def upload(self, round_: int) -> None:
        values = [self.number * 1_000_000 + round_ * 1000 + i for i in range(5000)]
        data = pa.table({"v": values})
        descriptor = fl.FlightDescriptor.for_command(sf.UploadRequest().SerializeToString())
        writer, reader = self.client.do_put(descriptor, data.schema, self._options(self.session))
        writer.write_table(data)
        writer.done_writing()
        upload_id = sf.UploadResponse.FromString(reader.read().to_pybytes()).upload_id
        writer.close()
        back = self._get(Plans().plan(leaf(sf.LocalRelation(upload_id=upload_id))), self.session)
        assert sorted(back.column("v").to_pylist()) == values

    def cancel(self, round_: int) -> None:
        operation = str(uuid.uuid4())
        errors: list[BaseException] = []

        def slow() -> None:
            try:
                self._get(Plans().plan(sql(SLOW)), self.session, operation)
            except fl.FlightError as exc:
                errors.append(exc)

        thread = threading.Thread(target=slow)
        thread.start()
        interrupted: list[str] = []
        while thread.is_alive() and not interrupted:
            request = sf.InterruptRequest(operation_id=operation)
            response = sf.InterruptResponse.FromString(
                self._action("interrupt", request, self.session)
            )
            interrupted = list(response.interrupted_ids)
            thread.join(0.2)
        thread.join()
        assert interrupted == [operation]
        assert len(errors) == 1 and "interrupted" in str(errors[0]).lower()

    def churn(self, round_: int) -> None:
        session = self._open()
        name = f"v{self.number}_{round_}"
        view = sf.CreateViewCommand(plan=Plans().plan(sql(f"select {self.number} as w")), name=name)
        self._action("command", sf.CommandRequest(create_view=view), session)
        assert self._get(Plans().plan(sql(f"select w from {name}")), session).to_pylist() == [
            {"w": self.number}
        ]
        self._action("session.close", sf.CloseSessionRequest(session_id=session), session)

    def run(self) -> list[tuple[int, str, int]]:
        """Run this client's rounds; the steps that completed, as (client, step, round)."""
        completed = []
        for round_ in range(ROUNDS):
            step = STEPS[(self.number + round_) % len(STEPS)]
            getattr(self, step)(round_)
            completed.append((self.number, step, round_))
        self._action("session.close", sf.CloseSessionRequest(session_id=self.session), self.session)
        self.client.close()
        return completed


STEPS = ("query", "upload", "cancel", "churn")


def test_thirty_two_concurrent_clients(server_url, flight_client):
    with ThreadPoolExecutor(CLIENTS) as pool:
        workers = list(pool.map(lambda n: Worker(server_url, n), range(CLIENTS)))
        completed = [step for steps in pool.map(Worker.run, workers) for step in steps]
    expected = [
        (number, STEPS[(number + round_) % len(STEPS)], round_)
        for number in range(CLIENTS)
        for round_ in range(ROUNDS)
    ]
    assert completed == expected
    assert {step for _, step, _ in completed} == set(STEPS)
    table = flight_client.do_get(fl.Ticket(Plans().plan(sql("select 1 as one")))).read_all()
    assert table.to_pylist() == [{"one": 1}]
