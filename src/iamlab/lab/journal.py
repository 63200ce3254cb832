"""The request journal: a CloudTrail-like history of everything the lab decided.

Lessons read it to show "what just happened", teachers export it as CloudTrail
records. Every entry keeps the engine's decision so the "why" is never lost.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import threading
from collections import deque
from dataclasses import dataclass, field

from iamlab.i18n import N_, _, text_table
from iamlab.policy.words import result_label, short_arn, statement_label


@dataclass(frozen=True)
class Entry:
    time: dt.datetime
    principal: str
    action: str
    resource: str
    result: str  # "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied" | an authentication error code
    message: str
    decision: object | None = field(default=None, compare=False, repr=False)
    source_ip: str = "127.0.0.1"
    user_agent: str = ""
    request_id: str = ""
    account: str = ""  # the caller's account ("" before the caller is known: the lab's own)
    resource_account: str = ""  # the account that owns the resource ("": the caller's)

    @property
    def allowed(self) -> bool:
        return self.result == "Allowed"

    @property
    def deciding(self) -> tuple:
        """The statements that decided, worked out when first asked for (the decision keeps them):
        a request pays nothing for an explanation no one reads."""
        return tuple(self.decision.deciding) if self.decision is not None else ()

    def deciding_labels(self) -> list[str]:
        return [statement_label(s) for s in self.deciding]

    def accounts(self, lab_account: str) -> set[str]:
        """The accounts whose trails show this entry: the caller's and the resource's."""
        caller = self.account or lab_account
        return {caller, self.resource_account or caller}

    def to_cloudtrail(self, account_id: str, region: str, recipient: str | None = None) -> dict:
        """This entry as a CloudTrail record (eventVersion 1.08), as delivered to `recipient`'s trail
        (by default the resource's account)."""
        service, _, name = self.action.partition(":")
        kind = "AssumedRole" if ":assumed-role/" in self.principal else "IAMUser"
        caller = self.account or account_id
        owner = self.resource_account or caller
        record = {
            "eventVersion": "1.08",
            "userIdentity": {"type": kind, "arn": self.principal, "accountId": caller},
            "eventTime": self.time.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "eventSource": f"{service}.amazonaws.com",
            "eventName": name,
            "awsRegion": region,
            "sourceIPAddress": self.source_ip,
            "userAgent": self.user_agent,
            "requestID": self.request_id,
            "eventType": "AwsApiCall",
            "recipientAccountId": recipient or owner,
            "resources": [] if self.resource == "*" else [{"ARN": self.resource, "accountId": owner}],
        }
        if not self.allowed:
            record["errorCode"] = "AccessDenied" if self.result.endswith("Denied") else self.result
            record["errorMessage"] = self.message
        return record


DEFAULT_CAPACITY = 10_000


class Journal:
    """A thread-safe ring buffer of the last `capacity` entries, with notebook-friendly views.

    A lab left running keeps answering requests; the journal keeps the most recent 10,000 entries
    (a few tens of MB at most) and forgets older ones, counting them in `dropped`. To keep every
    entry, pass `on_roll`, called with each entry as it leaves the buffer (append it to a file,
    say), or call `export(path)` before `dropped` grows.
    """

    def __init__(self, account_id: str, region: str, capacity: int = DEFAULT_CAPACITY, on_roll=None):
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1, got {capacity}")
        self._entries: deque[Entry] = deque(maxlen=capacity)
        self._lock = threading.Lock()
        self.account_id = account_id
        self.region = region
        self.capacity = capacity
        self.dropped = 0  # entries that left the buffer since the lab started (or `clear()`)
        self.on_roll = on_roll

    def record(self, entry: Entry) -> None:
        with self._lock:
            rolled = self._entries[0] if len(self._entries) == self.capacity else None
            self._entries.append(entry)
            if rolled is not None:
                self.dropped += 1
        if rolled is not None and self.on_roll is not None:
            self.on_roll(rolled)

    def entries(self) -> list[Entry]:
        with self._lock:
            return list(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __getitem__(self, index):
        return self.entries()[index]

    def last(self, n: int = 1) -> list[Entry]:
        return self.entries()[-n:]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.dropped = 0

    def export(self, path, account_id: str | None = None) -> int:
        """Write the entries held now as a CloudTrail log file (`{"Records": [...]}`); how many.
        `account_id`: that account's trail only (see `to_cloudtrail`)."""
        document = self.to_cloudtrail(account_id)
        with open(path, "w", encoding="utf-8") as out:
            json.dump(document, out, ensure_ascii=False, indent=1)
        return len(document["Records"])

    def to_cloudtrail(self, account_id: str | None = None) -> dict:
        """The entries as a CloudTrail log file body: `{"Records": [...]}`. With `account_id`, that
        account's trail: a request across accounts (AssumeRole of another account's role, say)
        appears in the caller's trail and in the resource owner's, as CloudTrail delivers it."""
        if account_id is None:
            return {"Records": [e.to_cloudtrail(self.account_id, self.region) for e in self.entries()]}
        return {
            "Records": [
                e.to_cloudtrail(self.account_id, self.region, recipient=account_id)
                for e in self.entries()
                if account_id in e.accounts(self.account_id)
            ]
        }

    def table(self, last: int | None = None) -> JournalTable:
        entries = self.entries()
        return JournalTable(entries[-last:] if last else entries, self.account_id)


@dataclass
class JournalTable:
    """Entries shown as an event-history table (text in a terminal, HTML in a notebook).

    Once an entry involves an account other than the lab's own, a column names the accounts: the
    caller's, and for a request across accounts the resource's after an arrow, as both accounts'
    trails record it."""

    entries: list[Entry]
    account_id: str = ""  # the lab's own account, which entries recorded before a caller was known mean

    COLUMNS = (N_("time"), N_("principal"), N_("action"), N_("resource"), N_("result"))
    ACCOUNTS = N_("account (caller → resource)")

    @property
    def several_accounts(self) -> bool:
        return any(e.accounts(self.account_id) != {self.account_id} for e in self.entries)

    def headings(self) -> tuple[str, ...]:
        time, *rest = (_(c) for c in self.COLUMNS)
        return (time, _(self.ACCOUNTS), *rest) if self.several_accounts else (time, *rest)

    def rows(self) -> list[tuple[str, ...]]:
        """One row per entry; the result in the learner's words (AWS's error codes stay as they are)."""
        several = self.several_accounts
        return [
            (
                e.time.strftime("%H:%M:%S"),
                *([self._accounts(e)] if several else []),
                short_arn(e.principal),
                e.action,
                short_arn(e.resource),
                result_label(e.result),
            )
            for e in self.entries
        ]

    def _accounts(self, entry: Entry) -> str:
        caller = entry.account or self.account_id
        owner = entry.resource_account or caller
        return caller if owner == caller else f"{caller} → {owner}"

    def __repr__(self) -> str:
        return text_table([self.headings(), *self.rows()])

    def _repr_html_(self) -> str:
        head = "".join(f"<th style='text-align:left'>{html.escape(c)}</th>" for c in self.headings())
        body = []
        for e, row in zip(self.entries, self.rows(), strict=True):
            color = "#1a7f37" if e.allowed else "#cf222e"
            cells = "".join(f"<td>{html.escape(c)}</td>" for c in row[:-1])
            cells += (
                f"<td style='color:{color};font-weight:bold' title='{html.escape(e.message)}'>"
                f"{html.escape(row[-1])}</td>"
            )
            body.append(f"<tr>{cells}</tr>")
        return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
